package org.seakeeper.store;

/**
 * The store cannot be opened. Its message is one sentence for people, {@code cannot open the store
 * at LOCATION: REASON}, with no password in it; the cause keeps the details for logs. Immutable.
 */
public final class StoreException extends RuntimeException {
  private final String location;
  private final String reason;

  public StoreException(String location, String reason, Throwable cause) {
    super("cannot open the store at " + location + ": " + reason, cause);
    this.location = location;
    this.reason = reason;
  }

  /** Where the store is: a database file or a JDBC URL without its parameters. */
  public String location() {
    return location;
  }

  /** Why it cannot be opened, for people. */
  public String reason() {
    return reason;
  }
}
