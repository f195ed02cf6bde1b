package org.seakeeper.core.effect;

/**
 * Where core says that something went wrong that it handled without a verdict (an outage it will
 * retry, an adapter that threw unexpectedly): nothing is dropped silently. The server logs each
 * with its context; tests may record them. Thread-safe.
 */
public interface Incidents {
  /**
   * @param connection the connection involved (empty string when none)
   * @param context what was being done, naming the build, change or project
   * @param error what went wrong
   * @param outage whether it is an outage (retried) rather than a bug
   */
  void report(String connection, String context, Throwable error, boolean outage);

  /** Reports nowhere. */
  Incidents NONE = (connection, context, error, outage) -> {};
}
