package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.server.ServerRuntime;

/**
 * {@code report_start: true}: a message without a vote when a check starts, once, against a real
 * Gerrit.
 */
@Tag("slow")
class GerritReportStartTest {
  @RegisterExtension static final GerritServer GERRIT = new GerritServer();
  static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @Test
  void a_check_says_it_started_without_a_vote_then_votes_and_a_restart_posts_nothing_again()
      throws Exception {
    GerritFlow f = new GerritFlow(GERRIT, "start-1", tmp.resolve("work"));
    int port = GerritServer.freePort();
    String yaml = "jobs:\n  test: {run: \"sleep 1\"}\npipelines:\n  check: [test]\n";
    List<JsonNode> messages;
    int change;
    try (ServerRuntime rt =
        GerritFlow.start(f.serverConfig(tmp.resolve("data"), port, "    report_start: true\n"))) {
      change = f.change(f.pushForReview("a change", ".seakeeper.yaml", yaml));
      messages = f.awaitCiMessages(change, m -> m.size() >= 2, LIMIT);
    }
    assertThat(messages).hasSize(2);
    String started = messages.get(0).get("message").asText();
    assertThat(started)
        .contains("Build started (check pipeline).")
        .contains("started]")
        .contains("- test http://127.0.0.1:" + port + "/builds/");
    assertThat(started.lines().findFirst().orElse("")).doesNotContain("Verified");
    assertThat(messages.get(1).get("message").asText())
        .contains("Verified+1")
        .contains("Build succeeded (check pipeline).");
    assertThat(f.verified(change)).isEqualTo(1);
    try (ServerRuntime rt =
        GerritFlow.start(
            f.serverConfig(
                tmp.resolve("data"), GerritServer.freePort(), "    report_start: true\n"))) {
      Thread.sleep(2000);
    }
    assertThat(f.ciMessages(change)).as("nothing is posted again after a restart").hasSize(2);
  }
}
