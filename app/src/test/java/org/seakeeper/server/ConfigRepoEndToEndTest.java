package org.seakeeper.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.server.ServerFixture.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.config.ServerConfigParser;

/**
 * The trusted config repo through the real server, local git connection and sandbox
 * (docs/contracts.md §2): a change that adds a job printing a canary, both as a base job of the
 * trusted file and in the repo's own {@code .seakeeper.yaml}, is validated and reported on push for
 * review, and the canary appears in no log until the change merges; after the merge, post prints
 * it.
 */
@Tag("slow")
class ConfigRepoEndToEndTest {
  /**
   * What the canary job prints; the config says {@code $((6*7))}, so only running it writes this.
   */
  static final String CANARY = "CANARY-42";

  static final String TRUSTED =
      "base_jobs:\n  base/hello:\n    run: echo hello from the config repo\n";
  static final String OWN =
      "jobs:\n  hello:\n    extends: base/hello\npipelines:\n  check: [hello]\n  post: [hello]\n";
  static final String CANARY_TRUSTED =
      TRUSTED + "  base/canary:\n    run: echo CANARY-$((6*7))-base\n";
  static final String CANARY_OWN =
      "jobs:\n"
          + "  hello:\n"
          + "    extends: base/hello\n"
          + "  canary:\n"
          + "    extends: base/canary\n"
          + "  canary-local:\n"
          + "    run: echo CANARY-$((6*7))-local\n"
          + "pipelines:\n"
          + "  check: [hello, canary, canary-local]\n"
          + "  post: [hello, canary, canary-local]\n";

  @TempDir Path tmp;

  @Test
  void a_config_repo_change_is_validated_on_review_and_its_canary_runs_only_after_the_merge()
      throws Exception {
    Path[] r = repo(tmp); // served as the project seakeeper-config
    Path bare = r[0];
    Path work = r[1];
    Path data = tmp.resolve("data");
    int free = freePort();
    String yaml =
        "data_dir: "
            + data
            + "\nhttp: {port: "
            + free
            + ", bind: 127.0.0.1}\nrepos:\n  - name: seakeeper-config\n    path: "
            + bare
            + "\n"
            + "config_repo: {connection: local, project: seakeeper-config, branch: main, path:"
            + " seakeeper.yaml}\n";
    ServerConfigParser.Result parsed =
        ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.problems()).isEmpty();
    try (ServerRuntime rt =
        ServerRuntime.start(
            parsed.config().orElseThrow(),
            parsed.sections().orElseThrow(),
            Clock.systemUTC(),
            new LogReporter())) {
      int port = rt.port();
      commit(work, TRUSTED, OWN, "the trusted config");
      git(work, "push", "-q", bare.toString(), "HEAD:refs/heads/main");
      List<JsonNode> builds =
          awaitBuilds(port, b -> b.size() == 1 && allEnded(b), Duration.ofSeconds(90));
      assertThat(builds.getFirst().get("status").asText())
          .as(builds.toString())
          .isEqualTo("success"); // control: post of the merged config runs

      // Proposed: validated, reported, not run.
      commit(work, CANARY_TRUSTED, CANARY_OWN, "add a canary job");
      String canaryCommit = git(work, "rev-parse", "HEAD");
      git(work, "push", "-q", bare.toString(), "HEAD:refs/for/main");
      builds = awaitBuilds(port, b -> b.size() == 2 && allEnded(b), Duration.ofSeconds(90));
      JsonNode check = builds.get(1);
      assertThat(check.get("pipeline").asText()).isEqualTo("check");
      assertThat(check.get("commit").asText()).isEqualTo(canaryCommit);
      assertThat(check.get("job").isNull()).isTrue();
      assertThat(check.get("status").asText()).isEqualTo("success");
      assertThat(check.get("detail").asText()).startsWith("validated, not run:");

      // A broken proposal: config_error, with the trusted file's problems at their positions.
      git(work, "checkout", "-q", "-b", "broken");
      commit(work, CANARY_TRUSTED + "connections: []\n", CANARY_OWN, "a broken trusted file");
      git(work, "push", "-q", "--force", bare.toString(), "HEAD:refs/for/main");
      builds = awaitBuilds(port, b -> b.size() == 3 && allEnded(b), Duration.ofSeconds(90));
      assertThat(builds.get(2).get("status").asText()).isEqualTo("config_error");
      assertThat(builds.get(2).get("detail").asText())
          .contains(
              "seakeeper.yaml:6:1: error: 'connections' belongs in the server config file only");

      // Nothing printed the canary: not in any log the API serves, not anywhere in the data dir.
      assertThat(canaryInApiLogs(port, builds)).isFalse();
      assertThat(canaryInFiles(data)).as("the canary in %s", data).isFalse();
      String status = get(port, "/api/v1/status").body();
      assertThat(status).contains("trusted_config_repo");

      // Merged: the trusted file is re-read, and post runs the new jobs (positive control).
      git(work, "checkout", "-q", "main");
      git(work, "push", "-q", bare.toString(), "HEAD:refs/heads/main");
      builds = awaitBuilds(port, b -> b.size() == 6 && allEnded(b), Duration.ofSeconds(120));
      List<JsonNode> post = builds.subList(3, 6);
      assertThat(post)
          .allSatisfy(
              b -> {
                assertThat(b.get("pipeline").asText()).isEqualTo("post");
                assertThat(b.get("commit").asText()).isEqualTo(canaryCommit);
                assertThat(b.get("status").asText()).as(b.toString()).isEqualTo("success");
              });
      assertThat(canaryInApiLogs(port, builds)).isTrue();
      assertThat(canaryInFiles(data)).isTrue();
      assertThat(get(port, "/api/v1/status").body()).contains(canaryCommit);
    }
  }

  static void commit(Path work, String trusted, String own, String message) throws Exception {
    Files.writeString(work.resolve("seakeeper.yaml"), trusted);
    Files.writeString(work.resolve(".seakeeper.yaml"), own);
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", message);
  }

  static boolean canaryInApiLogs(int port, List<JsonNode> builds) throws Exception {
    for (JsonNode b : builds) {
      if (get(port, "/api/v1/builds/" + b.get("id").asText() + "/log").body().contains(CANARY)) {
        return true;
      }
    }
    return false;
  }

  /** Every file under the data dir (logs, database, artifacts), read as bytes. */
  static boolean canaryInFiles(Path dir) throws Exception {
    byte[] needle = CANARY.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (indexOf(Files.readAllBytes(f), needle) >= 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
