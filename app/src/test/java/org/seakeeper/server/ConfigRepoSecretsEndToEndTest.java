package org.seakeeper.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.server.ServerFixture.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.config.ServerConfigParser;

/**
 * Secrets defined in the trusted config repo, end to end on the local git connection with the real
 * sandbox (issue 6): {@code seakeeper secrets encrypt} (offline from the key file, and online from
 * the server's public key) prints the entries; the config repo's merged file defines a project's
 * secret and that project's post job reads it, while a proposed change to the config repo that adds
 * a secret and a job printing it is only validated: the job never runs and its value is in no log
 * and no file of the data dir.
 */
@Tag("slow")
class ConfigRepoSecretsEndToEndTest {
  @TempDir Path tmp;

  /** Random per run: no file on this machine holds them before the test encrypts them. */
  private final String value = "CRSECRET-" + UUID.randomUUID();

  private final String proposed = "CRPROPOSED-" + UUID.randomUUID();

  static final String DEMO =
      """
      jobs:
        publish:
          secrets: [deploy-token]
          run: |
            sha256sum "$SEAKEEPER_SECRETS/deploy-token"
            echo "the value: $(cat "$SEAKEEPER_SECRETS/deploy-token")"
      pipelines:
        post: [publish]
      """;
  static final String CONFIG_OWN =
      "jobs:\n  lint:\n    run: echo lint\npipelines:\n  check: [lint]\n  post: [lint]\n";
  static final String LEAK_OWN =
      "jobs:\n"
          + "  lint:\n"
          + "    run: echo lint\n"
          + "  leak:\n"
          + "    secrets: [leak]\n"
          + "    run: cat \"$SEAKEEPER_SECRETS/leak\"; cat /run/seakeeper/secrets/* || true\n"
          + "pipelines:\n"
          + "  check: [lint]\n"
          + "  post: [lint, leak]\n";

  private static void commitConfig(Path work, String trusted, String own, String message)
      throws Exception {
    Files.writeString(work.resolve("seakeeper.yaml"), trusted);
    Files.writeString(work.resolve(".seakeeper.yaml"), own);
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", message);
  }

  private static boolean inFiles(Path dir, String needle) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(needle)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String log(int port, JsonNode build) throws Exception {
    return get(port, "/api/v1/builds/" + build.get("id").asText() + "/log").body();
  }

