package org.seakeeper.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.config.ConfigSecretDecl;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.core.secret.SecretStore;
import org.seakeeper.core.secret.SecretValue;

/**
 * Secrets of the trusted config repo encrypted to the server's key pair (RSA-OAEP-SHA256 wrapping
 * an AES-256-GCM key): round trip, tampering, a wrong key, and an entry moved to another slot or
 * scope all fail closed; the key file is private, outside data_dir, and never made by decrypting.
 */
class ConfigSecretCipherTest {
  static final SecretBinding TOKEN = SecretBinding.of("local", "demo", "token");
  @TempDir static Path keys;
  static RsaKeyFile server;
  static RsaKeyFile other;

  @BeforeAll
  static void keys() {
    server = new RsaKeyFile(keys.resolve("server/secrets.key.rsa.pem"));
    other = new RsaKeyFile(keys.resolve("other/secrets.key.rsa.pem"), 2048);
    server.publicKey();
    other.publicKey();
  }

  static SecretValue open(RsaKeyFile key, SecretBinding b, byte[] sealed) {
    return new ConfigSecretCipher(key).open(b, sealed);
  }

  @Test
  void a_value_round_trips_for_its_own_binding_up_to_the_64_KiB_limit() throws Exception {
    byte[] big = new byte[SecretValue.MAX_BYTES];
    new Random(7).nextBytes(big);
    byte[] sealed = ConfigSecretCipher.encrypt(server.publicKey(), TOKEN, big);
    assertThat(open(server, TOKEN, sealed)).isEqualTo(SecretValue.of(big));
    assertThat(
            open(
                server,
                TOKEN,
                ConfigSecretCipher.encrypt(
                    server.publicKey(), TOKEN, "s3cr3t".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(SecretValue.of("s3cr3t"));
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1))
        .doesNotContain("demo")
        .doesNotContain("token");
    assertThatThrownBy(
            () ->
                ConfigSecretCipher.encrypt(
                    server.publicKey(), TOKEN, new byte[SecretValue.MAX_BYTES + 1]))
        .hasMessageContaining("at most 65536 bytes");
    // two encryptions of one value differ (fresh data key and nonce)
    byte[] again = ConfigSecretCipher.encrypt(server.publicKey(), TOKEN, big);
    assertThat(again).isNotEqualTo(sealed);
  }

  @Test
  void an_entry_moved_to_another_connection_project_name_or_scope_fails_closed() {
    byte[] sealed =
        ConfigSecretCipher.encrypt(
            server.publicKey(), TOKEN, "tok".getBytes(StandardCharsets.UTF_8));
    for (SecretBinding moved :
        List.of(
            SecretBinding.of("review", "demo", "token"),
            SecretBinding.of("local", "other", "token"),
            SecretBinding.of("local", "demo", "token2"),
            new SecretBinding(
                "local",
                "demo",
                "token",
                EnumSet.of(
                    PipelineName.GATE,
                    PipelineName.POST,
                    PipelineName.PERIODIC,
                    PipelineName.RELEASE)),
            new SecretBinding("local", "demo", "token", EnumSet.of(PipelineName.POST)))) {
      assertThatThrownBy(() -> open(server, moved, sealed))
          .as(moved.toString())
          .isInstanceOf(SecretStore.UnreadableSecretException.class)
          .hasMessage(
              "it was encrypted for another connection, project, name or pipelines, or it was"
                  + " changed; encrypt the value again for this entry with seakeeper secrets"
                  + " encrypt");
    }
  }

  @Test
  void any_changed_byte_fails_closed() {
    byte[] sealed =
        ConfigSecretCipher.encrypt(
            server.publicKey(), TOKEN, "tok".getBytes(StandardCharsets.UTF_8));
    int wrappedEnd = 1 + 8 + 2 + 512;
    // the wrapped key, the nonce, the ciphertext and the tag
    for (int at :
        new int[] {
          12, wrappedEnd - 1, wrappedEnd, wrappedEnd + 11, wrappedEnd + 12, sealed.length - 1
        }) {
      byte[] t = sealed.clone();
      t[at] ^= 0x01;
      assertThatThrownBy(() -> open(server, TOKEN, t))
          .as("byte " + at)
          .isInstanceOf(SecretStore.UnreadableSecretException.class);
    }
    byte[] version = sealed.clone();
    version[0] = 2;
    assertThatThrownBy(() -> open(server, TOKEN, version)).hasMessageContaining("unknown format");
    assertThatThrownBy(() -> open(server, TOKEN, Arrays.copyOf(sealed, 40)))
        .hasMessageContaining("cut short");
    assertThatThrownBy(() -> open(server, TOKEN, Arrays.copyOf(sealed, sealed.length - 1)))
        .isInstanceOf(SecretStore.UnreadableSecretException.class);
  }

  @Test
  void a_value_encrypted_to_another_key_names_both_keys_and_fails_closed() {
    byte[] sealed =
        ConfigSecretCipher.encrypt(
            other.publicKey(), TOKEN, "tok".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> open(server, TOKEN, sealed))
        .isInstanceOf(SecretStore.UnreadableSecretException.class)
        .hasMessage(
            "it was encrypted to key "
                + ServerKey.idText(other.publicKey())
                + ", but this server's key is "
                + ServerKey.idText(server.publicKey())
                + " (encrypt it again with seakeeper secrets encrypt against this server)");
    // a forged header naming the server's key does not help: the data key does not unwrap
    byte[] forged = sealed.clone();
    System.arraycopy(ServerKey.id(server.publicKey()), 0, forged, 1, 8);
    assertThatThrownBy(() -> open(server, TOKEN, forged))
        .hasMessageContaining("does not decrypt with the server's private key");
  }

  @Test
  void the_key_file_is_private_and_decrypting_never_makes_one() throws Exception {
    Path file = server.file();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(ServerKey.pem(server.publicKey()))
        .startsWith("-----BEGIN PUBLIC KEY-----\n")
        .endsWith("-----END PUBLIC KEY-----\n");
    assertThat(RsaKeyFile.parsePublicPem(ServerKey.pem(server.publicKey())))
        .isEqualTo(server.publicKey());
    assertThat(new RsaKeyFile(file).publicKeyIfPresent())
        .as("read back, the same key")
        .isEqualTo(server.publicKey());

    byte[] sealed =
        ConfigSecretCipher.encrypt(
            server.publicKey(), TOKEN, "tok".getBytes(StandardCharsets.UTF_8));
    Path missing = keys.resolve("missing/secrets.key.rsa.pem");
    assertThatThrownBy(() -> open(new RsaKeyFile(missing, 2048), TOKEN, sealed))
        .hasMessageContaining("the server's key file " + missing + " is missing");
    assertThat(missing).doesNotExist();

    Path open = keys.resolve("open.pem");
    Files.copy(file, open);
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> new RsaKeyFile(open).publicKey())
        .hasMessageContaining("is readable by others (rw-r--r--); make it private: chmod 600");
  }

