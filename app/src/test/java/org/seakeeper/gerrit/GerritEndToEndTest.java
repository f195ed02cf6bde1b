package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import org.seakeeper.core.store.OutboxKind;
import org.seakeeper.server.ServerRuntime;
import org.seakeeper.testkit.GerritContract;

/**
 * The server against a real Gerrit passes the Gerrit contract (the fake Gerrit passes the same
 * tests): patch sets are checked and voted on, config errors become inline comments, {@code
 * recheck} re-runs, new patch sets and abandons cancel builds. Each test has its own project,
 * served by its own server.
 */
@Tag("slow")
class GerritEndToEndTest extends GerritContract {
  @RegisterExtension static final GerritServer GERRIT = new GerritServer();
  private static final AtomicInteger PROJECTS = new AtomicInteger();
  static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private GerritFlow f;
  private ServerRuntime rt;
  private int port;

  @BeforeEach
  void serve() throws Exception {
    f = new GerritFlow(GERRIT, "e2e-" + PROJECTS.incrementAndGet(), tmp.resolve("work"));
    port = GerritServer.freePort();
    rt = GerritFlow.start(f.serverConfig(tmp.resolve("data"), port));
  }

  @AfterEach
  void stop() {
    if (rt != null) {
      rt.close();
    }
  }

  private static String[] files(Map<String, String> files) {
    List<String> out = new ArrayList<>();
    files.forEach(
        (k, v) -> {
          out.add(k);
          out.add(v);
        });
    return out.toArray(String[]::new);
  }

  @Override
  protected ChangeHandle upload(Map<String, String> files) throws Exception {
    return new ChangeHandle(Integer.toString(f.change(f.pushForReview("a change", files(files)))));
  }

  @Override
  protected void uploadPatchset(ChangeHandle c, Map<String, String> files) throws Exception {
    f.pushNewPatchset(files(files));
  }

  @Override
  protected void comment(ChangeHandle c, String text) throws Exception {
    GERRIT
        .admin()
        .post(
            "changes/" + f.project() + "~" + c.number() + "/revisions/current/review",
            GerritRest.json("message", text));
  }

  @Override
  protected void abandon(ChangeHandle c) throws Exception {
    GERRIT.admin().post("changes/" + f.project() + "~" + c.number() + "/abandon", "{}");
  }

  /**
   * The CI account's messages, their vote read from Gerrit's "Patch Set N: Verified+1" prefix
   * (Gerrit leaves it out when the vote did not change: then it is the previous one).
   */
  @Override
  protected List<Vote> votes(ChangeHandle c) throws Exception {
    List<JsonNode> messages = f.ciMessages(Integer.parseInt(c.number()));
    // after the messages: a review's comments are there once its message is
    JsonNode comments =
        GERRIT
            .admin()
            .get("changes/" + f.project() + "~" + c.number() + "/comments")
            .path(".seakeeper.yaml");
    List<Vote> out = new ArrayList<>();
    int value = 0;
    for (JsonNode m : messages) {
      String text = m.get("message").asText();
      String ps = m.get("_revision_number").asText();
      String prefix = text.lines().findFirst().orElse("");
      value = prefix.contains("Verified+1") ? 1 : prefix.contains("Verified-1") ? -1 : value;
      Map<Integer, String> lines = new LinkedHashMap<>();
      for (JsonNode cm : comments) {
        if (cm.path("patch_set").asText().equals(ps)
            && GerritServer.CI_USER.equals(cm.path("author").path("username").asText())) {
          lines.merge(
              cm.path("line").asInt(0), cm.path("message").asText(), (a, b) -> a + "\n" + b);
        }
      }
      out.add(new Vote(ps, value, text, lines));
    }
    return out;
  }

