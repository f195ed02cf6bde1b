package org.seakeeper.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Helpers of the audit log line (logger {@code org.seakeeper.web.audit}, INFO) and the
 * constant-time secret comparison. Who may do what is {@link Access}'s, and the durable audit trail
 * is the store's.
 */
final class AdminAuth {
  static final Logger AUDIT = LoggerFactory.getLogger("org.seakeeper.web.audit");

  private AdminAuth() {}

  /**
   * Untrusted text made safe for one log line: control characters become '?', at most 300 chars.
   */
  static String clean(String s) {
    String t = s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    return t.codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }

  /** Constant-time comparison: digests of both, so neither content nor length leaks by timing. */
  static boolean sameSecret(String a, String b) {
    return MessageDigest.isEqual(sha256(a), sha256(b));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