  @Test
  void
      the_merged_config_repo_defines_a_secret_the_post_job_reads_and_a_proposal_printing_one_never_runs()
          throws Exception {
    Path[] demo = repo(tmp);
    Path configBare = tmp.resolve("config.git");
    git(tmp, "init", "-q", "--bare", "--initial-branch=main", configBare.toString());
    Path configWork = Files.createDirectories(tmp.resolve("config-work"));
    git(configWork, "init", "-q", "--initial-branch=main", ".");
    int port = freePort();
    Path data = tmp.resolve("data");
    Path key = tmp.resolve("keys/secrets.key");
    Path configFile =
        Files.writeString(
            tmp.resolve("server.yaml"),
            config(tmp, demo[0], port)
                + "  - name: seakeeper-config\n    path: "
                + configBare
                + "\nconfig_repo: {project: seakeeper-config}\nsecrets: {key_file: "
                + key
                + "}\n");

    // Offline, before the server ever ran: the key pair is made beside the secrets key file.
    Cli offline =
        cli(
            value + "\n",
            "secrets",
            "encrypt",
            "--config",
            configFile.toString(),
            "demo",
            "deploy-token");
    assertThat(offline.code()).as(offline.err()).isZero();
    assertThat(offline.out())
        .doesNotContain(value)
        .startsWith("- connection: local\n  project: demo\n  name: deploy-token\n");
    assertThat(tmp.resolve("keys/secrets.key.rsa.pem")).exists();
    String trusted = "secrets:\n" + offline.out().indent(2);

    var parsed = ServerConfigParser.parse(Files.readAllBytes(configFile));
    assertThat(parsed.problems()).isEmpty();
    try (ServerRuntime rt =
        ServerRuntime.start(
            parsed.config().orElseThrow(),
            parsed.sections().orElseThrow(),
            Clock.systemUTC(),
            new LogReporter())) {
      assertThat(get(port, "/api/v1/secrets/public-key").body())
          .startsWith("-----BEGIN PUBLIC KEY-----");

      // The merged file defines demo's secret.
      commitConfig(configWork, trusted, CONFIG_OWN, "demo's deploy token");
      git(configWork, "push", "-q", configBare.toString(), "HEAD:refs/heads/main");
      List<JsonNode> builds =
          awaitBuilds(port, b -> b.size() == 1 && allEnded(b), Duration.ofSeconds(90));
      assertThat(builds.getFirst().get("status").asText())
          .as(builds.toString())
          .isEqualTo("success");
      assertThat(get(port, "/api/v1/status").body()).contains("\"problems\":[]");

      // demo's post job declares it: it reads it; the log shows its hash and the mask.
      push(demo[1], demo[0], "refs/heads/main", DEMO, "one", false);
      builds = awaitBuilds(port, b -> b.size() == 2 && allEnded(b), Duration.ofSeconds(90));
      JsonNode publish = builds.get(1);
      String publishLog = log(port, publish);
      assertThat(publish.get("job").asText()).isEqualTo("publish");
      assertThat(publish.get("status").asText()).as(publishLog).isEqualTo("success");
      String sha =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(value.getBytes(StandardCharsets.UTF_8)));
      assertThat(publishLog)
          .contains(sha + "  /run/seakeeper/secrets/deploy-token")
          .contains("the value: [masked]")
          .doesNotContain(value);

      // Online (the server's public key endpoint): a secret for the config repo's own leak job,
      // proposed with it.
      Cli online =
          cli(
              proposed,
              "secrets",
              "encrypt",
              "--server",
              "http://127.0.0.1:" + port + "/",
              "seakeeper-config",
              "leak");
      assertThat(online.code()).as(online.err()).isZero();
      commitConfig(
          configWork,
          trusted + online.out().indent(2),
          LEAK_OWN,
          "add a secret and a job printing it");
      git(configWork, "push", "-q", configBare.toString(), "HEAD:refs/for/main");
      builds = awaitBuilds(port, b -> b.size() == 3 && allEnded(b), Duration.ofSeconds(90));
      JsonNode check = builds.get(2);
      assertThat(check.get("pipeline").asText()).isEqualTo("check");
      assertThat(check.get("job").isNull()).isTrue();
      assertThat(check.get("status").asText()).isEqualTo("success");
      assertThat(check.get("detail").asText()).startsWith("validated, not run:");

      // A proposal that moves demo's entry to the config repo's project: refused at its position,
      // no value shown.
      String moved =
          trusted
              .replace("project: demo", "project: seakeeper-config")
              .replace("name: deploy-token", "name: leak");
      git(configWork, "checkout", "-q", "-b", "moved", "HEAD~1");
      commitConfig(configWork, moved, LEAK_OWN, "reuse demo's ciphertext");
      git(configWork, "push", "-q", "--force", configBare.toString(), "HEAD:refs/for/main");
      builds = awaitBuilds(port, b -> b.size() == 4 && allEnded(b), Duration.ofSeconds(90));
      JsonNode refused = builds.get(3);
      assertThat(refused.get("status").asText()).isEqualTo("config_error");
      assertThat(refused.get("detail").asText())
          .contains("seakeeper.yaml:5:12: error: ")
          .contains("secret 'leak' of project seakeeper-config")
          .contains(
              "cannot be decrypted: it was encrypted for another connection, project, name or"
                  + " pipelines")
          .doesNotContain(value);

      // Nothing ran a job of either proposal; neither value is in any log or any file of the data
      // dir.
      assertThat(builds)
          .filteredOn(b -> b.get("project").asText().equals("seakeeper-config"))
          .extracting(b -> b.get("job").asText())
          .containsExactly("lint", "null", "null");
      for (JsonNode b : builds) {
        assertThat(log(port, b)).doesNotContain(proposed).doesNotContain(value);
      }
      assertThat(inFiles(data, proposed)).isFalse();
      assertThat(inFiles(data, value)).isFalse();
      assertThat(get(port, "/api/v1/status").body()).doesNotContain(proposed);
    }
  }
}
