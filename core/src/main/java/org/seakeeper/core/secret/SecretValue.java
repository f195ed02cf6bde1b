package org.seakeeper.core.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The bytes of a secret. Immutable (every read is a copy); {@link #toString} never shows the value,
 * so a secret in a log statement or an exception message stays hidden.
 */
public final class SecretValue {
  /** The largest value a secret may hold (a key, a token, a small config file). */
  public static final int MAX_BYTES = 64 * 1024;

  private final byte[] bytes;

  private SecretValue(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A value of these bytes (copied); refuses values larger than {@link #MAX_BYTES}. */
  public static SecretValue of(byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "a secret holds at most " + MAX_BYTES + " bytes; this one has " + bytes.length);
    }
    return new SecretValue(bytes.clone());
  }

  public static SecretValue of(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy of the bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  /** The value as UTF-8 text (for masking logs; invalid bytes become U+FFFD). */
  String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretValue v && MessageDigest.isEqual(bytes, v.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "SecretValue[" + bytes.length + " bytes, hidden]";
  }
}
