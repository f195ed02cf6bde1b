package org.seakeeper.core.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A personal API token as stored: never the token itself, only its SHA-256 (docs/contracts.md §9).
 * Immutable.
 *
 * @param hash the lower-case hex SHA-256 of the token's text
 * @param groups the owner's OIDC groups when the token was made (their group grants apply to it);
 *     empty for a token an admin made for them
 * @param createdBy who made it ({@code user:NAME} or {@code admin})
 */
public record ApiToken(
    String id,
    String user,
    String name,
    String hash,
    Set<String> groups,
    Instant createdAt,
    Instant expiresAt,
    Optional<Instant> lastUsedAt,
    Optional<Instant> revokedAt,
    String createdBy) {
  public ApiToken {
    Objects.requireNonNull(id);
    Objects.requireNonNull(user);
    Objects.requireNonNull(name);
    Objects.requireNonNull(hash);
    groups = Set.copyOf(groups);
    Objects.requireNonNull(createdAt);
    Objects.requireNonNull(expiresAt);
    Objects.requireNonNull(lastUsedAt);
    Objects.requireNonNull(revokedAt);
    Objects.requireNonNull(createdBy);
  }

  /** Whether the token may be used at {@code now}: not revoked and not expired. */
  public boolean usable(Instant now) {
    return revokedAt.isEmpty() && now.isBefore(expiresAt);
  }
}
