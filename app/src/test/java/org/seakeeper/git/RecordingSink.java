package org.seakeeper.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.seakeeper.core.event.EventSink;
import org.seakeeper.core.event.TriggerEvent;

/**
 * An event sink that behaves like the inbox (drops a repeated connection + content key) and lets
 * tests wait for events. Can be told to fail after recording, like a server that crashes between
 * writing the inbox and the connection saving its cursor. Thread-safe.
 */
final class RecordingSink implements EventSink {
  static final long WAIT_SECONDS = 10;

  /** A fresh event and when it arrived ({@link System#nanoTime()}). */
  record Arrival(TriggerEvent event, long nanos) {}

  private final Set<String> inbox = ConcurrentHashMap.newKeySet();
  private final BlockingQueue<Arrival> fresh = new LinkedBlockingQueue<>();
  final List<TriggerEvent> calls = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger failures = new AtomicInteger();

  @Override
  public boolean accept(TriggerEvent event) {
    calls.add(event);
    boolean isNew = inbox.add(event.connection() + "\u0000" + event.contentKey());
    if (isNew) {
      fresh.add(new Arrival(event, System.nanoTime()));
    }
    if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("simulated crash after the inbox write");
    }
    return isNew;
  }

  /** The next {@code n} accept calls record their event, then throw. */
  void failAfterRecording(int n) {
    failures.set(n);
  }

  Arrival nextArrival() throws InterruptedException {
    Arrival a = fresh.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(a).as("an event within %d s", WAIT_SECONDS).isNotNull();
    return a;
  }

  TriggerEvent next() throws InterruptedException {
    return nextArrival().event();
  }

  List<TriggerEvent> next(int n) throws InterruptedException {
    List<TriggerEvent> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(next());
    }
    return out;
  }

  /** After delivering everything journaled so far, no fresh event is left unread. */
  void assertNoMore(LocalGitConnection connection) {
    connection.deliverPending();
    assertThat(fresh).extracting(Arrival::event).isEmpty();
  }
}
