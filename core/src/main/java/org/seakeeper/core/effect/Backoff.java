package org.seakeeper.core.effect;

import java.time.Duration;

/**
 * Capped exponential backoff with jitter for retrying outages: the first retry after {@code base},
 * each later one twice as late, never later than {@code cap}, each spread by up to a fifth either
 * way so that many retries after one outage do not arrive together. The jitter is derived from a
 * key (what is retried) and the attempt, so a scenario replays exactly. Immutable.
 */
public record Backoff(Duration base, Duration cap) {
  /** One second, doubling to at most a minute. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));

  public Backoff {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= cap, got " + base + ", " + cap);
    }
  }

  /**
   * How long to wait before attempt {@code failures + 1}, after {@code failures} failed ones (1 or
   * more).
   */
  public Duration delay(int failures, Object key) {
    long ms = base.toMillis();
    for (int i = 1; i < failures && ms < cap.toMillis(); i++) {
      ms *= 2;
    }
    ms = Math.min(ms, cap.toMillis());
    long spread = ms / 5;
    long mix = (31L * key.hashCode() + failures) * 0x9E3779B97F4A7C15L;
    long jitter = spread == 0 ? 0 : Math.floorMod(mix >>> 17, 2 * spread + 1) - spread;
    return Duration.ofMillis(Math.max(1, Math.min(cap.toMillis(), ms + jitter)));
  }
}
