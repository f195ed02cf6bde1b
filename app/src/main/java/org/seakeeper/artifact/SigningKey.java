package org.seakeeper.artifact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;

/**
 * The server's Ed25519 provenance signing key (docs/contracts.md §10), kept in a PEM file outside
 * {@code data_dir} (a PKCS#8 private key followed by its public key), mode 0600, created on first
 * start. Only the server reads it: jobs run as other users (or in a user namespace) in sandboxes
 * that never bind it. A file others can read is refused. Thread-safe.
 */
public final class SigningKey {
  private final Path file;
  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private SigningKey(Path file, PrivateKey privateKey, PublicKey publicKey) {
    this.file = file;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** The key in {@code file}, made (with its directory, 0700) when the file is missing. */
  public static SigningKey loadOrCreate(Path file) throws IOException {
    Path f = file.toAbsolutePath().normalize();
    if (!Files.exists(f)) {
      createOnce(f, generate());
    }
    String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
    if (!perms.substring(3).equals("------")) {
      throw new IOException(
          "the provenance signing key "
              + f
              + " is readable by others ("
              + perms
              + "); make it private: chmod 600 "
              + f);
    }
    String text = Files.readString(f, StandardCharsets.US_ASCII);
    try {
      PrivateKey priv =
          KeyFactory.getInstance("Ed25519")
              .generatePrivate(new PKCS8EncodedKeySpec(Pem.decode(text, "PRIVATE KEY")));
      PublicKey pub = Pem.publicKey(Pem.block(text, "PUBLIC KEY"));
      byte[] probe = "seakeeper key check".getBytes(StandardCharsets.US_ASCII);
      if (!Dsse.verifyRaw(pub, probe, sign(priv, probe))) {
        throw new IOException("its public key does not belong to its private key");
      }
      return new SigningKey(f, priv, pub);
    } catch (GeneralSecurityException | IllegalArgumentException | IOException e) {
      throw new IOException(
          "the provenance signing key "
              + f
              + " is not an Ed25519 key pair in PEM form (PRIVATE KEY, then PUBLIC KEY): "
              + e.getMessage(),
          e);
    }
  }

  public Path file() {
    return file;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** The key id published with the key and put in signatures: {@link Pem#keyId}. */
  public String keyId() {
    return Pem.keyId(publicKey);
  }

  public byte[] sign(byte[] message) {
    try {
      return sign(privateKey, message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
    }
  }

  private static byte[] sign(PrivateKey key, byte[] message) throws GeneralSecurityException {
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(key);
    s.update(message);
    return s.sign();
  }

  private static byte[] generate() {
    try {
      KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return (Pem.encode("PRIVATE KEY", kp.getPrivate().getEncoded())
              + Pem.encode("PUBLIC KEY", kp.getPublic().getEncoded()))
          .getBytes(StandardCharsets.US_ASCII);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes a new key file once: private from the first byte (a 0600 temporary file linked into
   * place), never replacing one another process made first.
   */
  static void createOnce(Path file, byte[] content) throws IOException {
    org.seakeeper.secrets.PrivateFiles.createOnce(file, content);
  }
}
