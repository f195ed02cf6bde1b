package org.seakeeper.core.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.Supplier;
import org.seakeeper.core.effect.Calls;
import org.seakeeper.core.effect.EffectPorts;
import org.seakeeper.core.event.EventRecord;

/**
 * The first of the two steps that turn an inbox event into buildsets: what the event needs from the
 * network (its config at the commit, the files it changed, its dependencies, a speculative merge)
 * is read by a call away from the scheduler's thread, and comes back as a {@link Prepared} value
 * that the scheduler then applies in one transaction.
 *
 * <p>Events of one project are applied in their inbox order (a later patch set never overtakes an
 * earlier one). Events the caller calls <em>barriers</em> (those that can move a gate queue, an
 * embargo or the trusted config) keep their connection's order entirely: one waits for every
 * earlier event of its connection, and every later event of its connection waits for it. Other
 * events of different projects are independent, so a change whose preparation is slow (a git bomb's
 * bounded walk) holds back only its own project's events, and events of different connections are
 * independent, so a connection whose service hangs holds back only its own events. A preparation
 * that meets an outage is tried again after a capped exponential backoff, for as long as it takes:
 * an outage never becomes a verdict. At most {@value #IN_FLIGHT_PER_PROJECT} preparations of one
 * project and {@value #IN_FLIGHT_PER_CONNECTION} of one connection run at once. Confined to the
 * scheduler's thread, except the completion hand-over.
 */
final class EventIntake {
  static final int IN_FLIGHT_PER_CONNECTION = 8;

  static final int IN_FLIGHT_PER_PROJECT = 4;

  /**
   * Failures other than outages (an adapter's bug, a change's input that exhausts memory or stack)
   * after which an event is given up: it is applied with what {@code giveUp} makes of the error (a
   * clear result for the change) and its connection's later events go on.
   */
  static final int MAX_FAILURES = 3;

  /**
   * What preparing an event found. {@code value} is whatever the scheduler's preparation returns.
   */
  record Ready<P>(EventRecord event, P prepared) {}

  private sealed interface State<P> {}

  private record InFlight<P>(int failures, int bugs, EventRecord event) implements State<P> {}

  private record Waiting<P>(int failures, int bugs, Instant notBefore) implements State<P> {}

  private record Done<P>(P prepared) implements State<P> {}

  private record Completion<P>(
      long eventId, String connection, String what, int failures, Calls.Result<P> result) {}

  private final EffectPorts effects;
  private final Runnable wake;
  private final Map<Long, State<Object>> states = new HashMap<>();
  private final Map<Long, String> connections = new HashMap<>();
  private java.util.function.BiFunction<EventRecord, RuntimeException, Object> giveUp =
      (e, x) -> {
        throw x;
      };
  private final ConcurrentLinkedQueue<Completion<Object>> completions =
      new ConcurrentLinkedQueue<>();

  /** Events whose application threw, and how many times (until applied or quarantined). */
  private final Map<Long, Integer> applyFailures = new HashMap<>();

  EventIntake(EffectPorts effects, Runnable wake) {
    this.effects = effects;
    this.wake = wake;
  }

  /**
   * The events among {@code unprocessed} (inbox order) that can be applied now, in an order that
   * keeps every project's and every barrier's place (see the class comment); starts or retries the
   * preparation of the others. {@code prepare} makes the work of one event's call (it runs away
   * from this thread and must only read); {@code barrier} tells which events keep their
   * connection's order.
   */
  @SuppressWarnings("unchecked")
  <P> List<Ready<P>> ready(
      List<EventRecord> unprocessed,
      Instant now,
      Function<EventRecord, Supplier<P>> prepare,
      java.util.function.BiFunction<EventRecord, RuntimeException, P> giveUp,
      java.util.function.Predicate<EventRecord> barrier) {
    this.giveUp =
        (java.util.function.BiFunction<EventRecord, RuntimeException, Object>)
            (java.util.function.BiFunction<EventRecord, RuntimeException, ?>) giveUp;
    drain(now);
    List<Ready<P>> out = new ArrayList<>();
    Set<String> barred = new HashSet<>(); // connections behind an unapplied barrier
    Set<String> behind = new HashSet<>(); // connections with any unapplied event so far
    Set<String> blockedProjects = new HashSet<>();
    Map<String, Integer> inFlight = new HashMap<>();
    Map<String, Integer> inFlightProject = new HashMap<>();
    for (EventRecord e : unprocessed) {
      String conn = e.event().connection();
      String project = conn + "\n" + e.event().project();
      State<Object> s = states.get(e.id());
      if (s == null || (s instanceof Waiting<Object> w && !now.isBefore(w.notBefore()))) {
        if (inFlight.getOrDefault(conn, 0) < IN_FLIGHT_PER_CONNECTION
            && inFlightProject.getOrDefault(project, 0) < IN_FLIGHT_PER_PROJECT) {
          int failures = s instanceof Waiting<Object> w ? w.failures() : 0;
          int bugs = s instanceof Waiting<Object> w ? w.bugs() : 0;
          start(e, failures, bugs, (Supplier<Object>) prepare.apply(e));
          drain(now); // an inline call has finished already
          s = states.get(e.id());
        }
      }
      if (s instanceof InFlight<Object>) {
        inFlight.merge(conn, 1, Integer::sum);
      }
      if (s instanceof InFlight<Object> || s == null) {
        // one not started yet keeps the later events of its project from starting before it
        inFlightProject.merge(project, 1, Integer::sum);
      }
      boolean isBarrier = barrier.test(e);
      boolean free =
          !barred.contains(conn)
              && !blockedProjects.contains(project)
              && !(isBarrier && behind.contains(conn));
      if (s instanceof Done<Object> d && free) {
        out.add(new Ready<>(e, (P) d.prepared()));
        continue;
      }
      behind.add(conn);
      blockedProjects.add(project);
      if (isBarrier) {
        barred.add(conn);
      }
    }
    return out;
  }

