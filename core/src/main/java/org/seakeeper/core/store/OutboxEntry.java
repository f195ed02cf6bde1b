package org.seakeeper.core.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One effect to carry out (a result to report, a change to submit) for a buildset. Immutable.
 *
 * @param id assigned by the store; 0 before insertion
 * @param attempts how many times delivery failed and was deferred ({@link Outbox#defer}); 0 at
 *     first
 * @param notBefore when it may be tried again after a failed attempt; empty: at once
 * @param lastError what the last failed attempt said, if any attempt failed
 */
public record OutboxEntry(
    long id,
    long buildsetId,
    OutboxKind kind,
    Instant createdAt,
    Optional<Instant> deliveredAt,
    int attempts,
    Optional<Instant> notBefore,
    Optional<String> lastError) {
  public OutboxEntry {
    Objects.requireNonNull(kind);
    Objects.requireNonNull(createdAt);
    Objects.requireNonNull(deliveredAt);
    Objects.requireNonNull(notBefore);
    Objects.requireNonNull(lastError);
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts < 0: " + attempts);
    }
  }

  /** An entry not yet tried: no attempts, no deferral, no error. */
  public OutboxEntry(
      long id, long buildsetId, OutboxKind kind, Instant createdAt, Optional<Instant> deliveredAt) {
    this(id, buildsetId, kind, createdAt, deliveredAt, 0, Optional.empty(), Optional.empty());
  }

  public OutboxEntry withId(long newId) {
    return new OutboxEntry(
        newId, buildsetId, kind, createdAt, deliveredAt, attempts, notBefore, lastError);
  }

  /** This entry delivered at {@code at}. */
  public OutboxEntry delivered(Instant at) {
    return new OutboxEntry(
        id, buildsetId, kind, createdAt, Optional.of(at), attempts, notBefore, lastError);
  }

  /** This entry after one more failed attempt: not to be tried before {@code until}. */
  public OutboxEntry deferred(Instant until, String error) {
    return new OutboxEntry(
        id,
        buildsetId,
        kind,
        createdAt,
        deliveredAt,
        attempts + 1,
        Optional.of(until),
        Optional.of(error));
  }

  /** Whether it is undelivered and may be tried at {@code now}. */
  public boolean due(Instant now) {
    return deliveredAt.isEmpty() && notBefore.map(t -> !t.isAfter(now)).orElse(true);
  }
}