  @Test
  void the_server_key_lies_beside_the_secrets_key_file_and_never_inside_data_dir(@TempDir Path tmp)
      throws Exception {
    ServerConfig cfg =
        ServerConfigParser.parse(
                ("data_dir: "
                        + tmp.resolve("data")
                        + "\nsecrets: {key_file: "
                        + tmp.resolve("etc/secrets.key")
                        + "}\n")
                    .getBytes(StandardCharsets.UTF_8))
            .config()
            .orElseThrow();
    assertThat(SecretKeys.serverKeyFile(cfg, Map.of()))
        .isEqualTo(tmp.resolve("etc/secrets.key.rsa.pem"));
    assertThat(SecretKeys.serverKey(cfg).file()).isEqualTo(tmp.resolve("etc/secrets.key.rsa.pem"));
    ServerConfig inside =
        ServerConfigParser.parse(
                ("data_dir: "
                        + tmp.resolve("data")
                        + "\nsecrets: {key_file: "
                        + tmp.resolve("data/k/secrets.key")
                        + "}\n")
                    .getBytes(StandardCharsets.UTF_8))
            .config()
            .orElseThrow();
    assertThatThrownBy(() -> SecretKeys.serverKey(inside))
        .hasMessageContaining("is inside data_dir");
  }

  @Test
  void the_printed_yaml_entry_parses_back_and_decrypts_for_exactly_its_binding() {
    SecretBinding scoped =
        new SecretBinding("review", "team/app", "deploy-key", EnumSet.of(PipelineName.RELEASE));
    String yaml =
        "secrets:\n"
            + indent(
                ConfigSecretCipher.yamlEntry(
                    TOKEN,
                    ConfigSecretCipher.encrypt(
                        server.publicKey(), TOKEN, "a".getBytes(StandardCharsets.UTF_8))))
            + indent(
                ConfigSecretCipher.yamlEntry(
                    scoped,
                    ConfigSecretCipher.encrypt(
                        server.publicKey(), scoped, "b".getBytes(StandardCharsets.UTF_8))));
    assertThat(yaml).contains("  pipelines: [release]\n").contains("project: team/app");
    var r = ServerConfigParser.parseSections(yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(r.problems()).isEmpty();
    List<ConfigSecretDecl> decls = r.sections().orElseThrow().secrets();
    assertThat(decls).extracting(ConfigSecretDecl::binding).containsExactly(TOKEN, scoped);
    assertThat(open(server, TOKEN, decls.get(0).sealed())).isEqualTo(SecretValue.of("a"));
    assertThat(open(server, scoped, decls.get(1).sealed())).isEqualTo(SecretValue.of("b"));
  }

  static String indent(String s) {
    return s.lines().map(l -> "  " + l + "\n").reduce("", String::concat);
  }

  @Test
  void a_public_key_of_another_kind_is_refused() {
    PublicKey pub = server.publicKey();
    assertThat(pub.getAlgorithm()).isEqualTo("RSA");
    assertThatThrownBy(
            () ->
                RsaKeyFile.parsePublicPem(
                    "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n"))
        .hasMessage("not an RSA public key in PEM form");
  }
}