  /** The connections with an event whose preparation is under way or waits for a retry. */
  Set<String> waitingConnections() {
    Set<String> out = new HashSet<>();
    states.forEach(
        (id, st) -> {
          if (!(st instanceof Done<Object>)) {
            out.add(connections.get(id));
          }
        });
    return out;
  }

  /** The event was applied (or must be prepared again from scratch): forget it. */
  void forget(long eventId) {
    states.remove(eventId);
    connections.remove(eventId);
  }

  /** The event was applied: its earlier failures to apply are forgotten. */
  void applied(long eventId) {
    applyFailures.remove(eventId);
  }

  /**
   * Applying the event threw (a bug on the scheduler's thread; the transaction rolled back). True
   * when it has now failed {@value #MAX_FAILURES} times: the caller sets it aside (quarantine) and
   * its connection's later events go on. Otherwise it is prepared and applied again after a
   * backoff, its connection's later events waiting behind it.
   */
  boolean applyFailed(EventRecord e, Throwable error, Instant now) {
    int n = applyFailures.merge(e.id(), 1, Integer::sum);
    forget(e.id());
    if (n >= MAX_FAILURES) {
      applyFailures.remove(e.id());
      effects
          .incidents()
          .report(
              e.event().connection(),
              "apply event " + e.id() + " failed " + n + " times; quarantined",
              error,
              false);
      return true;
    }
    effects
        .incidents()
        .report(
            e.event().connection(),
            "apply event " + e.id() + " (attempt " + n + "; retried)",
            error,
            false);
    states.put(e.id(), new Waiting<>(0, 0, now.plus(effects.backoff().delay(n, e.id()))));
    connections.put(e.id(), e.event().connection());
    return false;
  }

  /** An event left quarantine (an admin retries it): it starts over, no failure counted. */
  void reset(long eventId) {
    forget(eventId);
    applyFailures.remove(eventId);
  }

  /** A failure for people: its message, or its class when it has none. */
  static String describe(Throwable error) {
    return error.getMessage() == null
        ? error.getClass().getSimpleName()
        : error.getClass().getSimpleName() + ": " + error.getMessage();
  }

  /**
   * Every prepared but unapplied event is prepared again (the trusted config they read changed).
   */
  void invalidate() {
    states.entrySet().removeIf(en -> en.getValue() instanceof Done<Object>);
    connections.keySet().retainAll(states.keySet());
  }

  /** Whether a finished preparation waits to be taken (the scheduler should step again). */
  boolean pending() {
    return !completions.isEmpty();
  }

  /** The earliest time a waiting preparation may be retried; empty when none waits. */
  Optional<Instant> nextRetry() {
    return states.values().stream()
        .filter(s -> s instanceof Waiting<Object>)
        .map(s -> ((Waiting<Object>) s).notBefore())
        .min(Instant::compareTo);
  }

  private void start(EventRecord e, int failures, int bugs, Supplier<Object> work) {
    states.put(e.id(), new InFlight<>(failures, bugs, e));
    connections.put(e.id(), e.event().connection());
    String what =
        "prepare event "
            + e.id()
            + " ("
            + e.event().getClass().getSimpleName()
            + " of "
            + e.event().project()
            + ")";
    effects.call(
        e.event().connection(),
        what,
        work,
        r -> {
          completions.add(new Completion<>(e.id(), e.event().connection(), what, failures, r));
          wake.run();
        });
  }

  private void drain(Instant now) {
    Completion<Object> c;
    while ((c = completions.poll()) != null) {
      if (!(states.get(c.eventId()) instanceof InFlight<Object> flight)) {
        continue; // forgotten meanwhile
      }
      switch (c.result()) {
        case Calls.Ok<Object> ok -> {
          effects.health().succeeded(c.connection(), now);
          states.put(c.eventId(), new Done<>(ok.value()));
        }
        case Calls.Failed<Object> f -> {
          int failures = c.failures() + 1;
          int bugs = flight.bugs() + (f.outage() ? 0 : 1);
          boolean givenUp = bugs >= MAX_FAILURES; // only failures other than outages count
          effects.failed(
              c.connection(),
              givenUp
                  ? c.what() + " failed " + bugs + " times; given up, the change is told why"
                  : c.what() + " (attempt " + failures + "; retried)",
              f,
              now);
          if (givenUp) {
            states.put(c.eventId(), new Done<>(giveUp.apply(flight.event(), f.error())));
            continue;
          }
          states.put(
              c.eventId(),
              new Waiting<>(
                  failures, bugs, now.plus(effects.backoff().delay(failures, c.eventId()))));
        }
      }
    }
  }
}
