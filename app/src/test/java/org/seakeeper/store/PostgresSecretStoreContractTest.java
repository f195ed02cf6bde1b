package org.seakeeper.store;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.secret.SecretStore;
import org.seakeeper.secrets.KeyFileSealer;
import org.seakeeper.testkit.SecretStoreContract;

/** The secret store contract on a real PostgreSQL server, a fresh database per test. */
class PostgresSecretStoreContractTest extends SecretStoreContract {
  @RegisterExtension static final PostgresCluster PG = new PostgresCluster();

  @TempDir Path dir;
  private JdbiStore store;

  @Override
  protected SecretStore secrets() {
    try {
      store = Stores.open(PG.store(PG.newDatabase()), dir.resolve("data"));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return store.secrets(new KeyFileSealer(dir.resolve("keys/secrets.key")), Clock.systemUTC());
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }
}
