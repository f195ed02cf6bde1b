package org.seakeeper.artifact;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM blocks and Ed25519 public keys. Stateless. */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

  private Pem() {}

  static String encode(String label, byte[] der) {
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
  }

  /** The DER of the first block labelled {@code label}. */
  static byte[] decode(String text, String label) {
    return block(text, label);
  }

  static byte[] block(String text, String label) {
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(label)) {
        return Base64.getMimeDecoder().decode(m.group(2));
      }
    }
    throw new IllegalArgumentException("no " + label + " block");
  }

  /** Every {@code PUBLIC KEY} block of {@code text} as an Ed25519 key (others are refused). */
  public static List<PublicKey> publicKeys(String text) {
    List<PublicKey> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(1).equals("PUBLIC KEY")) {
        out.add(publicKey(Base64.getMimeDecoder().decode(m.group(2))));
      }
    }
    return out;
  }

  static PublicKey publicKey(byte[] der) {
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 public key", e);
    }
  }

  /** The PEM of a public key, with a comment line naming its key id. */
  public static String publicPem(PublicKey key, String note) {
    return "# keyid: " + keyId(key) + note + "\n" + encode("PUBLIC KEY", key.getEncoded());
  }

  /** A key's id: the lower-case hex SHA-256 of its DER (SubjectPublicKeyInfo) encoding. */
  public static String keyId(PublicKey key) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
