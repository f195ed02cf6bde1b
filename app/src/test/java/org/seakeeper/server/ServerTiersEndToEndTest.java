package org.seakeeper.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.server.ServerFixture.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.config.ServerConfigParser;

/**
 * Ref confusion end to end: real pushes to a repo served by the local git connection, real
 * bubblewrap executors per tier. A branch named like a tag, a tag named like a branch and a change
 * pushed "for" a tag get only what their own namespace gets; a real release tag is the positive
 * control. The trusted tier's network is switched off in the config, and the jobs see it.
 */
@Tag("slow")
class ServerTiersEndToEndTest {
  @TempDir Path tmp;

  static final String JOB =
      "echo \"tier=$SEAKEEPER_TIER ifaces=$(tail -n +3 /proc/net/dev | wc -l)\"";
  static final String YAML =
      "jobs:\n  show: {run: '"
          + JOB.replace("'", "''")
          + "'}\npipelines:\n  check: [show]\n  post: [show]\n  release: [show]\n";

  @Test
  void refs_named_like_other_refs_get_no_capability_of_what_they_imitate() throws Exception {
    Path[] r = repo(tmp);
    String config = config(tmp, r[0], freePort()) + "executors:\n  trusted: {network: false}\n";
    var cfg =
        ServerConfigParser.parse(config.getBytes(StandardCharsets.UTF_8)).config().orElseThrow();
    try (ServerRuntime rt = ServerRuntime.start(cfg, Clock.systemUTC())) {
      int port = rt.port();
      push(r[1], r[0], "refs/heads/main", YAML, "main", false);
      awaitBuilds(port, b -> b.size() == 1 && allEnded(b), Duration.ofSeconds(90));
      for (String ref :
          List.of(
              "refs/heads/v1.0",
              "refs/heads/refs/tags/v1.0",
              "refs/heads/tags/v1",
              "refs/tags/main",
              "refs/tags/V1.0",
              "refs/for/refs/tags/v1")) {
        git(r[1], "push", "-q", r[0].toString(), "HEAD:" + ref);
      }
      // The positive control, pushed last: once its build ended, every push before it was
      // processed.
      // (Not v1.0: with refs/heads/refs/tags/v1.0 on the remote, the git client itself takes
      // "refs/tags/v1.0" to mean that branch and pushes nothing.)
      git(r[1], "push", "-q", r[0].toString(), "HEAD:refs/tags/v2.0");
      List<JsonNode> builds =
          awaitBuilds(
              port,
              b ->
                  b.stream().anyMatch(x -> x.get("pipeline").asText().equals("release"))
                      && allEnded(b),
              Duration.ofSeconds(120));

      Set<String> started =
          builds.stream()
              .map(
                  b ->
                      b.get("pipeline").asText()
                          + " "
                          + b.get("ref").asText()
                          + " "
                          + b.get("tier").asText())
              .collect(Collectors.toSet());
      assertThat(started)
          .containsExactlyInAnyOrder(
              "post refs/heads/main trusted",
              "post refs/heads/v1.0 trusted",
              "check refs/for/refs/tags/v1 untrusted",
              "release refs/tags/v2.0 privileged");
      assertThat(builds).allSatisfy(b -> assertThat(b.get("status").asText()).isEqualTo("success"));

      // Each job ran in its tier's sandbox: untrusted and (here) trusted without a network
      // (loopback only), privileged with the host's interfaces.
      assertThat(log(port, builds, "check")).contains("tier=untrusted ifaces=1");
      assertThat(log(port, builds, "post")).contains("tier=trusted ifaces=1");
      assertThat(log(port, builds, "release"))
          .contains("tier=privileged")
          .doesNotContain("ifaces=1");

      // Why the others started nothing is counted (and logged by org.seakeeper.scheduler.policy).
      String metrics = get(port, "/metrics").body();
      assertThat(metrics).containsPattern("seakeeper_events_refused_total(\\{[^}]*\\})? [4-9]");
      assertThat(get(port, "/api/v1/status").body()).contains("\"network\":false");
    }
  }

  private static String log(int port, List<JsonNode> builds, String pipeline) throws Exception {
    JsonNode b =
        builds.stream()
            .filter(x -> x.get("pipeline").asText().equals(pipeline))
            .findFirst()
            .orElseThrow();
    return get(port, "/api/v1/builds/" + b.get("id").asText() + "/log").body();
  }
}
