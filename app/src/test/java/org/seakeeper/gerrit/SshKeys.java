package org.seakeeper.gerrit;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/** Makes SSH keys for tests with the JDK and MINA (no ssh-keygen needed). Stateless. */
final class SshKeys {
  private SshKeys() {}

  /**
   * Writes a new ed25519 private key in OpenSSH format to {@code file}; returns its public key
   * line.
   */
  static String generate(Path file) throws Exception {
    KeyPair kp = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    try (OutputStream out = Files.newOutputStream(file)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, "ci-bot", null, out);
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return PublicKeyEntry.toString(kp.getPublic()) + " ci-bot";
  }
}
