package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.server.ServerRuntime;

/**
 * No event is lost while the server (and so its event stream) is down: after a restart the
 * connection catches up over REST, and every change is built and voted on exactly once, also across
 * a further restart.
 */
@Tag("slow")
class GerritCatchUpTest {
  @RegisterExtension static final GerritServer GERRIT = new GerritServer();
  static final Duration LIMIT = Duration.ofSeconds(90);

  @TempDir Path tmp;

  @Test
  void changes_uploaded_while_the_server_was_down_are_each_built_and_voted_on_exactly_once()
      throws Exception {
    GerritFlow f = new GerritFlow(GERRIT, "catch-up", tmp.resolve("work"));
    int port = GerritServer.freePort();
    ServerConfig cfg = f.serverConfig(tmp.resolve("data"), port);
    String yaml = org.seakeeper.testkit.GerritContract.yaml("true");

    int first;
    try (ServerRuntime rt = GerritFlow.start(cfg)) {
      first = f.change(f.pushForReview("while up", ".seakeeper.yaml", yaml));
      f.awaitCiMessages(first, m -> m.size() == 1, LIMIT);
    }

    List<Integer> whileDown = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      f.resetToMaster();
      whileDown.add(
          f.change(f.pushForReview("while down " + i, ".seakeeper.yaml", yaml, "n.txt", i + "\n")));
    }
    GERRIT
        .admin()
        .post(
            "changes/catch-up~" + first + "/revisions/current/review",
            GerritRest.json("message", "recheck"));

    try (ServerRuntime rt = GerritFlow.start(cfg)) {
      for (int change : whileDown) {
        f.awaitCiMessages(change, m -> m.size() == 1, LIMIT);
      }
      f.awaitCiMessages(first, m -> m.size() == 2, LIMIT);
    }

    try (ServerRuntime rt = GerritFlow.start(cfg)) {
      Thread.sleep(1500); // time for anything wrongly caught up twice to be built and voted on
      for (int change : whileDown) {
        assertThat(f.ciMessages(change)).as("votes on change " + change).hasSize(1);
        assertThat(GerritFlow.builds(port, change)).as("builds of change " + change).hasSize(1);
        assertThat(f.verified(change)).isEqualTo(1);
      }
      assertThat(f.ciMessages(first)).as("the first change: its check and one recheck").hasSize(2);
      assertThat(GerritFlow.builds(port, first)).hasSize(2);
    }
  }
}
