package org.seakeeper.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a key kept in a file outside the data directory (server config {@code
 * secrets.key_file}). Each value gets a fresh random 96-bit nonce; the sealed form is {@code
 * version(1) | nonce(12) | ciphertext | tag(16)}.
 *
 * <p>The key file holds 32 random bytes in base64 on one line and is created, mode {@code 0600} in
 * a {@code 0700} directory, the first time a value is sealed; opening never creates it (a missing
 * key must not become a new, wrong one). Thread-safe.
 */
public final class KeyFileSealer implements SecretSealer {
  private static final byte VERSION = 1;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path file;
  private volatile byte[] key;

  public KeyFileSealer(Path file) {
    this.file = file.toAbsolutePath().normalize();
  }

  public Path file() {
    return file;
  }

  @Override
  public String keyId() {
    return idOf(key(true));
  }

  @Override
  public byte[] seal(byte[] plaintext, byte[] aad) {
    byte[] k = key(true);
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad);
      byte[] ct = c.doFinal(plaintext);
      byte[] out = new byte[1 + NONCE + ct.length];
      out[0] = VERSION;
      System.arraycopy(nonce, 0, out, 1, NONCE);
      System.arraycopy(ct, 0, out, 1 + NONCE, ct.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new SealException("cannot encrypt with AES-256-GCM: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] open(byte[] sealed, byte[] aad, String storedKeyId) {
    byte[] k = key(false);
    if (!idOf(k).equals(storedKeyId)) {
      throw new SealException(
          "it was encrypted with key "
              + storedKeyId
              + ", but the key file "
              + file
              + " holds key "
              + idOf(k),
          null);
    }
    if (sealed.length < 1 + NONCE + TAG_BITS / 8 || sealed[0] != VERSION) {
      throw new SealException("the stored value is damaged (unknown format)", null);
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(k, "AES"),
          new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE));
      c.updateAAD(aad);
      return c.doFinal(sealed, 1 + NONCE, sealed.length - 1 - NONCE);
    } catch (AEADBadTagException e) {
      throw new SealException(
          "the stored value fails its integrity check (changed, or moved from another slot)", e);
    } catch (GeneralSecurityException e) {
      throw new SealException("cannot decrypt with AES-256-GCM: " + e.getMessage(), e);
    }
  }

  /** The first 8 bytes of the key's SHA-256, in hex: names a key without revealing it. */
  static String idOf(byte[] key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key);
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] key(boolean create) {
    byte[] k = key;
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

  private byte[] load(boolean create) {
    try {
      if (!Files.exists(file)) {
        if (!create) {
          throw new SealException(
              "the secrets key file "
                  + file
                  + " is missing, so no stored secret can be read (restore it from your backup)",
              null);
        }
        createKeyFile();
      }
      String open = PrivateFiles.notPrivate(file, "secrets key file");
      if (open != null) {
        throw new SealException(open, null);
      }
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      byte[] k;
      try {
        k = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw new SealException(
            "the secrets key file " + file + " is not one line of base64", null);
      }
      if (k.length != 32) {
        throw new SealException(
            "the secrets key file "
                + file
                + " must hold 32 bytes (AES-256) in base64; it holds "
                + k.length,
            null);
      }
      return k;
    } catch (IOException e) {
      throw new SealException(
          "cannot read the secrets key file " + file + ": " + e.getMessage(), e);
    }
  }

  private void createKeyFile() throws IOException {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    PrivateFiles.createOnce(
        file, (Base64.getEncoder().encodeToString(k) + "\n").getBytes(StandardCharsets.US_ASCII));
  }
}
