package org.seakeeper.core.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A login session as stored (docs/contracts.md §9): never the cookie itself, only its SHA-256, so
 * whoever reads the store cannot log in with what they read. Immutable.
 *
 * @param hash the lower-case hex SHA-256 of the session cookie's value
 * @param groups the person's OIDC groups at login (their group grants apply to the session)
 * @param csrf the session's CSRF token, which state-changing requests with the cookie must carry
 */
public record LoginSession(
    String hash,
    String user,
    Set<String> groups,
    String csrf,
    Instant createdAt,
    Instant expiresAt) {
  public LoginSession {
    Objects.requireNonNull(hash);
    Objects.requireNonNull(user);
    groups = Set.copyOf(groups);
    Objects.requireNonNull(csrf);
    Objects.requireNonNull(createdAt);
    Objects.requireNonNull(expiresAt);
  }

  /** Whether the session is still live at {@code now} (it ends at {@code expiresAt}). */
  public boolean live(Instant now) {
    return now.isBefore(expiresAt);
  }
}
