package org.seakeeper.secrets;

/**
 * Encrypts and decrypts secret values at rest, KMS-style: the caller never holds the key, only asks
 * for sealing and opening, and passes associated data that binds a value to its slot. The key file
 * implementation is {@link KeyFileSealer}; a cloud KMS (or Vault transit) fits the same interface,
 * sealing a per-value data key with the KMS and the value with that data key.
 *
 * <p>Implementations fail closed: {@link #open} returns the exact plaintext that was sealed with
 * the same associated data, or throws {@link SealException}; never a wrong value. Thread-safe.
 */
public interface SecretSealer {
  /**
   * A short, non-secret id of the key that seals now (kept beside each value to name a wrong key).
   */
  String keyId();

  /** The sealed form of {@code plaintext}, bound to {@code aad}. */
  byte[] seal(byte[] plaintext, byte[] aad);

  /**
   * The plaintext of {@code sealed}.
   *
   * @param keyId the id stored with the value, to name the key when it is not the current one
   * @throws SealException when the key is missing or wrong, the data was changed, or {@code aad} is
   *     not the one it was sealed with (a value moved to another slot)
   */
  byte[] open(byte[] sealed, byte[] aad, String keyId);

  /** Sealing or opening failed; the message is one sentence for people and never holds a value. */
  final class SealException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SealException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
