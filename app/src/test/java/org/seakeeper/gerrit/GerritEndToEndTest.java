package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.store.OutboxEntry;
import org.seakeeper.server.ServerRuntime;

/**
 * The server against a real Gerrit: patch sets are checked and voted on, config errors become
 * inline comments, {@code recheck} re-runs, new patch sets and abandons cancel builds.
 */
@Tag("slow")
class GerritEndToEndTest {
  @RegisterExtension static final GerritServer GERRIT = new GerritServer();
  private static final AtomicInteger PROJECTS = new AtomicInteger();
  static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private ServerRuntime rt;

  private GerritFlow flow() throws Exception {
    return new GerritFlow(GERRIT, "e2e-" + PROJECTS.incrementAndGet(), tmp.resolve("work"));
  }

  private int serve(GerritFlow flow) throws Exception {
    int port = GerritServer.freePort();
    rt = GerritFlow.start(flow.serverConfig(tmp.resolve("data"), port));
    return port;
  }

  @AfterEach
  void stop() {
    if (rt != null) {
      rt.close();
    }
  }

  static String yaml(String run) {
    return "jobs:\n  build: {run: \"" + run + "\"}\npipelines:\n  check: [build]\n";
  }

  @Test
  void the_fixture_gives_the_ci_account_rest_access_and_the_verified_label() throws Exception {
    GERRIT.createProject("fixture");
    assertThat(GERRIT.ci().get("accounts/self").get("username").asText()).isEqualTo(GerritServer.CI_USER);
    assertThat(GERRIT.admin().get("projects/fixture").get("labels").has("Verified")).isTrue();
  }

  @Test
  void a_passing_change_gets_verified_plus_one_with_a_message_linking_the_log() throws Exception {
    GerritFlow f = flow();
    int port = serve(f);
    long pushed = System.nanoTime();
    String commit = f.pushForReview("passing", ".seakeeper.yaml", yaml("test -f marker.txt"), "marker.txt", "x\n");
    int change = f.change(commit);
    List<JsonNode> msgs = f.awaitCiMessages(change, m -> !m.isEmpty(), LIMIT);
    long latencyMs = (System.nanoTime() - pushed) / 1_000_000;
    System.out.println("push -> vote visible: " + latencyMs + " ms");
    assertThat(f.verified(change)).isEqualTo(1);
    List<JsonNode> builds = GerritFlow.builds(port, change);
    assertThat(builds).singleElement().satisfies(b -> {
      assertThat(b.get("status").asText()).isEqualTo("success");
      assertThat(b.get("connection").asText()).isEqualTo("review");
      assertThat(b.get("patchset").asText()).isEqualTo("1");
      assertThat(b.get("commit").asText()).isEqualTo(commit);
    });
    String text = msgs.getFirst().get("message").asText();
    assertThat(text).contains("Build succeeded").contains("- build: success").contains("http://127.0.0.1:" + port + "/builds/" + builds.getFirst().get("id").asText());
    assertThat(text).containsPattern("\\[seakeeper buildset \\d+\\]");
  }

  @Test
  void a_failing_change_gets_verified_minus_one() throws Exception {
    GerritFlow f = flow();
    serve(f);
    int change = f.change(f.pushForReview("failing", ".seakeeper.yaml", yaml("echo broken; exit 3")));
    List<JsonNode> msgs = f.awaitCiMessages(change, m -> !m.isEmpty(), LIMIT);
    assertThat(f.verified(change)).isEqualTo(-1);
    assertThat(msgs.getFirst().get("message").asText()).contains("Build failed").contains("- build: failure (exit 3)");
  }

  @Test
  void a_config_error_gets_an_inline_comment_at_its_line_and_minus_one() throws Exception {
    GerritFlow f = flow();
    serve(f);
    String bad = "jobs:\n  build: {run: \"true\"}\n  lint: {run: \"true\", colour: red}\npipelines:\n  check: [build, lint]\n";
    int change = f.change(f.pushForReview("bad config", ".seakeeper.yaml", bad));
    f.awaitCiMessages(change, m -> !m.isEmpty(), LIMIT);
    assertThat(f.verified(change)).isEqualTo(-1);
    JsonNode comments = GERRIT.admin().get("changes/" + f.project() + "~" + change + "/comments").path(".seakeeper.yaml");
    assertThat(comments.size()).isGreaterThanOrEqualTo(1);
    assertThat(comments.get(0).get("line").asInt()).isEqualTo(3);
    assertThat(comments.get(0).get("message").asText()).contains("colour");
    assertThat(comments.get(0).path("author").path("username").asText()).isEqualTo(GerritServer.CI_USER);
  }