  @Test
  void the_builds_owner_is_the_gerrit_account_that_uploaded_the_change_not_its_content()
      throws Exception {
    // The commit is written by "Administrator <admin@example.com>" and its message names someone
    // else; Gerrit's account that pushed it (and so owns the change) is "admin".
    int change =
        f.change(
            f.pushForReview(
                "owned\n\nOwner: mallory\nSigned-off-by: mallory <mallory@example.com>",
                ".seakeeper.yaml",
                GerritContract.yaml("true")));
    ChangeHandle c = new ChangeHandle(Integer.toString(change));
    await(() -> votes(c), l -> l.size() == 1);
    comment(c, "recheck"); // the recheck's event resolves the owner over REST
    await(() -> votes(c), l -> l.size() == 2);
    assertThat(GerritFlow.builds(port, change))
        .hasSize(2)
        .allSatisfy(b -> assertThat(b.path("owner").asText()).isEqualTo(GerritServer.ADMIN));
  }

  @Override
  protected List<BuildRow> builds(ChangeHandle c) throws Exception {
    return GerritFlow.builds(port, Integer.parseInt(c.number())).stream()
        .map(
            b ->
                new BuildRow(
                    b.get("id").asText(),
                    b.get("patchset").asText(),
                    b.get("status").asText(),
                    b.path("owner").isTextual() ? b.path("owner").asText() : ""))
        .toList();
  }

  @Override
  protected <T> T await(Callable<T> probe, Predicate<T> ok) throws Exception {
    long end = System.nanoTime() + LIMIT.toNanos();
    T seen = probe.call();
    while (!ok.test(seen)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out; saw " + seen);
      }
      Thread.sleep(20);
      seen = probe.call();
    }
    return seen;
  }

  @Override
  protected void settle() throws Exception {
    Thread.sleep(700);
  }

  @Override
  protected String uploader() {
    return GerritServer.ADMIN;
  }

  @Override
  protected String publicUrl() {
    return "http://127.0.0.1:" + port + "/";
  }

  @Test
  void the_fixture_gives_the_ci_account_rest_access_and_the_verified_label() throws Exception {
    assertThat(GERRIT.ci().get("accounts/self").get("username").asText())
        .isEqualTo(GerritServer.CI_USER);
    assertThat(GERRIT.admin().get("projects/" + f.project()).get("labels").has("Verified"))
        .isTrue();
  }

  @Test
  void a_result_reported_again_after_a_restart_is_not_posted_twice() throws Exception {
    String commit = f.pushForReview("report me twice", "a.txt", "a\n");
    int change = f.change(commit);
    GerritEndpoint review =
        GerritEndpoint.of(f.serverConfig(tmp.resolve("data"), 1).connections().getFirst());
    Instant t = Instant.now();
    Buildset set =
        new Buildset(
            41,
            1,
            "review",
            f.project(),
            Optional.of(Integer.toString(change)),
            Optional.of("1"),
            "refs/changes/x",
            commit,
            PipelineName.CHECK,
            Tier.UNTRUSTED,
            t,
            Optional.of(t));
    Build ok =
        new Build(
            99,
            41,
            "review",
            f.project(),
            set.change(),
            set.patchset(),
            set.ref(),
            commit,
            PipelineName.CHECK,
            Optional.of("build"),
            1,
            BuildStatus.SUCCESS,
            Tier.UNTRUSTED,
            List.of(),
            t,
            Optional.of(t),
            Optional.of(t),
            "",
            Optional.empty());
    OutboxEntry entry = new OutboxEntry(7, 41, OutboxKind.BUILDSET_FINISHED, t, Optional.empty());
    assertThat(
            new GerritReporter(Map.of("review", review), "http://ci/", Clock.systemUTC())
                .report(entry, set, List.of(ok)))
        .isTrue();
    // the process died before the outbox marked the entry delivered: a new one reports it again
    assertThat(
            new GerritReporter(Map.of("review", review), "http://ci/", Clock.systemUTC())
                .report(entry, set, List.of(ok)))
        .isTrue();
    assertThat(f.ciMessages(change)).hasSize(1);
    assertThat(f.verified(change)).isEqualTo(1);
  }
}
