package org.seakeeper.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.store.OutboxEntry;
import org.seakeeper.core.store.OutboxKind;
import org.seakeeper.core.store.Store;

/** The store contract on an embedded H2 file database, a fresh one per test. */
class H2StoreContractTest extends JdbiStoreContract {
  static final ServerConfig.Store H2 =
      new ServerConfig.Store("h2", Optional.empty(), Optional.empty(), Optional.empty());

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
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("db"))))
        .isEqualTo("rwx------");
  }

  @Test
  void outbox_rows_written_before_version_6_read_as_kinds_never_attempted() throws Exception {
    store.close();
    Path other = dataDir.resolve("old");
    Files.createDirectories(other.resolve("db"));
    String url = "jdbc:h2:file:" + other.resolve("db/seakeeper");
    Flyway.configure(Stores.class.getClassLoader())
        .dataSource(url, "seakeeper", "")
        .locations("classpath:db/migration")
        .target("5")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url, "seakeeper", "");
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO buildsets (event_id, connection, project, ref, commit_sha, pipeline, tier,"
              + " created_at) VALUES (1, 'review', 'demo', 'refs/heads/main', 'abc', 'gate',"
              + " 'trusted', TIMESTAMP WITH TIME ZONE '2026-11-26 10:00:00+00')");
      for (String kind :
          List.of("buildset-finished", "buildset-started", "gate-failed", "gate-merged")) {
        s.execute(
            "INSERT INTO outbox (buildset_id, kind, created_at) VALUES (1, '"
                + kind
                + "', TIMESTAMP WITH TIME ZONE '2026-11-26 10:00:00+00')");
      }
    }
    store = Stores.open(H2, other);
    List<OutboxEntry> pending = store.transaction(tx -> tx.outbox().pending(10, T0));
    assertThat(pending)
        .extracting(OutboxEntry::kind)
        .containsExactly(
            OutboxKind.BUILDSET_FINISHED,
            OutboxKind.BUILDSET_STARTED,
            OutboxKind.GATE_FAILED,
            OutboxKind.GATE_MERGED);
    assertThat(pending)
        .allSatisfy(
            e -> {
              assertThat(e.attempts()).isZero();
              assertThat(e.notBefore()).isEmpty();
              assertThat(e.lastError()).isEmpty();
            });
  }
}