  @Test
  void recheck_runs_check_again_and_votes_again() throws Exception {
    GerritFlow f = flow();
    int port = serve(f);
    int change = f.change(f.pushForReview("recheck me", ".seakeeper.yaml", yaml("true")));
    f.awaitCiMessages(change, m -> m.size() == 1, LIMIT);
    GERRIT.admin().post("changes/" + f.project() + "~" + change + "/revisions/current/review", GerritRest.json("message", "flaky?\nrecheck"));
    List<JsonNode> msgs = f.awaitCiMessages(change, m -> m.size() == 2, LIMIT);
    assertThat(msgs.get(1).get("message").asText()).contains("Build succeeded");
    assertThat(GerritFlow.builds(port, change)).hasSize(2).allSatisfy(b -> assertThat(b.get("status").asText()).isEqualTo("success"));
  }

  @Test
  void a_new_patchset_cancels_the_old_builds_and_only_the_new_one_is_voted_on() throws Exception {
    GerritFlow f = flow();
    int port = serve(f);
    int change = f.change(f.pushForReview("slow then fast", ".seakeeper.yaml", yaml("sh job.sh"), "job.sh", "sleep 120\n"));
    GerritFlow.awaitBuilds(port, change, b -> b.size() == 1 && b.getFirst().get("status").asText().equals("running"), LIMIT);
    f.pushNewPatchset("job.sh", "true\n");
    List<JsonNode> builds = GerritFlow.awaitBuilds(port, change, b -> b.size() == 2 && b.get(1).get("status").asText().equals("success"), LIMIT);
    assertThat(builds.getFirst().get("status").asText()).isEqualTo("cancelled");
    assertThat(builds.getFirst().get("patchset").asText()).isEqualTo("1");
    List<JsonNode> msgs = f.awaitCiMessages(change, m -> !m.isEmpty(), LIMIT);
    assertThat(msgs).singleElement().satisfies(m -> assertThat(m.get("_revision_number").asInt()).isEqualTo(2));
    assertThat(f.verified(change)).isEqualTo(1);
  }

  @Test
  void abandoning_a_change_cancels_its_builds() throws Exception {
    GerritFlow f = flow();
    int port = serve(f);
    int change = f.change(f.pushForReview("abandon me", ".seakeeper.yaml", yaml("sleep 120")));
    GerritFlow.awaitBuilds(port, change, b -> b.size() == 1 && b.getFirst().get("status").asText().equals("running"), LIMIT);
    GERRIT.admin().post("changes/" + f.project() + "~" + change + "/abandon", "{}");
    List<JsonNode> builds = GerritFlow.awaitBuilds(port, change, b -> b.size() == 1 && b.getFirst().get("status").asText().equals("cancelled"), LIMIT);
    assertThat(builds.getFirst().get("status").asText()).isEqualTo("cancelled");
    Thread.sleep(500); // the finished buildset is reported (or not) right after it ends
    assertThat(f.ciMessages(change)).isEmpty();
  }

  @Test
  void a_result_reported_again_after_a_restart_is_not_posted_twice() throws Exception {
    GerritFlow f = flow();
    String commit = f.pushForReview("report me twice", "a.txt", "a\n");
    int change = f.change(commit);
    GerritEndpoint review = GerritEndpoint.of(f.serverConfig(tmp.resolve("data"), 1).connections().getFirst());
    Instant t = Instant.now();
    Buildset set = new Buildset(41, 1, "review", f.project(), Optional.of(Integer.toString(change)), Optional.of("1"), "refs/changes/x", commit, PipelineName.CHECK, Tier.UNTRUSTED, t, Optional.of(t));
    Build ok = new Build(99, 41, "review", f.project(), set.change(), set.patchset(), set.ref(), commit, PipelineName.CHECK, Optional.of("build"), 1, BuildStatus.SUCCESS, Tier.UNTRUSTED, List.of(), t,
        Optional.of(t), Optional.of(t), "", Optional.empty());
    OutboxEntry entry = new OutboxEntry(7, 41, "buildset-finished", t, Optional.empty());
    assertThat(new GerritReporter(Map.of("review", review), "http://ci/", Clock.systemUTC()).report(entry, set, List.of(ok))).isTrue();
    // the process died before the outbox marked the entry delivered: a new one reports it again
    assertThat(new GerritReporter(Map.of("review", review), "http://ci/", Clock.systemUTC()).report(entry, set, List.of(ok))).isTrue();
    assertThat(f.ciMessages(change)).hasSize(1);
    assertThat(f.verified(change)).isEqualTo(1);
  }
}
