package org.seakeeper.core.store;

import java.time.Instant;
import java.util.List;

/**
 * Effects waiting to be carried out (a vote, a message, a submit). An entry is added in the same
 * transaction that decided it (e.g. the one that finishes its buildset) and marked delivered after
 * its effect succeeded, so each effect happens once across crashes (reporters also check the review
 * system before posting again). A failed attempt is {@linkplain #defer deferred}: the entry stays
 * pending and is not offered again before its {@code notBefore}.
 */
public interface Outbox {
  OutboxEntry add(OutboxEntry entry);

  /**
   * Undelivered entries that may be tried at {@code now} (no {@code notBefore}, or one at or before
   * {@code now}), oldest (lowest id) first, at most {@code limit}.
   */
  List<OutboxEntry> pending(int limit, Instant now);

  /**
   * Records a failed attempt of an undelivered entry: adds one to its attempts, keeps {@code error}
   * as its last error and holds it back until {@code notBefore}.
   *
   * @throws IllegalArgumentException if there is no such entry
   */
  void defer(long id, Instant notBefore, String error);

  /**
   * @throws IllegalArgumentException if there is no such entry
   */
  void markDelivered(long id, Instant at);

  /**
   * How many entries are undelivered (due or deferred), per connection of the entry's buildset and
   * kind; groups with none are left out. In no particular order. For the metric {@code
   * seakeeper_effects_pending{connection,kind}}.
   */
  List<PendingCount> pendingCounts();

  /** Undelivered entries of one connection and kind. */
  record PendingCount(String connection, OutboxKind kind, long count) {}
}
