package org.seakeeper.web;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin token check of state-changing endpoints (docs/contracts.md §6): {@code Authorization:
 * Bearer TOKEN}, compared in constant time. Also writes the audit log (logger {@code
 * org.seakeeper.web.audit}, INFO): who did what from where, and refused attempts.
 */
final class AdminAuth {
  static final Logger AUDIT = LoggerFactory.getLogger("org.seakeeper.web.audit");
  private static final String PREFIX = "Bearer ";

  private final Supplier<String> token;

  AdminAuth(Supplier<String> token) {
    this.token = token;
  }

  /** Who is acting, or a 401 {@link ApiError} when the token is missing or wrong. */
  String require(Context ctx, String action) {
    ctx.header("WWW-Authenticate", "Bearer realm=\"seakeeper\"");
    String header = ctx.header("Authorization");
    String expected = token.get();
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      AUDIT.info("refused {} from {}: no bearer token", clean(action), ctx.ip());
      throw unauthorized(
          "This needs the admin token: send 'Authorization: Bearer <token>' (the token is in the"
              + " server's admin_token_file).");
    }
    String given = header.substring(PREFIX.length()).strip();
    if (expected == null || expected.isBlank() || !sameSecret(given, expected.strip())) {
      AUDIT.info("refused {} from {}: wrong admin token", clean(action), ctx.ip());
      throw unauthorized("The admin token is wrong.");
    }
    ctx.removeHeader("WWW-Authenticate");
    return "admin";
  }

  /**
   * Whether the request carries the admin token, for reads that show more to admins (embargoed
   * builds, docs/contracts.md §6): no {@code Authorization: Bearer} header means no (an anonymous
   * reader); a wrong bearer token is a 401 rather than a quiet downgrade, so an admin with a stale
   * token is told instead of being shown 404s.
   */
  boolean sees(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    require(ctx, "read " + ctx.path());
    return true;
  }

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

  private static ApiError unauthorized(String message) {
    return new ApiError(401, "unauthorized", message);
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
