package org.seakeeper.store;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.artifact.ArtifactIndex;
import org.seakeeper.testkit.ArtifactIndexContract;

/** The artifact index contract on a real PostgreSQL server, a fresh database per test. */
class PostgresArtifactIndexContractTest extends ArtifactIndexContract {
  @RegisterExtension static final PostgresCluster PG = new PostgresCluster();

  @TempDir Path dir;
  private JdbiStore store;

  @Override
  protected ArtifactIndex index() {
    try {
      store = Stores.open(PG.store(PG.newDatabase()), dir.resolve("data"));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return store.artifacts();
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }
}
