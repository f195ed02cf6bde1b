package org.seakeeper.server;

import java.time.Clock;
import org.seakeeper.core.event.EventSink;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections' way in: each event is committed to the durable inbox before {@link #accept}
 * returns, then the scheduler is woken. Thread-safe.
 */
public final class InboxSink implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(InboxSink.class);
  private final Store store;
  private final Clock clock;
  private final Runnable wake;

  public InboxSink(Store store, Clock clock, Runnable wake) {
    this.store = store;
    this.clock = clock;
    this.wake = wake;
  }

  @Override
  public boolean accept(TriggerEvent event) {
    boolean added = store.transaction(tx -> tx.inbox().add(event, clock.instant())).isPresent();
    if (added) {
      LOG.info("event {} {} {}", event.connection(), event.project(), event.contentKey());
      wake.run();
    }
    return added;
  }
}
