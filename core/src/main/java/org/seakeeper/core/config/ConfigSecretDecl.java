package org.seakeeper.core.config;

import org.seakeeper.core.secret.SecretBinding;

/**
 * One entry of the trusted config repo's {@code secrets:} list as written: its binding and the
 * ciphertext (encrypted to the server's public key, bound to the binding). Never decrypted here.
 *
 * @param pos where the entry starts, for problems of the entry as a whole
 * @param valuePos where its {@code value} is, for problems decrypting it
 */
public record ConfigSecretDecl(SecretBinding binding, byte[] sealed, Pos pos, Pos valuePos) {
  public ConfigSecretDecl {
    sealed = sealed.clone();
  }

  @Override
  public byte[] sealed() {
    return sealed.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigSecretDecl d
        && d.binding.equals(binding)
        && java.util.Arrays.equals(d.sealed, sealed)
        && d.pos.equals(pos)
        && d.valuePos.equals(valuePos);
  }

  @Override
  public int hashCode() {
    return binding.hashCode() * 31 + java.util.Arrays.hashCode(sealed);
  }

  @Override
  public String toString() {
    return "ConfigSecretDecl[" + binding + " at " + pos + ", " + sealed.length + " bytes sealed]";
  }
}
