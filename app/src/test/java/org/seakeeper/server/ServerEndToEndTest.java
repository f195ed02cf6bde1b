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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.config.ServerConfigParser;

/** The server on a local git repo: pushes run pipelines, results show in the API and pages. */
@Tag("slow")
class ServerEndToEndTest {
  @TempDir Path tmp;

  static final String YAML =
      """
      jobs:
        build: {run: "echo built $(cat marker.txt)"}
        test: {run: "echo tested", needs: [build]}
      pipelines:
        post: [build, test]
        check: [build, test]
      """;

  @Test
  void a_push_runs_post_and_a_push_for_review_runs_check_visible_in_api_and_pages()
      throws Exception {
    Path[] r = repo(tmp);
    var cfg =
        ServerConfigParser.parse(config(tmp, r[0], freePort()).getBytes(StandardCharsets.UTF_8))
            .config()
            .orElseThrow();
    try (ServerRuntime rt = ServerRuntime.start(cfg, Clock.systemUTC())) {
      int port = rt.port();
      String main = push(r[1], r[0], "refs/heads/main", YAML, "one", false);
      List<JsonNode> builds =
          awaitBuilds(port, b -> b.size() == 2 && allEnded(b), Duration.ofSeconds(60));
      assertThat(builds)
          .allSatisfy(
              b -> {
                assertThat(b.get("status").asText()).isEqualTo("success");
                assertThat(b.get("pipeline").asText()).isEqualTo("post");
                assertThat(b.get("tier").asText()).isEqualTo("trusted");
                assertThat(b.get("commit").asText()).isEqualTo(main);
              });
      String buildId = builds.getFirst().get("id").asText();
      assertThat(get(port, "/api/v1/builds/" + buildId + "/log").body()).contains("built one");
      var page = get(port, "/builds/" + buildId);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("build").contains("success");

      push(r[1], r[0], "refs/for/main", YAML, "two", false);
      List<JsonNode> all =
          awaitBuilds(port, b -> b.size() == 4 && allEnded(b), Duration.ofSeconds(60));
      assertThat(all.subList(2, 4))
          .allSatisfy(
              b -> {
                assertThat(b.get("pipeline").asText()).isEqualTo("check");
                assertThat(b.get("tier").asText()).isEqualTo("untrusted");
                assertThat(b.get("patchset").asText()).isEqualTo("1");
                assertThat(b.get("status").asText()).isEqualTo("success");
              });

      String token = Files.readString(rt.adminTokenFile()).strip();
      assertThat(
              post(
                      port,
                      "/api/v1/trigger",
                      null,
                      "{\"connection\":\"local\",\"project\":\"demo\",\"pipeline\":\"post\",\"ref\":\"refs/heads/main\"}")
                  .statusCode())
          .isEqualTo(401);
      assertThat(
              post(
                      port,
                      "/api/v1/trigger",
                      token,
                      "{\"connection\":\"local\",\"project\":\"demo\",\"pipeline\":\"post\",\"ref\":\"refs/heads/main\"}")
                  .statusCode())
          .isEqualTo(202);
      awaitBuilds(port, b -> b.size() == 6 && allEnded(b), Duration.ofSeconds(60));
      assertThat(get(port, "/metrics").body())
          .contains("seakeeper_events_received_total")
          .contains("seakeeper_connection_up{connection=\"local\"} 1.0");
      JsonNode local =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(get(port, "/api/v1/status").body())
              .path("connections")
              .get(0);
      assertThat(local.path("name").asText()).isEqualTo("local");
      assertThat(local.path("health").path("state").asText())
          .as("a connection's health in the status")
          .isEqualTo("up");
      assertThat(local.path("health").path("effects_pending").isObject()).isTrue();

      // The same through the CLI verbs (docs/contracts.md §5: 0 done, 1 refused, 2 usage).
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      String server = "http://127.0.0.1:" + port + "/";
      int code =
          org.seakeeper.cli.Main.execute(
              new String[] {"builds", "--server", server, "--limit", "3"},
              new java.io.PrintWriter(out, true),
              new java.io.PrintWriter(err, true));
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString()).contains("STATUS").contains("success");
      code =
          org.seakeeper.cli.Main.execute(
              new String[] {
                "retry", "--server", server, "--token-file", rt.adminTokenFile().toString(), buildId
              },
              new java.io.PrintWriter(out, true),
              new java.io.PrintWriter(err, true));
      assertThat(code).as(err.toString()).isZero();
      code =
          org.seakeeper.cli.Main.execute(
              new String[] {
                "cancel",
                "--server",
                server,
                "--token-file",
                rt.adminTokenFile().toString(),
                buildId
              },
              new java.io.PrintWriter(out, true),
              new java.io.PrintWriter(err, true));
      assertThat(code).as("cancelling a finished build is refused").isEqualTo(1);
      assertThat(err.toString()).contains("refused (409");
    }
  }
}
