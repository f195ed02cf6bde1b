package org.seakeeper.core.store;

import java.util.function.Function;

/**
 * The durable state of Seakeeper behind one port: the event inbox, buildsets and builds, and the
 * outbox of results to report. Work is done in transactions so that an event, the builds it created
 * and its "processed" mark commit together: after a crash, either all are there or none.
 *
 * <p>Implementations: the in-memory store (testkit), H2 and PostgreSQL (JDBI); all pass the same
 * contract tests. Thread-safe; transactions are serializable with respect to each other.
 */
public interface Store extends AutoCloseable {
  /**
   * Runs {@code work} in one transaction; it commits when work returns, rolls back if it throws.
   */
  <T> T transaction(Function<Tx, T> work);

  /**
   * Read-only queries for the API and UI, outside the scheduler's transactions. They see every
   * build, embargoed ones included: the scheduler and admins use them; anyone else gets {@link
   * BuildQueries#publicView()}.
   */
  BuildQueries queries();

  @Override
  void close();

  /** What a transaction can touch. */
  interface Tx {
    Inbox inbox();

    Builds builds();

    Outbox outbox();

    GateState gate();

    /** Marks of embargoed builds (hidden from anyone without the admin token until published). */
    Embargoes embargoes();
  }
}
