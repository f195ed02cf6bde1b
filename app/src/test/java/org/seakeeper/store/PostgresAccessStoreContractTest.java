package org.seakeeper.store;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.store.AccessStore;
import org.seakeeper.testkit.AccessStoreContract;

/**
 * The access store contract (audit, tokens, grants) on a real PostgreSQL server, a fresh database
 * per test.
 */
class PostgresAccessStoreContractTest extends AccessStoreContract {
  @RegisterExtension static final PostgresCluster PG = new PostgresCluster();

  @TempDir Path dir;
  private JdbiStore store;

  @Override
  protected AccessStore access() {
    try {
      store = Stores.open(PG.store(PG.newDatabase()), dir.resolve("data"));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return store.access();
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }
}
