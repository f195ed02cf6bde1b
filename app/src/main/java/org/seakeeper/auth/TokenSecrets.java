package org.seakeeper.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random secrets (API tokens, session ids, CSRF tokens, OIDC state, nonce and PKCE verifiers) and
 * the SHA-256 under which tokens are stored. A token has 256 random bits, so a plain SHA-256 is
 * enough to store it (no password stretching needed). Thread-safe.
 */
public final class TokenSecrets {
  /** What every personal API token starts with, so leaked ones are easy to find in logs. */
  public static final String TOKEN_PREFIX = "skp_";

  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenSecrets() {}

  /** 32 random bytes, base64url without padding (43 characters). */
  public static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** A short random id (12 hex digits) for listing tokens. */
  public static String id() {
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  public static String newToken() {
    return TOKEN_PREFIX + random();
  }

  /** The lower-case hex SHA-256 of {@code s} (UTF-8). */
  public static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Constant-time comparison of two secrets (their digests: neither content nor length leaks). */
  public static boolean same(String a, String b) {
    return MessageDigest.isEqual(
        sha256(a).getBytes(StandardCharsets.US_ASCII),
        sha256(b).getBytes(StandardCharsets.US_ASCII));
  }
}
