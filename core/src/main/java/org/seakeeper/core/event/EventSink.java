package org.seakeeper.core.event;

/**
 * Where connections deliver events. The implementation writes each event to the durable inbox
 * before returning (and wakes the scheduler), so a connection may acknowledge or advance its cursor
 * once {@link #accept} returned. Thread-safe.
 */
@FunctionalInterface
public interface EventSink {
  /** Records the event; returns false when it was a duplicate (already in the inbox). */
  boolean accept(TriggerEvent event);
}
