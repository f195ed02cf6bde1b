package org.seakeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code seakeeper secrets} without a server: directly in the store; usage errors exit 2. */
class SecretsCommandTest {
  @TempDir Path tmp;

  private static CliHarness.Result cli(String stdin, String... args) {
    InputStream before = System.in;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
      return new CliHarness.Result(code, out.toString(), err.toString());
    } finally {
      System.setIn(before);
    }
  }

  /** A config whose public_url points at a port nothing listens on. */
  private Path config(String extra) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    return Files.writeString(
        tmp.resolve("server.yaml"),
        "data_dir: "
            + tmp.resolve("data")
            + "\nhttp: {port: "
            + port
            + ", public_url: http://127.0.0.1:"
            + port
            + "/}\nrepos: [{name: demo, path: "
            + tmp.resolve("demo.git")
            + "}]\n"
            + extra);
  }

  @Test
  void without_a_server_set_list_and_delete_work_on_the_store() throws Exception {
    Path cfg = config("secrets: {key_file: " + tmp.resolve("keys/k") + "}\n");
    var set =
        cli(
            "v4lue-of-the-token\n",
            "secrets",
            "set",
            "--config",
            cfg.toString(),
            "--pipelines",
            "post,gate",
            "demo",
            "token");
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(set.out())
        .contains(
            "secret 'token' of local/demo set for gate, post (no server answered: written to the"
                + " store directly)");
    var list = cli("", "secrets", "list", "--config", cfg.toString());
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains("local", "demo", "token", "gate,post").doesNotContain("v4lue");
    assertThat(cli("", "secrets", "delete", "--config", cfg.toString(), "demo", "token").code())
        .isZero();
    var again = cli("", "secrets", "delete", "--config", cfg.toString(), "demo", "token");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err())
        .contains("refused (not_found): no secret 'token' for project demo of connection local");
    var unknown = cli("x\n", "secrets", "set", "--config", cfg.toString(), "nope", "token");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("connection 'local' serves no project 'nope'");
  }

  @Test
  void usage_errors_exit_2_with_one_line() throws Exception {
    Path cfg = config("secrets: {key_file: " + tmp.resolve("keys/k") + "}\n");
    var empty = cli("\n", "secrets", "set", "--config", cfg.toString(), "demo", "token");
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err()).contains("the value on standard input is empty");
    var check =
        cli(
            "x\n",
            "secrets",
            "set",
            "--config",
            cfg.toString(),
            "--pipelines",
            "check",
            "demo",
            "token");
    assertThat(check.code()).isEqualTo(2);
    assertThat(check.err()).contains("never be offered to 'check'");
    var badName = cli("x\n", "secrets", "set", "--config", cfg.toString(), "demo", "no/slash");
    assertThat(badName.code()).isEqualTo(2);
    assertThat(badName.err()).contains("bad secret name 'no/slash'");
    int free;
    try (ServerSocket s = new ServerSocket(0)) {
      free = s.getLocalPort();
    }
    var noConfig =
        cli(
            "x\n",
            "secrets",
            "set",
            "--server",
            "http://127.0.0.1:" + free + "/",
            "--token-file",
            Files.writeString(tmp.resolve("token"), "0123456789abcdef0123\n").toString(),
            "demo",
            "token");
    assertThat(noConfig.code()).as(noConfig.err()).isEqualTo(2);
    assertThat(noConfig.err()).contains("pass --config SERVER_CONFIG");
    assertThat(cli("", "secrets", "set", "demo").code()).isEqualTo(2);
  }

  @Test
  void a_key_file_inside_the_data_dir_is_refused() throws Exception {
    Path cfg = config("secrets: {key_file: " + tmp.resolve("data/secrets.key") + "}\n");
    var r = cli("x\n", "secrets", "set", "--config", cfg.toString(), "demo", "token");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("is inside data_dir");
    assertThat(Files.exists(tmp.resolve("data/secrets.key"))).isFalse();
  }

  @Test
  void encrypt_without_a_server_makes_the_key_pair_once_and_prints_an_entry_only_the_server_opens()
      throws Exception {
    Path cfg = config("secrets: {key_file: " + tmp.resolve("keys/secrets.key") + "}\n");
    var first =
        cli(
            "p4ss-of-the-deploy\n",
            "secrets",
            "encrypt",
            "--config",
            cfg.toString(),
            "--pipelines",
            "post,release",
            "demo",
            "deploy");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.err())
        .contains("made the server's key pair at " + tmp.resolve("keys/secrets.key.rsa.pem"))
        .contains("paste this entry under 'secrets:'");
    assertThat(first.out())
        .startsWith(
            "- connection: local\n"
                + "  project: demo\n"
                + "  name: deploy\n"
                + "  pipelines: [post, release]\n"
                + "  value: |\n"
                + "    ")
        .doesNotContain("p4ss");
    var second =
        cli(
            "p4ss-of-the-deploy",
            "secrets",
            "encrypt",
            "--config",
            cfg.toString(),
            "demo",
            "deploy");
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(second.err()).doesNotContain("made the server's key pair");
    assertThat(second.out()).doesNotContain("pipelines:");

    var parsed =
        org.seakeeper.core.config.ServerConfigParser.parseSections(
            ("secrets:\n" + first.out().indent(2)).getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.problems()).isEmpty();
    var decl = parsed.sections().orElseThrow().secrets().getFirst();
    var opener =
        new org.seakeeper.secrets.ConfigSecretCipher(
            new org.seakeeper.secrets.RsaKeyFile(tmp.resolve("keys/secrets.key.rsa.pem")));
    assertThat(opener.open(decl.binding(), decl.sealed()))
        .isEqualTo(org.seakeeper.core.secret.SecretValue.of("p4ss-of-the-deploy"));
  }

  @Test
  void encrypt_refuses_bad_input_with_one_line() throws Exception {
    Path cfg = config("secrets: {key_file: " + tmp.resolve("keys/secrets.key") + "}\n");
    var check =
        cli(
            "x\n",
            "secrets",
            "encrypt",
            "--config",
            cfg.toString(),
            "--pipelines",
            "check",
            "demo",
            "token");
    assertThat(check.code()).isEqualTo(2);
    assertThat(check.err()).contains("never be offered to 'check'");
    var empty = cli("", "secrets", "encrypt", "--config", cfg.toString(), "demo", "token");
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err()).contains("the value on standard input is empty");
    int free;
    try (ServerSocket s = new ServerSocket(0)) {
      free = s.getLocalPort();
    }
    var noServer =
        cli(
            "x\n",
            "secrets",
            "encrypt",
            "--server",
            "http://127.0.0.1:" + free + "/",
            "demo",
            "token");
    assertThat(noServer.code()).isEqualTo(1);
    assertThat(noServer.err())
        .contains("no Seakeeper server answers at")
        .contains("pass --config SERVER_CONFIG");
    assertThat(tmp.resolve("keys/secrets.key.rsa.pem")).doesNotExist();
  }
}
