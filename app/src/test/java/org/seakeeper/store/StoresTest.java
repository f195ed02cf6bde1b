package org.seakeeper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.model.ServerConfig;

/** Opening stores: what people are told when it fails. */
class StoresTest {
  @TempDir Path dir;

  private static ServerConfig.Store postgres(String url, String passwordFile) {
    return new ServerConfig.Store(
        "postgresql",
        Optional.ofNullable(url),
        Optional.of("seakeeper"),
        Optional.ofNullable(passwordFile));
  }

  @Test
  void an_unknown_store_type_is_named() {
    assertThatThrownBy(
            () ->
                Stores.open(
                    new ServerConfig.Store(
                        "mongo", Optional.empty(), Optional.empty(), Optional.empty()),
                    dir))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "cannot open the store at store.type: unknown store type 'mongo' (expected h2 or"
                + " postgresql)");
  }

  @Test
  void a_data_dir_that_is_a_file_is_reported_with_the_database_path() throws Exception {
    Path file = Files.writeString(dir.resolve("data"), "not a directory");
    assertThatThrownBy(() -> Stores.open(H2StoreContractTest.H2, file))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "cannot open the store at "
                + file.resolve("db/seakeeper.mv.db")
                + ": cannot create the directory "
                + file.resolve("db")
                + ": Not a directory")
        .satisfies(
            e ->
                assertThat(((StoreException) e).location())
                    .isEqualTo(file.resolve("db/seakeeper.mv.db").toString()));
  }

  @Test
  void postgresql_needs_a_jdbc_url() {
    assertThatThrownBy(() -> Stores.open(postgres(null, null), dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("store.url is missing");
    assertThatThrownBy(() -> Stores.open(postgres("postgres://x/y", null), dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("must start with jdbc:postgresql:");
  }

  @Test
  void an_unreadable_password_file_is_named() {
    assertThatThrownBy(
            () ->
                Stores.open(
                    postgres(
                        "jdbc:postgresql://127.0.0.1:1/seakeeper",
                        dir.resolve("missing").toString()),
                    dir))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "cannot open the store at jdbc:postgresql://127.0.0.1:1/seakeeper: cannot read"
                + " password_file "
                + dir.resolve("missing")
                + ": no such file");
  }

  @Test
  void an_unreachable_server_is_one_line_without_the_url_parameters() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/seakeeper";
    assertThatThrownBy(
            () ->
                Stores.open(
                    postgres(url + "?connectTimeout=2&password=secret", pw.toString()), dir))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot open the store at " + url + ": ")
        .hasMessageContaining("refused")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("secret"));
  }

  @Test
  void a_database_from_a_newer_seakeeper_is_refused() throws Exception {
    Stores.open(H2StoreContractTest.H2, dir).close();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:h2:file:" + dir.resolve("db/seakeeper"), "seakeeper", "");
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\","
              + " \"type\", \"script\", \"checksum\", \"installed_by\", \"execution_time\","
              + " \"success\") VALUES (99, '99', 'future', 'SQL', 'V99__future.sql', 0, 'test', 1,"
              + " TRUE)");
    }
    assertThatThrownBy(() -> Stores.open(H2StoreContractTest.H2, dir))
        .isInstanceOf(StoreException.class)
        .hasMessageEndingWith(
            ": the database schema has version 99, which this Seakeeper does not know: it was"
                + " written by a newer Seakeeper");
  }
}
