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

  /** The event with this id, processed or not; empty when there is none. */
  Optional<EventRecord> event(long eventId);

  /**
   * Sets an unprocessed event aside: {@link #unprocessed} no longer returns it until {@link
   * #release}d. Fails (IllegalArgumentException) for an unknown, processed or already quarantined
   * event.
   */
  void quarantine(long eventId, String reason, Instant at);

  /** The quarantine of an event; empty when it is not quarantined. */
  Optional<QuarantinedEvent> quarantined(long eventId);

  /** Quarantined events, the most recently set aside first. */
  List<QuarantinedEvent> quarantinedLatest(int limit);

  /** Number of quarantined events. */
  long quarantinedCount();

  /**
   * Ends an event's quarantine: it is unprocessed again (or, after {@link #markProcessed}, done).
   * False when it was not quarantined.
   */
  boolean release(long eventId);
}
