package org.seakeeper.secrets;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The server's key pair for secrets written in the trusted config repo (docs/contracts.md §2; as
 * Zuul does): anyone may encrypt to the public key, only the server decrypts. KMS-style, like
 * {@link SecretSealer}: the caller never holds the private key, it only asks to unwrap a data key.
 * The key file implementation is {@link RsaKeyFile}; a cloud KMS's asymmetric RSA-OAEP-SHA256 key
 * (or Vault transit) fits the same interface. Thread-safe.
 */
public interface ServerKey {
  /** The public key, made on first use where the implementation can (never on {@link #unwrap}). */
  PublicKey publicKey();

  /**
   * The public key without ever making one (decrypting must not turn a missing key into a new,
   * wrong one).
   *
   * @throws SecretSealer.SealException when there is no key
   */
  PublicKey publicKeyIfPresent();

  /**
   * Decrypts an RSA-OAEP-SHA256 ciphertext made with {@link #publicKey}.
   *
   * @throws SecretSealer.SealException when the private key is missing or unusable, or the
   *     ciphertext was not made for it
   */
  byte[] unwrap(byte[] wrapped);

  /** The public key as PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo). */
  static String pem(PublicKey key) {
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
  }

  /** The first 8 bytes of the SHA-256 of the public key's encoding: names a key, is public. */
  static byte[] id(PublicKey key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return java.util.Arrays.copyOf(d, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String idText(PublicKey key) {
    return HexFormat.of().formatHex(id(key));
  }
}
