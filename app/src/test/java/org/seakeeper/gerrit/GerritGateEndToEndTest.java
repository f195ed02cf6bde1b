package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.git.LocalGitConnection;
import org.seakeeper.server.ServerRuntime;

/**
 * The gate against a real Gerrit (issue 5's end-to-end acceptance): three approved changes, the
 * middle one failing on top of the first, so exactly the first and third merge, in order, the third
 * re-tested without the middle one, and each change gets one gate result besides its check result.
 * Gate jobs hold until the test opens a loopback port (trusted jobs have the network), so all three
 * are queued before any gate result.
 */
@Tag("slow")
class GerritGateEndToEndTest {
  @RegisterExtension static final GerritServer GERRIT = new GerritServer();
  static final Duration LIMIT = Duration.ofSeconds(90);

  @TempDir Path tmp;
  private ServerRuntime rt;
  private ServerSocket release;

  @AfterEach
  void stop() throws IOException {
    if (rt != null) {
      rt.close();
    }
    if (release != null) {
      release.close();
    }
  }

  /**
   * Check runs {@code unit}; gate runs {@code integration}, which holds, then fails on a marker
   * file.
   */
  static String yaml(int holdPort) {
    String hold =
        "until (exec 3<>/dev/tcp/127.0.0.1/" + holdPort + ") 2>/dev/null; do sleep 0.1; done";
    return "jobs:\n  unit: {run: \"true\"}\n  integration: {run: \""
        + hold
        + "; test ! -e fail-in-gate\"}\npipelines:\n  check: [unit]\n  gate: [integration]\n";
  }

  @Test
  void a_middle_change_failing_in_gate_leaves_the_first_and_third_merged_in_order()
      throws Exception {
    int holdPort = GerritServer.freePort();
    GerritFlow f = new GerritFlow(GERRIT, "gate-e2e", tmp.resolve("work"));
    f.commitOnly("Seakeeper config", ".seakeeper.yaml", yaml(holdPort));
    GerritFlow.git(f.work, "push", "-q", "origin", "HEAD:refs/heads/master");
    String base = GerritFlow.git(f.work, "rev-parse", "HEAD");
    int port = GerritServer.freePort();
    rt = GerritFlow.start(f.serverConfig(tmp.resolve("data"), port));

    String a = f.pushForReview("A", "a.txt", "a\n");
    f.resetToMaster();
    String b =
        f.pushForReview(
            "B: passes check, fails gate",
            "b.txt",
            "b\n",
            "fail-in-gate",
            "the gate job fails on this file\n");
    f.resetToMaster();
    String c = f.pushForReview("C", "c.txt", "c\n");
    Map<String, Integer> number = Map.of(a, f.change(a), b, f.change(b), c, f.change(c));
    for (String commit : List.of(a, b, c)) {
      f.awaitCiMessages(number.get(commit), m -> m.size() == 1, LIMIT);
      assertThat(f.verified(number.get(commit))).as("check of " + commit).isEqualTo(1);
    }

    for (String commit : List.of(a, b, c)) {
      int n = number.get(commit);
      GERRIT
          .admin()
          .post(
              "changes/" + f.project() + "~" + n + "/revisions/current/review",
              GerritRest.json("labels", Map.of("Code-Review", 2)));
      GerritFlow.awaitBuilds(port, n, bs -> !gate(bs).isEmpty(), LIMIT);
    }
    Path mirror =
        LocalGitConnection.stateDir(tmp.resolve("data"), "review")
            .resolve("mirrors")
            .resolve(f.project() + ".git");
    String firstOfC =
        gate(GerritFlow.builds(port, number.get(c))).getFirst().get("commit").asText();
    assertThat(
            contains(mirror, firstOfC, a)
                && contains(mirror, firstOfC, b)
                && contains(mirror, firstOfC, c))
        .as("C is first tested on A+B+C")
        .isTrue();

    release = new ServerSocket(holdPort, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::acceptAll);

    for (String commit : List.of(a, b, c)) {
      f.awaitCiMessages(number.get(commit), m -> m.size() == 2, LIMIT);
    }
    Thread.sleep(500); // a stray second gate result would come right after
    assertThat(status(f, number.get(a))).isEqualTo("MERGED");
    assertThat(status(f, number.get(b))).isEqualTo("NEW");
    assertThat(status(f, number.get(c))).isEqualTo("MERGED");

    f.resetToMaster();
    List<String> firstParents =
        List.of(GerritFlow.git(f.work, "rev-list", "--first-parent", "HEAD").split("\n"));
    assertThat(firstParents.subList(1, 3))
        .as("A lands first, then C is merged onto it")
        .containsExactly(a, base);
    assertThat(GerritFlow.git(f.work, "rev-list", "--parents", "-n", "1", "HEAD").split(" "))
        .containsExactly(firstParents.getFirst(), a, c);
    assertThat(GerritFlow.git(f.work, "rev-list", "HEAD")).doesNotContain(b);

    assertThat(f.verified(number.get(b))).as("B's gate failure votes -1").isEqualTo(-1);
    assertThat(f.ciMessages(number.get(b)).get(1).get("message").asText())
        .contains("Build failed (gate pipeline)")
        .contains("- integration: failure (exit 1)");
    for (String commit : List.of(a, c)) {
      List<JsonNode> msgs = f.ciMessages(number.get(commit));
      assertThat(msgs).hasSize(2);
      assertThat(msgs.get(0).get("message").asText()).contains("Build succeeded (check pipeline)");
      assertThat(msgs.get(1).get("message").asText())
          .contains("Build succeeded (gate pipeline)")
          .contains("- integration: success")
          .contains("merged");
    }

    List<JsonNode> gateOfC = gate(GerritFlow.builds(port, number.get(c)));
    assertThat(gateOfC.size()).as("C was tested again after B failed").isGreaterThanOrEqualTo(2);
    assertThat(gateOfC.getLast().get("status").asText()).isEqualTo("success");
    String lastOfC = gateOfC.getLast().get("commit").asText();
    assertThat(contains(mirror, lastOfC, a) && contains(mirror, lastOfC, c))
        .as("C's final gate run has A and C")
        .isTrue();
    assertThat(contains(mirror, lastOfC, b)).as("C's final gate run is without B").isFalse();
    assertThat(gate(GerritFlow.builds(port, number.get(b))).getLast().get("status").asText())
        .isEqualTo("failure");
  }

  private static List<JsonNode> gate(List<JsonNode> builds) {
    List<JsonNode> out = new ArrayList<>();
    builds.stream().filter(x -> x.get("pipeline").asText().equals("gate")).forEach(out::add);
    return out;
  }

  private static String status(GerritFlow f, int change) throws Exception {
    return GERRIT.change(f.project(), change).get("status").asText();
  }

  /**
   * Whether {@code commit} (a speculative state in the server's mirror) includes {@code change}.
   */
  private static boolean contains(Path mirror, String commit, String change) throws IOException {
    try (Repository repo =
            new FileRepositoryBuilder().setGitDir(mirror.toFile()).setMustExist(true).build();
        RevWalk walk = new RevWalk(repo)) {
      return walk.isMergedInto(
          walk.parseCommit(ObjectId.fromString(change)),
          walk.parseCommit(ObjectId.fromString(commit)));
    }
  }

  private void acceptAll() {
    while (!release.isClosed()) {
      try (Socket s = release.accept()) {
        s.getOutputStream().flush();
      } catch (IOException e) {
        return;
      }
    }
  }
}
