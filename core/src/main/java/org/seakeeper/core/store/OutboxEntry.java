package org.seakeeper.core.store;

import java.time.Instant;
import java.util.Optional;

/**
 * One result to report: {@code kind} is e.g. {@code buildset-finished}. Immutable.
 *
 * @param id assigned by the store; 0 before insertion
 */
public record OutboxEntry(long id, long buildsetId, String kind, Instant createdAt, Optional<Instant> deliveredAt) {
  public OutboxEntry withId(long newId) {
    return new OutboxEntry(newId, buildsetId, kind, createdAt, deliveredAt);
  }
}
