package org.seakeeper.core.effect;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How each connection's service answered lately, learnt from the results of calls: {@code up} after
 * a call succeeded, {@code degraded} after one or two outages in a row, {@code down} after {@value
 * #DOWN_AFTER} or more; with the time of the last change of state and the last error. Written by
 * the scheduler's thread, read by any (status API, metrics). Thread-safe.
 */
public final class ConnectionHealth {
  /** Outages in a row after which a connection counts as down. */
  public static final int DOWN_AFTER = 3;

  /** A connection's state. */
  public enum State {
    UP,
    DEGRADED,
    DOWN;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One connection's health. Immutable. */
  public record Health(
      State state, Instant since, int failuresInARow, Optional<String> lastError) {}

  private final Map<String, Health> byConnection = new ConcurrentHashMap<>();

  /** A call to {@code connection} succeeded. */
  public void succeeded(String connection, Instant now) {
    byConnection.compute(
        connection,
        (c, h) ->
            h != null && h.state() == State.UP
                ? h
                : new Health(State.UP, now, 0, Optional.empty()));
  }

  /** A call to {@code connection} met an outage. */
  public void failed(String connection, String error, Instant now) {
    byConnection.compute(
        connection,
        (c, h) -> {
          int n = (h == null || h.state() == State.UP ? 0 : h.failuresInARow()) + 1;
          State s = n >= DOWN_AFTER ? State.DOWN : State.DEGRADED;
          Instant since = h != null && h.state() == s ? h.since() : now;
          return new Health(s, since, n, Optional.of(error));
        });
  }

  /** A connection is known: up until a call says otherwise. */
  public void known(String connection, Instant now) {
    byConnection.putIfAbsent(connection, new Health(State.UP, now, 0, Optional.empty()));
  }

  public Optional<Health> of(String connection) {
    return Optional.ofNullable(byConnection.get(connection));
  }

  /** Every known connection, by name. */
  public Map<String, Health> all() {
    Map<String, Health> out = new LinkedHashMap<>();
    byConnection.keySet().stream().sorted().forEach(k -> out.put(k, byConnection.get(k)));
    return out;
  }
}
