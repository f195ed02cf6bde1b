package org.seakeeper.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.core.store.Builds;
import org.seakeeper.core.store.Embargoes;
import org.seakeeper.core.store.GateState;
import org.seakeeper.core.store.Inbox;
import org.seakeeper.core.store.Outbox;
import org.seakeeper.core.store.Store;

/**
 * The {@link Store} on a SQL database (H2 or PostgreSQL) through JDBI, with the schema of {@code
 * db/migration}. Open one with {@link Stores#open}; it passes the same contract as the in-memory
 * store.
 *
 * <p>Thread-safe. Transactions run one at a time (a fair lock of this store) at READ COMMITTED, so
 * they are serializable with respect to each other without retries: the scheduler is the only
 * writer of builds, and connections adding events only wait for the transaction in progress. Only
 * one process may write a database: H2 locks its file, and {@link Stores} holds a PostgreSQL
 * advisory lock for the store's lifetime. {@link #queries()} read on their own connections outside
 * that lock and may see a slightly older state. Do not nest transactions.
 */
public final class JdbiStore implements Store {
  private final Jdbi jdbi;
  private final Sql.Dialect dialect;
  private final EventCodec codec = new EventCodec();
  private final ReentrantLock lock = new ReentrantLock(true);
  private final AutoCloseable resources;
  private final BuildQueries queries = new Queries(false);
  private final BuildQueries publicQueries = new Queries(true);
  private final SqlArtifactIndex artifacts;

  /**
   * A store on {@code dataSource}, whose schema is already migrated; {@code resources} (the pool, a
   * lock connection) are closed with the store.
   */
  JdbiStore(DataSource dataSource, Sql.Dialect dialect, AutoCloseable resources) {
    this.jdbi = Jdbi.create(dataSource);
    this.dialect = dialect;
    this.resources = resources;
    this.artifacts = new SqlArtifactIndex(jdbi);
  }

  /** The database this store speaks to. */
  public String dialect() {
    return dialect.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public <T> T transaction(Function<Tx, T> work) {
    lock.lock();
    try {
      return jdbi.inTransaction(
          TransactionIsolationLevel.READ_COMMITTED, h -> work.apply(new SqlTx(h)));
    } finally {
      lock.unlock();
    }
  }

  /**
   * The secrets of this database ({@code secrets} table), sealed by {@code sealer}. Secret reads
   * and writes are their own transactions, outside this store's lock.
   */
  public org.seakeeper.core.secret.SecretStore secrets(
      org.seakeeper.secrets.SecretSealer sealer, java.time.Clock clock) {
    return new SqlSecretStore(jdbi, sealer, clock);
  }

  /**
   * The audit trail, personal API tokens and granted roles of this database (docs/contracts.md §9).
   * Their reads and writes are their own transactions, outside this store's lock.
   */
  public org.seakeeper.core.store.AccessStore access() {
    return new SqlAccessStore(jdbi);
  }

  /**
   * How many distinct config sources the database holds (the contract checks they are stored once).
   */
  long configBlobCount() {
    return jdbi.withHandle(h -> new SqlBuilds(h, codec).configBlobCount());
  }

  /** The JSON text kept for a build's run config (the tests check its bound), or empty. */
  Optional<String> storedRunConfig(long buildId) {
    return jdbi.withHandle(h -> new SqlBuilds(h, codec).storedRunConfig(buildId));
  }

  /**
   * The kept artifacts, their provenance and promotions of this database (docs/contracts.md §10).
   */
  public org.seakeeper.core.artifact.ArtifactIndex artifacts() {
    return artifacts;
  }

  @Override
  public BuildQueries queries() {
    return queries;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      resources.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot close the store: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private final class SqlTx implements Tx {
    private final Handle h;

    SqlTx(Handle h) {
      this.h = h;
    }

    @Override
    public Inbox inbox() {
      return new SqlInbox(h, dialect, codec);
    }

    @Override
    public Builds builds() {
      return new SqlBuilds(h, codec);
    }

    @Override
    public Outbox outbox() {
      return new SqlOutbox(h);
    }

    @Override
    public GateState gate() {
      return new SqlGateState(h, codec);
    }

    @Override
    public Embargoes embargoes() {
      return new SqlEmbargoes(h);
    }
  }

  /** The reads of everything, or (publicOnly) the public view without unpublished embargoes. */
  private final class Queries implements BuildQueries {
    private final boolean publicOnly;

    Queries(boolean publicOnly) {
      this.publicOnly = publicOnly;
    }

    private <T> T read(Function<SqlBuilds, T> f) {
      return jdbi.withHandle(h -> f.apply(new SqlBuilds(h, codec, publicOnly)));
    }

    @Override
    public BuildQueries publicView() {
      return publicOnly ? this : publicQueries;
    }

    @Override
    public List<Build> list(BuildQuery query) {
      return read(b -> b.list(query));
    }

    @Override
    public Optional<Build> build(long id) {
      return read(b -> b.build(id));
    }

    @Override
    public Optional<Buildset> buildset(long id) {
      return read(b -> b.buildset(id));
    }

    @Override
    public Optional<org.seakeeper.core.build.BuildRun> run(long buildId) {
      return read(b -> b.run(buildId));
    }

    @Override
    public Map<BuildStatus, Long> countByStatus() {
      return read(SqlBuilds::countByStatus);
    }

    @Override
    public List<org.seakeeper.core.store.QuarantinedEvent> quarantined(int limit) {
      return publicOnly
          ? List.of()
          : jdbi.withHandle(h -> new SqlInbox(h, dialect, codec).quarantinedLatest(limit));
    }

    @Override
    public long quarantinedCount() {
      return publicOnly
          ? 0
          : jdbi.withHandle(h -> new SqlInbox(h, dialect, codec).quarantinedCount());
    }
  }
}
