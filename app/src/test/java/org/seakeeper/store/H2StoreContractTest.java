package org.seakeeper.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.store.Store;

/** The store contract on an embedded H2 file database, a fresh one per test. */
class H2StoreContractTest extends JdbiStoreContract {
  static final ServerConfig.Store H2 = new ServerConfig.Store("h2", Optional.empty(), Optional.empty(), Optional.empty());

  @TempDir Path dataDir;

  @Override
  protected Store newStore() {
    return Stores.open(H2, dataDir);
  }

  @Override
  protected Store reopen() {
    store.close();
    return Stores.open(H2, dataDir);
  }

  @Test
  void the_database_lives_under_the_data_dir_readable_by_the_server_only() throws Exception {
    assertThat(((JdbiStore) store).dialect()).isEqualTo("h2");
    assertThat(Files.exists(dataDir.resolve("db/seakeeper.mv.db"))).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("db")))).isEqualTo("rwx------");
  }
}
