package org.seakeeper.core.store;

import java.time.Instant;
import org.seakeeper.core.event.EventRecord;

/**
 * An inbox event set aside because handling it failed again and again (its preparation was given
 * up, or applying it threw {@code EventIntake.MAX_FAILURES} times): it is not handed to the
 * scheduler again until an admin retries or drops it.
 *
 * @param event the event, still unprocessed
 * @param at when it was set aside
 * @param reason why, for people (the failure's message)
 */
public record QuarantinedEvent(EventRecord event, Instant at, String reason) {
  public long eventId() {
    return event.id();
  }

  public String connection() {
    return event.event().connection();
  }
}
