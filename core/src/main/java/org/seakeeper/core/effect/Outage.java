package org.seakeeper.core.effect;

/**
 * A connection's service could not answer: refused, timed out, reset, or answered 5xx, 408 or 429.
 * Infrastructure trouble, never a verdict on a change: whoever gets it retries later with backoff
 * and the change keeps its place. Adapters throw it at their edge (wrapping the cause); core never
 * turns it into a build result. Immutable.
 */
public class Outage extends RuntimeException {
  private final String connection;

  public Outage(String connection, String message, Throwable cause) {
    super(message, cause);
    this.connection = connection;
  }

  public Outage(String connection, String message) {
    this(connection, message, null);
  }

  /** The connection whose service failed to answer. */
  public String connection() {
    return connection;
  }
}
