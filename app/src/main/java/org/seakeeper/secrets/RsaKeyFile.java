package org.seakeeper.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * A {@link ServerKey} kept in a PEM file (PKCS#8 RSA private key) beside the secrets key file,
 * outside {@code data_dir}, mode {@code 0600}. The public key is derived from it. The file is
 * created (RSA 4096) the first time the public key is asked for; {@link #unwrap} never creates it
 * (a missing key must not become a new, wrong one). Thread-safe.
 */
public final class RsaKeyFile implements ServerKey {
  static final int BITS = 4096;
  private static final OAEPParameterSpec OAEP =
      new OAEPParameterSpec(
          "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

  private final Path file;
  private final int bits;
  private volatile RSAPrivateCrtKey key;

  public RsaKeyFile(Path file) {
    this(file, BITS);
  }

  /** With a smaller key for tests that make many (never below 2048). */
  RsaKeyFile(Path file, int bits) {
    if (bits < 2048) {
      throw new IllegalArgumentException("RSA keys have at least 2048 bits");
    }
    this.file = file.toAbsolutePath().normalize();
    this.bits = bits;
  }

  public Path file() {
    return file;
  }

  @Override
  public PublicKey publicKey() {
    return publicOf(key(true));
  }

  @Override
  public PublicKey publicKeyIfPresent() {
    return publicOf(key(false));
  }

  @Override
  public byte[] unwrap(byte[] wrapped) {
    try {
      Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
      c.init(Cipher.DECRYPT_MODE, key(false), OAEP);
      return c.doFinal(wrapped);
    } catch (GeneralSecurityException e) {
      throw new SecretSealer.SealException(
          "its data key does not decrypt with the server's private key (it was encrypted to another"
              + " key, or changed)",
          e);
    }
  }

  /** RSA-OAEP-SHA256 (MGF1 with SHA-256 too) of {@code data} to {@code key}. */
  static byte[] wrap(PublicKey key, byte[] data) {
    try {
      Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
      c.init(Cipher.ENCRYPT_MODE, key, OAEP);
      return c.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new SecretSealer.SealException(
          "cannot encrypt to the server's public key: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a PEM public key ({@code -----BEGIN PUBLIC KEY-----}), as served by {@code GET
   * /api/v1/secrets/public-key}.
   */
  public static PublicKey parsePublicPem(String pem) {
    String body =
        pem.replace("-----BEGIN PUBLIC KEY-----", "")
            .replace("-----END PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA")
          .generatePublic(
              new java.security.spec.X509EncodedKeySpec(Base64.getDecoder().decode(body)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new SecretSealer.SealException("not an RSA public key in PEM form", e);
    }
  }

  private static PublicKey publicOf(RSAPrivateCrtKey k) {
    try {
      return KeyFactory.getInstance("RSA")
          .generatePublic(new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private RSAPrivateCrtKey key(boolean create) {
    RSAPrivateCrtKey k = key;
    if (k != null) {
      return k;
    }
    synchronized (this) {
      if (key == null) {
        key = load(create);
      }
      return key;
    }
  }

  private RSAPrivateCrtKey load(boolean create) {
    try {
      if (!Files.exists(file)) {
        if (!create) {
          throw new SecretSealer.SealException(
              "the server's key file "
                  + file
                  + " is missing, so no secret of the trusted config repo can be decrypted (restore"
                  + " it from your backup, or encrypt the secrets again to the new key)",
              null);
        }
        PrivateFiles.createOnce(file, generate());
      }
      String open = PrivateFiles.notPrivate(file, "server's key file");
      if (open != null) {
        throw new SecretSealer.SealException(open, null);
      }
      String text = Files.readString(file, StandardCharsets.US_ASCII);
      String body =
          text.replace("-----BEGIN PRIVATE KEY-----", "")
              .replace("-----END PRIVATE KEY-----", "")
              .replaceAll("\\s", "");
      try {
        if (KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)))
            instanceof RSAPrivateCrtKey k) {
          return k;
        }
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // reported below
      }
      throw new SecretSealer.SealException(
          "the server's key file "
              + file
              + " does not hold an RSA private key in PEM (PKCS#8) form",
          null);
    } catch (IOException e) {
      throw new SecretSealer.SealException(
          "cannot read the server's key file " + file + ": " + e.getMessage(), e);
    }
  }

  private byte[] generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      byte[] der = g.generateKeyPair().getPrivate().getEncoded();
      String b64 =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
      return ("-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n")
          .getBytes(StandardCharsets.US_ASCII);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
