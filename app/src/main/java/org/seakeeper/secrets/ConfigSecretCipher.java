package org.seakeeper.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.seakeeper.core.secret.ConfigSecretOpener;
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.core.secret.SecretStore;
import org.seakeeper.core.secret.SecretValue;

/**
 * Secrets of the trusted config repo, encrypted to the server's public key (docs/contracts.md §2):
 * hybrid, so values up to {@link SecretValue#MAX_BYTES} fit. A fresh AES-256 key encrypts the value
 * with GCM; RSA-OAEP-SHA256 wraps that key to the server's {@link ServerKey}. The form is
 *
 * <pre>
 * version(1)=1 | key id(8) | wrapped length(2) | wrapped key | nonce(12) | ciphertext | tag(16)
 * </pre>
 *
 * and the GCM associated data binds it to its entry: connection, project, name and pipelines (and
 * the version and key id). Opening it under any other entry (copied to another project, renamed,
 * scope widened) fails closed. Stateless; the opener is thread-safe.
 */
public final class ConfigSecretCipher implements ConfigSecretOpener {
  private static final byte VERSION = 1;
  private static final int ID = 8;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ServerKey key;

  public ConfigSecretCipher(ServerKey key) {
    this.key = key;
  }

  /** Encrypts {@code value} for exactly {@code binding} to {@code publicKey}. */
  public static byte[] encrypt(PublicKey publicKey, SecretBinding binding, byte[] value) {
    if (value.length > SecretValue.MAX_BYTES) {
      throw new IllegalArgumentException(
          "a secret holds at most "
              + SecretValue.MAX_BYTES
              + " bytes; this one has "
              + value.length);
    }
    byte[] id = ServerKey.id(publicKey);
    byte[] dataKey = new byte[32];
    RANDOM.nextBytes(dataKey);
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    try {
      byte[] wrapped = RsaKeyFile.wrap(publicKey, dataKey);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(dataKey, "AES"),
          new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(binding, id));
      byte[] ct = c.doFinal(value);
      ByteBuffer out = ByteBuffer.allocate(1 + ID + 2 + wrapped.length + NONCE + ct.length);
      out.put(VERSION).put(id).putShort((short) wrapped.length).put(wrapped).put(nonce).put(ct);
      return out.array();
    } catch (GeneralSecurityException e) {
      throw new SecretSealer.SealException("cannot encrypt with AES-256-GCM: " + e.getMessage(), e);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  @Override
  public SecretValue open(SecretBinding binding, byte[] sealed) {
    try {
      return SecretValue.of(decrypt(binding, sealed));
    } catch (SecretSealer.SealException e) {
      throw new SecretStore.UnreadableSecretException(e.getMessage(), e);
    }
  }

  byte[] decrypt(SecretBinding binding, byte[] sealed) {
    ByteBuffer in = ByteBuffer.wrap(sealed);
    if (sealed.length < 1 + ID + 2 + NONCE + TAG_BITS / 8 || in.get() != VERSION) {
      throw new SecretSealer.SealException(
          "it is not a value printed by seakeeper secrets encrypt (unknown format)", null);
    }
    byte[] id = new byte[ID];
    in.get(id);
    int wrappedLength = Short.toUnsignedInt(in.getShort());
    if (in.remaining() < wrappedLength + NONCE + TAG_BITS / 8) {
      throw new SecretSealer.SealException("it is cut short (damaged when pasted?)", null);
    }
    byte[] ours = ServerKey.id(key.publicKeyIfPresent());
    if (!MessageDigest.isEqual(id, ours)) {
      throw new SecretSealer.SealException(
          "it was encrypted to key "
              + HexFormat.of().formatHex(id)
              + ", but this server's key is "
              + HexFormat.of().formatHex(ours)
              + " (encrypt it again with seakeeper secrets encrypt against this server)",
          null);
    }
    byte[] wrapped = new byte[wrappedLength];
    in.get(wrapped);
    byte[] dataKey = key.unwrap(wrapped);
    try {
      if (dataKey.length != 32) {
        throw new SecretSealer.SealException("its data key is not an AES-256 key (damaged)", null);
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(dataKey, "AES"),
          new GCMParameterSpec(TAG_BITS, sealed, in.position(), NONCE));
      c.updateAAD(aad(binding, id));
      int at = in.position() + NONCE;
      return c.doFinal(sealed, at, sealed.length - at);
    } catch (AEADBadTagException e) {
      throw new SecretSealer.SealException(
          "it was encrypted for another connection, project, name or pipelines, or it was changed;"
              + " encrypt the value again for this entry with seakeeper secrets encrypt",
          e);
    } catch (GeneralSecurityException e) {
      throw new SecretSealer.SealException("cannot decrypt with AES-256-GCM: " + e.getMessage(), e);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  /**
   * What the ciphertext is bound to: its entry (connection, project, name, pipelines) and format.
   */
  static byte[] aad(SecretBinding b, byte[] keyId) {
    String s =
        "seakeeper config-repo secret v1\n"
            + b.connection()
            + "\n"
            + b.project()
            + "\n"
            + b.name()
            + "\n"
            + String.join(",", b.pipelineIds())
            + "\n"
            + HexFormat.of().formatHex(keyId);
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The entry for the config repo's {@code secrets:} list, ready to paste: pipelines are written
   * out only when they are not the default.
   */
  public static String yamlEntry(SecretBinding b, byte[] sealed) {
    StringBuilder y = new StringBuilder();
    y.append("- connection: ").append(b.connection()).append('\n');
    y.append("  project: ").append(quote(b.project())).append('\n');
    y.append("  name: ").append(quote(b.name())).append('\n');
    if (!b.pipelines().equals(SecretBinding.DEFAULT_SCOPE)) {
      y.append("  pipelines: [").append(String.join(", ", b.pipelineIds())).append("]\n");
    }
    y.append("  value: |\n");
    for (String line :
        Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(sealed)
            .split("\n")) {
      y.append("    ").append(line).append('\n');
    }
    return y.toString();
  }

  /** Names are plain YAML scalars unless YAML would read them as something else. */
  private static String quote(String s) {
    return s.matches("[A-Za-z][A-Za-z0-9_./@+-]*")
            && !s.matches("(?i)(y|yes|n|no|true|false|on|off|null)")
        ? s
        : "'" + s + "'";
  }
}
