package org.seakeeper.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Base64;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.core.secret.SecretStore;
import org.seakeeper.core.secret.SecretValue;
import org.seakeeper.store.JdbiStore;
import org.seakeeper.store.Stores;

/**
 * Secrets at rest (H2): AES-256-GCM with the key file outside the data dir; a tampered value, a
 * wrong key, a value moved to another slot and a widened scope all fail closed.
 */
class SecretsAtRestTest {
  private static final ServerConfig.Store H2 =
      new ServerConfig.Store(
          "h2", java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty());
  private static final String VALUE = "canary-5f1d-at-rest-value";

  @TempDir Path dir;

  private JdbiStore open() {
    return Stores.open(H2, dir.resolve("data"));
  }

  private SecretStore secrets(JdbiStore s, Path key) {
    return s.secrets(new KeyFileSealer(key), Clock.systemUTC());
  }

  /** Runs SQL on the closed H2 database, as someone with the data dir would. */
  private void sql(String statement, String... args) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:h2:file:" + dir.resolve("data/db/seakeeper"), "seakeeper", "");
        PreparedStatement p = c.prepareStatement(statement)) {
      for (int i = 0; i < args.length; i++) {
        p.setString(i + 1, args[i]);
      }
      p.executeUpdate();
    }
  }

  private String sealedOf(String name) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:h2:file:" + dir.resolve("data/db/seakeeper"), "seakeeper", "");
        PreparedStatement p = c.prepareStatement("SELECT sealed FROM secrets WHERE name = ?")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private Path key() {
    return dir.resolve("keys/secrets.key");
  }

  private void putAndClose(String name, String value) {
    try (JdbiStore s = open()) {
      secrets(s, key()).put(SecretBinding.of("local", "demo", name), SecretValue.of(value));
    }
  }

  private void assertUnreadable(String name, String why) {
    try (JdbiStore s = open()) {
      assertThatThrownBy(() -> secrets(s, key()).get("local", "demo", name))
          .isInstanceOf(SecretStore.UnreadableSecretException.class)
          .hasMessageContaining(why)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(VALUE));
    }
  }

  @Test
  void the_key_file_is_created_private_on_first_use_and_the_value_is_not_in_the_data_dir()
      throws Exception {
    assertThat(Files.exists(key())).isFalse();
    putAndClose("token", VALUE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key().getParent())))
        .isEqualTo("rwx------");
    assertThat(Base64.getDecoder().decode(Files.readString(key()).strip())).hasSize(32);
    try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
            .as(f.toString())
            .doesNotContain(VALUE);
      }
    }
    try (JdbiStore s = open()) {
      assertThat(secrets(s, key()).get("local", "demo", "token").orElseThrow().value())
          .isEqualTo(SecretValue.of(VALUE));
    }
  }

  @Test
  void each_value_gets_its_own_nonce() throws Exception {
    putAndClose("a", VALUE);
    putAndClose("b", VALUE);
    assertThat(sealedOf("a")).isNotEqualTo(sealedOf("b"));
  }

  @Test
  void a_tampered_value_fails_closed() throws Exception {
    putAndClose("token", VALUE);
    byte[] sealed = Base64.getDecoder().decode(sealedOf("token"));
    sealed[sealed.length - 20] ^= 1;
    sql(
        "UPDATE secrets SET sealed = ? WHERE name = 'token'",
        Base64.getEncoder().encodeToString(sealed));
    assertUnreadable("token", "fails its integrity check");
  }

  @Test
  void a_value_moved_to_another_slot_fails_closed() throws Exception {
    putAndClose("deploy-key", VALUE);
    putAndClose("harmless", "nothing to see here");
    sql(
        "UPDATE secrets SET sealed = ?, key_id = (SELECT key_id FROM secrets WHERE name ="
            + " 'deploy-key') WHERE name = 'harmless'",
        sealedOf("deploy-key"));
    assertUnreadable("harmless", "moved from another slot");
    sql("UPDATE secrets SET project = 'other' WHERE name = 'deploy-key'");
    try (JdbiStore s = open()) {
      assertThatThrownBy(() -> secrets(s, key()).get("local", "other", "deploy-key"))
          .isInstanceOf(SecretStore.UnreadableSecretException.class);
    }
  }

  @Test
  void a_scope_widened_in_the_database_fails_closed() throws Exception {
    putAndClose("token", VALUE);
    sql("UPDATE secrets SET pipelines = 'gate,post,periodic,release' WHERE name = 'token'");
    assertUnreadable("token", "integrity check");
  }

  @Test
  void a_wrong_or_missing_key_fails_closed_and_says_which_key() throws Exception {
    putAndClose("token", VALUE);
    Path other = dir.resolve("other/secrets.key");
    try (JdbiStore s = open()) {
      secrets(s, other).put(SecretBinding.of("local", "demo", "unrelated"), SecretValue.of("x"));
      assertThatThrownBy(() -> secrets(s, other).get("local", "demo", "token"))
          .isInstanceOf(SecretStore.UnreadableSecretException.class)
          .hasMessageContaining("it was encrypted with key ")
          .hasMessageContaining("but the key file " + other + " holds key ");
      Path missing = dir.resolve("gone/secrets.key");
      assertThatThrownBy(() -> secrets(s, missing).get("local", "demo", "token"))
          .hasMessageContaining("is missing");
      assertThat(Files.exists(missing)).as("reading never creates a key").isFalse();
    }
  }

  @Test
  void a_key_file_readable_by_others_is_refused() throws Exception {
    putAndClose("token", VALUE);
    Files.setPosixFilePermissions(key(), PosixFilePermissions.fromString("rw-r--r--"));
    assertUnreadable("token", "chmod 600");
  }

  @Test
  void the_scope_is_kept_and_listed_without_values() {
    try (JdbiStore s = open()) {
      SecretStore st = secrets(s, key());
      SecretBinding b =
          new SecretBinding(
              "local", "demo", "token", Set.of(PipelineName.GATE, PipelineName.RELEASE));
      st.put(b, SecretValue.of(VALUE));
      assertThat(st.list(java.util.Optional.of("demo"))).containsExactly(b);
      assertThat(st.list(java.util.Optional.empty()).toString()).doesNotContain(VALUE);
    }
  }
}
