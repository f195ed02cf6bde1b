package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.server.LogReporter;
import org.seakeeper.server.ServerRuntime;

/**
 * A trusted config repo on a real Gerrit (docs/contracts.md §2): a patch set is validated and voted
 * on, its problems become line comments on the trusted file, the gate only validates it and submits
 * it, and its canary job runs only in {@code post} after the submit.
 */
@Tag("slow")
class GerritConfigRepoEndToEndTest {
  @RegisterExtension static final GerritServer GERRIT = new GerritServer();
  static final Duration LIMIT = Duration.ofSeconds(90);
  static final String CANARY = "CANARY-42";
  static final String TRUSTED = "base_jobs:\n  base/hello:\n    run: echo hello\n";
  static final String OWN =
      "jobs:\n  hello:\n    extends: base/hello\npipelines:\n  check: [hello]\n  post: [hello]\n";
  static final String CANARY_TRUSTED = TRUSTED + "  base/canary:\n    run: echo CANARY-$((6*7))\n";
  static final String CANARY_OWN =
      "jobs:\n"
          + "  hello:\n"
          + "    extends: base/hello\n"
          + "  canary:\n"
          + "    extends: base/canary\n"
          + "pipelines:\n"
          + "  check: [canary]\n"
          + "  gate: [canary]\n"
          + "  post: [canary]\n";

  @TempDir Path tmp;
  private ServerRuntime rt;

  @AfterEach
  void stop() {
    if (rt != null) {
      rt.close();
    }
  }

  @Test
  void
      a_config_repo_patch_set_is_voted_on_and_commented_gated_by_validation_only_and_run_after_the_submit()
          throws Exception {
    GerritFlow f = new GerritFlow(GERRIT, "seakeeper-config", tmp.resolve("work"));
    f.commitOnly("trusted config", "seakeeper.yaml", TRUSTED, ".seakeeper.yaml", OWN);
    GerritFlow.git(f.work, "push", "-q", "origin", "HEAD:refs/heads/master");
    int port = GerritServer.freePort();
    String yaml =
        "data_dir: "
            + tmp.resolve("data")
            + "\nhttp: {port: "
            + port
            + ", bind: 127.0.0.1, public_url: http://127.0.0.1:"
            + port
            + "/}\nconnections:\n"
            + GERRIT.connectionYaml("review", "[" + f.project() + "]")
            + "config_repo: {connection: review, project: "
            + f.project()
            + ", branch: master}\n";
    ServerConfigParser.Result parsed =
        ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.problems()).isEmpty();
    rt =
        ServerRuntime.start(
            parsed.config().orElseThrow(),
            parsed.sections().orElseThrow(),
            Clock.systemUTC(),
            new LogReporter());
    assertThat(rt.awaitGerritStreaming(Duration.ofSeconds(30))).isTrue();

    // A broken change: Verified -1, line comments on the trusted file (unresolved: errors).
    int broken =
        f.change(
            f.pushForReview(
                "a broken trusted file",
                "seakeeper.yaml",
                CANARY_TRUSTED + "connections: []\n",
                ".seakeeper.yaml",
                CANARY_OWN));
    f.awaitCiMessages(broken, m -> m.size() == 1, LIMIT);
    assertThat(f.verified(broken)).isEqualTo(-1);
    JsonNode comments =
        GERRIT
            .admin()
            .get("changes/" + f.project() + "~" + broken + "/comments")
            .path("seakeeper.yaml");
    assertThat(comments.size()).isEqualTo(1);
    assertThat(comments.get(0).path("line").asInt()).isEqualTo(6);
    assertThat(comments.get(0).path("message").asText())
        .contains("'connections' belongs in the server config file only");

    // A good change: Verified +1 from validation alone, and nothing ran.
    f.resetToMaster();
    int n =
        f.change(
            f.pushForReview(
                "add a canary", "seakeeper.yaml", CANARY_TRUSTED, ".seakeeper.yaml", CANARY_OWN));
    f.awaitCiMessages(n, m -> m.size() == 1, LIMIT);
    assertThat(f.verified(n)).isEqualTo(1);
    assertThat(f.ciMessages(n).getFirst().path("message").asText()).contains("- (config): success");
    assertThat(canaryInLogs(port)).isFalse();

    // Approved: the gate validates the speculative merge (runs nothing) and submits it.
    GERRIT
        .admin()
        .post(
            "changes/" + f.project() + "~" + n + "/revisions/current/review",
            GerritRest.json("labels", Map.of("Code-Review", 2)));
    f.awaitCiMessages(n, m -> m.size() == 2, LIMIT);
    assertThat(f.ciMessages(n).get(1).path("message").asText())
        .contains("Build succeeded (gate pipeline)")
        .contains("merged");
    assertThat(GERRIT.change(f.project(), n).get("status").asText()).isEqualTo("MERGED");
    List<JsonNode> gate =
        builds(port).stream().filter(b -> b.get("pipeline").asText().equals("gate")).toList();
    assertThat(gate).singleElement().satisfies(b -> assertThat(b.get("job").isNull()).isTrue());

    // Merged: post runs the canary with the merged trusted config (positive control).
    long end = System.nanoTime() + LIMIT.toNanos();
    while (!canaryInLogs(port) && System.nanoTime() < end) {
      Thread.sleep(200);
    }
    assertThat(canaryInLogs(port)).isTrue();
    assertThat(
            builds(port).stream()
                .filter(b -> b.get("job").asText("").equals("canary"))
                .map(b -> b.get("pipeline").asText()))
        .containsOnly("post");
  }

  static List<JsonNode> builds(int port) throws Exception {
    String body = get(port, "/api/v1/builds?limit=100");
    List<JsonNode> out = new ArrayList<>();
    GerritRest.JSON.readTree(body).path("builds").forEach(out::add);
    return out;
  }

  static boolean canaryInLogs(int port) throws Exception {
    for (JsonNode b : builds(port)) {
      if (get(port, "/api/v1/builds/" + b.get("id").asText() + "/log").contains(CANARY)) {
        return true;
      }
    }
    return false;
  }

  static String get(int port, String path) throws Exception {
    return GerritFlow.HTTP
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
