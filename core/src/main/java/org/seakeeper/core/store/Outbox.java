package org.seakeeper.core.store;

import java.time.Instant;
import java.util.List;

/**
 * Results waiting to be reported (a vote, a message). An entry is added in the same transaction
 * that finishes its buildset and marked delivered after the reporter succeeded, so each result
 * is reported exactly once across crashes (reporters also check the review system before
 * posting again).
 */
public interface Outbox {
  OutboxEntry add(OutboxEntry entry);

  /** Undelivered entries, oldest first. */
  List<OutboxEntry> pending(int limit);

  void markDelivered(long id, Instant at);
}
