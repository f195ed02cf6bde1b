package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Depends-On against a real Gerrit and a real server: B names A in a footer; B's check tests both
 * merged; B approved first waits, and enters the gate behind A once A is approved; both merge, A
 * first.
 */
@Tag("slow")
class GerritDependsOnEndToEndTest {
  @RegisterExtension static final GerritServer GERRIT = new GerritServer();
  static final Duration LIMIT = Duration.ofSeconds(90);

  @TempDir Path tmp;
  private ServerRuntime rt;

  @AfterEach
  void stop() {
    if (rt != null) {
      rt.close();
    }
  }

  @Test
  void a_dependent_is_checked_with_its_dependency_and_gated_behind_it() throws Exception {
    GerritFlow f = new GerritFlow(GERRIT, "deps-e2e", tmp.resolve("work"));
    f.commitOnly(
        "Seakeeper config",
        ".seakeeper.yaml",
        "jobs:\n  unit: {run: \"true\"}\npipelines:\n  check: [unit]\n  gate: [unit]\n");
    GerritFlow.git(f.work, "push", "-q", "origin", "HEAD:refs/heads/master");
    int port = GerritServer.freePort();
    rt = GerritFlow.start(f.serverConfig(tmp.resolve("data"), port));

    String a = f.pushForReview("A: the library part", "a.txt", "a\n");
    int na = f.change(a);
    f.resetToMaster();
    String b =
        f.pushForReview(
            "B: uses A\n\nDepends-On: " + GERRIT.url() + "c/" + f.project() + "/+/" + na,
            "b.txt",
            "b\n");
    int nb = f.change(b);
    f.awaitCiMessages(nb, m -> m.size() == 1, LIMIT);
    assertThat(f.verified(nb)).as("B's check").isEqualTo(1);
    Path mirror =
        LocalGitConnection.stateDir(tmp.resolve("data"), "review")
            .resolve("mirrors")
            .resolve(f.project() + ".git");
    String checked = check(GerritFlow.builds(port, nb)).getLast().get("commit").asText();
    assertThat(contains(mirror, checked, a) && contains(mirror, checked, b))
        .as("B's check tests A and B merged")
        .isTrue();
    f.awaitCiMessages(na, m -> m.size() == 1, LIMIT);

    GERRIT
        .admin()
        .post(
            "changes/" + f.project() + "~" + nb + "/revisions/current/review",
            GerritRest.json("labels", java.util.Map.of("Code-Review", 2)));
    Thread.sleep(1000); // the approval is processed within this time; B must not enter alone
    assertThat(gate(GerritFlow.builds(port, nb))).as("B waits for A").isEmpty();
    GERRIT
        .admin()
        .post(
            "changes/" + f.project() + "~" + na + "/revisions/current/review",
            GerritRest.json("labels", java.util.Map.of("Code-Review", 2)));
    f.awaitCiMessages(nb, m -> m.size() == 2, LIMIT);
    f.awaitCiMessages(na, m -> m.size() == 2, LIMIT);
    assertThat(GERRIT.change(f.project(), na).get("status").asText()).isEqualTo("MERGED");
    assertThat(GERRIT.change(f.project(), nb).get("status").asText()).isEqualTo("MERGED");
    f.resetToMaster();
    String log = GerritFlow.git(f.work, "log", "--format=%s", "--first-parent", "-n", "3");
    assertThat(log.indexOf("A: the library part"))
        .as("A lands before B: " + log)
        .isGreaterThan(log.indexOf("B: uses A"));
  }

  private static List<JsonNode> gate(List<JsonNode> builds) {
    List<JsonNode> out = new ArrayList<>();
    builds.stream().filter(x -> x.get("pipeline").asText().equals("gate")).forEach(out::add);
    return out;
  }

  private static List<JsonNode> check(List<JsonNode> builds) {
    List<JsonNode> out = new ArrayList<>();
    builds.stream().filter(x -> x.get("pipeline").asText().equals("check")).forEach(out::add);
    return out;
  }

  private static boolean contains(Path mirror, String commit, String change) throws IOException {
    try (Repository repo =
            new FileRepositoryBuilder().setGitDir(mirror.toFile()).setMustExist(true).build();
        RevWalk walk = new RevWalk(repo)) {
      return walk.isMergedInto(
          walk.parseCommit(ObjectId.fromString(change)),
          walk.parseCommit(ObjectId.fromString(commit)));
    }
  }
}
