package org.seakeeper.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.seakeeper.core.event.EventRecord;
import org.seakeeper.core.event.TriggerEvent;

/** The durable event inbox: every event is written here before it is acknowledged. */
public interface Inbox {
  /** Adds the event; empty when an event with the same connection and content key exists. */
  Optional<EventRecord> add(TriggerEvent event, Instant receivedAt);

  /** Events not yet processed, oldest first. */
  default List<EventRecord> unprocessed(int limit) {
    return unprocessed(limit, java.util.Set.of());
  }

  /**
   * Events not yet processed, oldest first, leaving out those of the connections in {@code except}
   * (whose events wait for their service: the others must not starve behind them).
   */
  List<EventRecord> unprocessed(int limit, java.util.Set<String> except);

  void markProcessed(long eventId, Instant at);

  /** Number of events ever received (for metrics). */
  long count();
}
