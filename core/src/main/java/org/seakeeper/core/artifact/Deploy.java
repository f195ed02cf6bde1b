package org.seakeeper.core.artifact;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a promotion's hand-over to its deploy step stands (docs/server.md, "Deploy hand-over"):
 * {@code none} (the channel has no webhook and nobody reported a result), {@code pending} (the
 * webhook is being delivered), {@code delivered} (the receiver answered 2xx), {@code undeliverable}
 * (it did not, after the retries), and the deploy step's reported result: {@code passed} or {@code
 * failed}. A channel that {@code requires: passed} takes only digests whose latest promotion into
 * the channel before it is {@code passed}.
 *
 * @param detail the receiver's answer or the reported detail (untrusted text, bounded)
 * @param by who reported the result (the server itself for delivery states)
 * @param at when the state was set
 */
public record Deploy(
    State state, Optional<String> detail, Optional<String> by, Optional<Instant> at) {
  /** The states, as written in the API and the store (lower case). */
  public enum State {
    NONE,
    PENDING,
    DELIVERED,
    UNDELIVERABLE,
    PASSED,
    FAILED;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<State> of(String id) {
      for (State s : values()) {
        if (s.id().equals(id)) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }

    /** Whether this is a deploy step's result (reported), not a delivery state. */
    public boolean result() {
      return this == PASSED || this == FAILED;
    }
  }

  public static final Deploy NONE =
      new Deploy(State.NONE, Optional.empty(), Optional.empty(), Optional.empty());

  public static final int MAX_DETAIL = 1000;

  public Deploy {
    Objects.requireNonNull(state);
    detail = detail.map(d -> d.length() > MAX_DETAIL ? d.substring(0, MAX_DETAIL) : d);
    Objects.requireNonNull(by);
    Objects.requireNonNull(at);
  }

  /** A state set at {@code at} by {@code by}. */
  public static Deploy of(State state, Optional<String> detail, String by, Instant at) {
    return new Deploy(state, detail, Optional.of(by), Optional.of(at));
  }
}
