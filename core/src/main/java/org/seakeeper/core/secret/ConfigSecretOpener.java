package org.seakeeper.core.secret;

/**
 * Decrypts a secret of the trusted config repo's file, which was encrypted to the server's public
 * key (docs/contracts.md §2; as Zuul does). The ciphertext is bound to its {@link SecretBinding}
 * (connection, project, name and pipelines): opening it under any other binding fails. The server's
 * implementation holds (or asks a KMS for) the private key; core only asks. Thread-safe.
 */
public interface ConfigSecretOpener {
  /**
   * The value sealed for exactly {@code binding}.
   *
   * @throws SecretStore.UnreadableSecretException when it was encrypted for another binding or to
   *     another key, was changed, or the key is unavailable; the message never holds a value
   */
  SecretValue open(SecretBinding binding, byte[] sealed);

  /** Whether this opener decrypts; a reader that only checks syntax (the CLI) does not. */
  default boolean decrypts() {
    return true;
  }

  /** For readers without the server's key: secrets are parsed and checked, never decrypted. */
  ConfigSecretOpener PARSE_ONLY =
      new ConfigSecretOpener() {
        @Override
        public SecretValue open(SecretBinding binding, byte[] sealed) {
          throw new SecretStore.UnreadableSecretException(
              "this reader has no key for the trusted config repo's secrets", null);
        }

        @Override
        public boolean decrypts() {
          return false;
        }
      };

  /** For a server without a key pair: every secret of the config repo fails to decrypt. */
  ConfigSecretOpener NONE =
      (binding, sealedValue) -> {
        throw new SecretStore.UnreadableSecretException(
            "this server has no key pair for the trusted config repo's secrets", null);
      };
}
