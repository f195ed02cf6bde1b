package org.seakeeper.core.effect;

import java.time.Duration;

/**
 * How the scheduler acts on the outside world: {@code calls} runs network calls away from its
 * thread, each within {@code timeout}; outages are retried after {@code backoff}; {@code incidents}
 * hears what was handled without a verdict; {@code health} collects how each connection answered.
 * Immutable holder (the health is shared and thread-safe).
 */
public record EffectPorts(
    Calls calls, Duration timeout, Backoff backoff, Incidents incidents, ConnectionHealth health) {
  /**
   * Calls run inline, a minute each, default backoff, no incident sink: tests and {@code seakeeper
   * run}.
   */
  public static EffectPorts inline() {
    return new EffectPorts(
        Calls.INLINE,
        Duration.ofMinutes(1),
        Backoff.DEFAULT,
        Incidents.NONE,
        new ConnectionHealth());
  }

  public EffectPorts withCalls(Calls c) {
    return new EffectPorts(c, timeout, backoff, incidents, health);
  }

  public EffectPorts withIncidents(Incidents i) {
    return new EffectPorts(calls, timeout, backoff, i, health);
  }

  /** Starts a call to {@code connection} with this ports' timeout. */
  public <T> void call(
      String connection,
      String what,
      java.util.function.Supplier<T> work,
      java.util.function.Consumer<Calls.Result<T>> done) {
    calls.start(new Calls.Call<>(connection, what, timeout, work), done);
  }

  /**
   * A call to {@code connection} failed: an outage marks the connection's health, and either way
   * the failure is reported with {@code context} (what was being done, for whom), never dropped.
   */
  public void failed(String connection, String context, Calls.Failed<?> f, java.time.Instant now) {
    if (f.outage()) {
      health.failed(connection, String.valueOf(f.error().getMessage()), now);
    }
    incidents.report(connection, context, f.error(), f.outage());
  }
}
