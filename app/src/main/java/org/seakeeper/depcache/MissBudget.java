package org.seakeeper.depcache;

/**
 * How much one listener (usually one untrusted job's socket) may make the cache fetch from
 * upstreams: {@code misses} upstream fetches and {@code bytes} downloaded. Hits are free. Once
 * spent, further misses are refused (429, counted as {@code refused}) while hits still work. A
 * fetch in progress is not cut short, so the bytes may be overshot by the files already being
 * fetched (each at most the configured maximum response size).
 */
public record MissBudget(long misses, long bytes) {
  /** No limit: for trusted listeners. */
  public static final MissBudget UNLIMITED = new MissBudget(Long.MAX_VALUE, Long.MAX_VALUE);

  /** A default for an untrusted job: 2,000 misses and 2 GiB. */
  public static final MissBudget DEFAULT_UNTRUSTED_JOB = new MissBudget(2_000, 2L << 30);

  public MissBudget {
    if (misses < 0 || bytes < 0) {
      throw new IllegalArgumentException("a budget cannot be negative");
    }
  }
}
