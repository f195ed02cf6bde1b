package org.seakeeper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.store.Store;

/**
 * The store contract on a real PostgreSQL server (a throw-away cluster), a fresh database per test.
 */
class PostgresStoreContractTest extends JdbiStoreContract {
  @RegisterExtension static final PostgresCluster PG = new PostgresCluster();

  @TempDir Path dataDir;
  private String url;

  @Override
  protected Store newStore() {
    try {
      url = PG.newDatabase();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return Stores.open(PG.store(url), dataDir);
  }

  @Override
  protected Store reopen() {
    store.close();
    return Stores.open(PG.store(url), dataDir);
  }

  @Test
  void a_second_server_on_the_same_database_is_refused() {
    assertThat(((JdbiStore) store).dialect()).isEqualTo("postgresql");
    assertThatThrownBy(() -> Stores.open(PG.store(url), dataDir))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "cannot open the store at "
                + url
                + ": another Seakeeper server is using this database");
  }

  @Test
  void a_wrong_password_is_one_line_without_the_password() throws Exception {
    Path wrong = Files.writeString(dataDir.resolve("wrong-password"), "hunter2\n");
    ServerConfig.Store config = PG.store(url);
    ServerConfig.Store bad =
        new ServerConfig.Store(
            config.type(), config.url(), config.user(), Optional.of(wrong.toString()));
    assertThatThrownBy(() -> Stores.open(bad, dataDir))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot open the store at " + url + ": ")
        .hasMessageContaining("password authentication failed for user \"postgres\"")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("\n"));
  }
}
