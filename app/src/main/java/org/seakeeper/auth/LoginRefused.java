package org.seakeeper.auth;

/**
 * A login that must not go through: a bad or replayed {@code state}, a provider error, a code the
 * provider would not exchange, or an ID token that fails validation. The message says why, in a
 * sentence safe to show the person (no token contents).
 */
public final class LoginRefused extends Exception {
  public LoginRefused(String message) {
    super(message, null, false, false);
  }
}
