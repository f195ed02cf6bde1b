package org.seakeeper.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.RefNames;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.scheduler.SchedulerMetrics;

/**
 * {@link SchedulerMetrics} on Micrometer. In Prometheus text these are {@code
 * seakeeper_events_received_total}, {@code seakeeper_build_queue_wait_seconds{tier}}, {@code
 * seakeeper_build_duration_seconds{result}}, {@code seakeeper_queue_length} and {@code
 * seakeeper_executor_slots_in_use} and {@code seakeeper_events_refused_total}; refused events are
 * also logged (logger {@code org.seakeeper.scheduler.policy}) with the reason. Thread-safe.
 */
public final class MicrometerSchedulerMetrics implements SchedulerMetrics {
  private final MeterRegistry registry;
  private static final org.slf4j.Logger POLICY =
      org.slf4j.LoggerFactory.getLogger("org.seakeeper.scheduler.policy");
  private final Counter events;
  private final Counter refused;
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger slotsInUse = new AtomicInteger();

  public MicrometerSchedulerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.events =
        Counter.builder("seakeeper.events.received")
            .description("Trigger events taken into the inbox")
            .register(registry);
    this.refused =
        Counter.builder("seakeeper.events.refused")
            .description("Events that started nothing because the tier policy refused them")
            .register(registry);
    Gauge.builder("seakeeper.queue.length", queued, AtomicInteger::get)
        .description("Builds waiting for an executor slot")
        .register(registry);
    Gauge.builder("seakeeper.executor.slots.in.use", slotsInUse, AtomicInteger::get)
        .description("Executor slots running a build")
        .register(registry);
    for (Tier tier : Tier.values()) {
      queueWait(tier);
    }
  }

  @Override
  public void eventReceived() {
    events.increment();
  }

  @Override
  public void eventRefused(String connection, String project, String why) {
    refused.increment();
    POLICY.info(
        "event of {} {} starts nothing: {}",
        RefNames.printable(connection),
        RefNames.printable(project),
        why);
  }

  @Override
  public void buildStarted(Tier tier, Duration queueWait) {
    queueWait(tier).record(nonNegative(queueWait));
  }

  @Override
  public void buildFinished(BuildStatus status, Duration duration) {
    Timer.builder("seakeeper.build.duration")
        .description("How long builds ran, by result")
        .tag("result", status.id())
        .register(registry)
        .record(nonNegative(duration));
  }

  @Override
  public void gauges(int queuedNow, int slotsInUseNow) {
    queued.set(queuedNow);
    slotsInUse.set(slotsInUseNow);
  }

  private Timer queueWait(Tier tier) {
    return Timer.builder("seakeeper.build.queue.wait")
        .description("How long builds waited for an executor slot")
        .tag("tier", tier.id())
        .register(registry);
  }

  private static Duration nonNegative(Duration d) {
    return d == null || d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * {@code seakeeper_connection_up{connection}}: 1 while the connection's service answers, 0 while
   * it is degraded or down (see {@link org.seakeeper.core.effect.ConnectionHealth}).
   */
  public void connections(
      org.seakeeper.core.effect.ConnectionHealth health, java.util.List<String> names) {
    for (String n : names) {
      Gauge.builder(
              "seakeeper.connection.up",
              health,
              h ->
                  h.of(n)
                      .map(
                          x ->
                              x.state() == org.seakeeper.core.effect.ConnectionHealth.State.UP
                                  ? 1.0
                                  : 0.0)
                      .orElse(1.0))
          .description("1 while the connection's service answers, 0 while it is degraded or down")
          .tag("connection", n)
          .register(registry);
    }
  }

  /**
   * {@code seakeeper_effects_pending{connection,kind}}: outbox entries (reports, submits) not yet
   * carried out, per connection and kind, read from {@code counts} at most once a second.
   */
  public void effectsPending(
      java.util.function.Supplier<java.util.List<org.seakeeper.core.store.Outbox.PendingCount>>
          counts,
      java.util.List<String> connections) {
    java.util.function.Supplier<java.util.Map<String, Long>> byKey =
        atMostOnceASecond(
            () -> {
              java.util.Map<String, Long> m = new java.util.HashMap<>();
              counts
                  .get()
                  .forEach(
                      c ->
                          m.merge(c.connection() + "\u0000" + c.kind().id(), c.count(), Long::sum));
              return m;
            },
            java.util.Map.of());
    java.util.function.Function<String, Double> count =
        key -> (double) byKey.get().getOrDefault(key, 0L);
    for (String c : connections) {
      for (org.seakeeper.core.store.OutboxKind k : org.seakeeper.core.store.OutboxKind.values()) {
        String key = c + "\u0000" + k.id();
        Gauge.builder("seakeeper.effects.pending", () -> count.apply(key))
            .description("Reports and submits waiting to be carried out")
            .tags("connection", c, "kind", k.id())
            .register(registry);
      }
    }
  }

  /**
   * {@code seakeeper_events_quarantined}: inbox events set aside after failing again and again
   * (waiting for an admin to retry or drop them), read from {@code count} at most once a second.
   */
  public void quarantined(java.util.function.LongSupplier count) {
    java.util.function.Supplier<Long> cached = atMostOnceASecond(count::getAsLong, 0L);
    Gauge.builder("seakeeper.events.quarantined", () -> (double) cached.get())
        .description("Inbox events set aside after failing repeatedly, waiting for an admin")
        .register(registry);
  }

  /**
   * {@code read}'s value, read again at most once a second (a scrape reads each gauge; the store is
   * asked once for all of them); {@code initial} until the first read.
   */
  static <T> java.util.function.Supplier<T> atMostOnceASecond(
      java.util.function.Supplier<T> read, T initial) {
    java.util.concurrent.atomic.AtomicReference<T> last =
        new java.util.concurrent.atomic.AtomicReference<>(initial);
    java.util.concurrent.atomic.AtomicLong readAt = new java.util.concurrent.atomic.AtomicLong(0);
    return () -> {
      long now = System.nanoTime();
      long then = readAt.get();
      if ((then == 0 || now - then > 1_000_000_000L) && readAt.compareAndSet(then, now)) {
        last.set(read.get());
      }
      return last.get();
    };
  }
}
