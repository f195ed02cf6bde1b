package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.GateSettings;
import org.seakeeper.core.model.Cron;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.scheduler.Scheduler;
import org.seakeeper.core.scheduler.SchedulerMetrics;
import org.seakeeper.core.scheduler.SchedulerPorts;
import org.seakeeper.core.scheduler.SchedulerSettings;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.core.store.OutboxKind;
import org.seakeeper.testkit.FakeExecutor;
import org.seakeeper.testkit.FakeGate;
import org.seakeeper.testkit.FakeRepos;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;
import org.seakeeper.testkit.ManualClock;
import org.seakeeper.testkit.RecordingReporter;

/**
 * Depends-On (issue 5 item 4) on fakes: footers and parent changes link changes; a check tests a
 * change with its dependencies; the gate queues a change only behind its dependencies, takes it out
 * when one fails, and refuses dependencies it cannot resolve or that form a cycle.
 */
class DependsOnScenarioTest {
  static final String YAML =
      "jobs:\n  test: {run: make test}\npipelines:\n  check: [test]\n  gate: [test]\n";
  static final String URL = "https://review.example.org/c/";

  final InMemoryStore store = new InMemoryStore();
  final FakeRepos repos = new FakeRepos();
  final FakeExecutor executor = new FakeExecutor().hold();
  final FakeGate gate = new FakeGate(repos);
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T10:00:00Z"));
  final RecordingReporter reporter = new RecordingReporter();
  Scheduler scheduler;

  DependsOnScenarioTest() {
    gate.host("review.example.org", "review");
    scheduler = newScheduler();
  }

  /** A scheduler on the test's store (a new one is a restart: in-memory state is lost). */
  Scheduler newScheduler() {
    SchedulerSettings settings =
        new SchedulerSettings(
            Map.of(Tier.UNTRUSTED, 10, Tier.TRUSTED, 10, Tier.PRIVILEGED, 1),
            TrustedContext.offlineDefaults(),
            Glob.of("v*"),
            Cron.DAILY_0300,
            List.of());
    GateSettings gs =
        new GateSettings(
            Map.of("Code-Review", 2), Map.of("core", "integrated", "ext", "integrated"), 20);
    Scheduler s =
        new Scheduler(
            new SchedulerPorts(
                store, repos, executor, new InMemoryLogStore(), reporter, SchedulerMetrics.NONE),
            gate.ports(),
            gs,
            settings,
            clock,
            () -> {});
    s.recover();
    return s;
  }

  void step() {
    scheduler.runUntilIdle();
  }

  static String changeId(String change) {
    return "I" + String.format("%040d", Integer.parseInt(change));
  }

  /** Uploads patch set 1 of {@code change} with this commit message (and parent commit). */
  ChangeRef uploadTo(
      String project, String branch, String change, String message, String... parents) {
    String sha = repos.commitConfig("review", project, "refs/changes/" + change + "/1", YAML);
    repos.describe(
        "review", project, sha, message + "\nChange-Id: " + changeId(change) + "\n", parents);
    ChangeRef c = new ChangeRef("review", project, branch, change, "1", sha);
    gate.change(c, changeId(change));
    store.transaction(
        tx ->
            tx.inbox()
                .add(
                    new TriggerEvent.ChangeProposed(
                        "review",
                        project,
                        branch,
                        change,
                        "1",
                        sha,
                        "refs/changes/" + change + "/1"),
                    clock.instant()));
    step();
    return c;
  }

  ChangeRef upload(String project, String change, String message, String... parents) {
    return uploadTo(project, "main", change, message, parents);
  }

  void passCheck(ChangeRef c) {
    executor.releaseId("b" + latest(c, PipelineName.CHECK).id(), new JobOutcome.Succeeded());
    step();
  }

  void approve(ChangeRef c) {
    store.transaction(
        tx ->
            tx.inbox()
                .add(
                    new TriggerEvent.ApprovalsChanged(
                        "review",
                        c.project(),
                        c.branch(),
                        c.change(),
                        c.patchset(),
                        c.commit(),
                        Map.of("Code-Review", 2),
                        "a-" + c.change()),
                    clock.instant()));
    step();
  }

  List<Build> builds() {
    return store.queries().list(BuildQuery.latest(1000)).reversed();
  }

  Build latest(ChangeRef c, PipelineName p) {
    return builds().stream()
        .filter(b -> b.pipeline() == p && b.change().equals(Optional.of(c.change())))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no " + p + " build of " + c + " in " + builds()));
  }

  List<Build> gateBuilds(ChangeRef c) {
    return builds().stream()
        .filter(
            b -> b.pipeline() == PipelineName.GATE && b.change().equals(Optional.of(c.change())))
        .toList();
  }

  void finishGate(ChangeRef c, JobOutcome o) {
    executor.releaseId("b" + latest(c, PipelineName.GATE).id(), o);
    step();
  }

  @SuppressWarnings("unchecked")
  List<String> queued() {
    return scheduler.gateStatus().stream()
        .flatMap(q -> ((List<Map<String, Object>>) q.get("items")).stream())
        .map(i -> (String) i.get("change"))
        .toList();
  }

  List<String> gateReports() {
    return reporter.reports().stream()
        .filter(r -> !r.entry().kind().equals(OutboxKind.BUILDSET_FINISHED))
        .map(r -> r.entry().kind() + " " + r.buildset().change().orElseThrow())
        .toList();
  }

  @Test
  void check_tests_a_change_on_the_speculative_merge_of_its_same_repo_dependency() {
    ChangeRef a = upload("core", "1", "Base");
    ChangeRef b = upload("core", "2", "Uses the base\n\nDepends-On: " + URL + "core/+/1");
    assertThat(gate.merges()).containsExactly(List.of(a, b));
    Build check = latest(b, PipelineName.CHECK);
    assertThat(check.status()).isEqualTo(BuildStatus.RUNNING);
    assertThat(check.commit())
        .as("the speculative state, not the patch set alone")
        .isNotEqualTo(b.commit());
    assertThat(store.queries().buildset(check.buildsetId()).orElseThrow().commit())
        .as("the result is reported on the patch set")
        .isEqualTo(b.commit());
    assertThat(latest(a, PipelineName.CHECK).commit()).isEqualTo(a.commit());
  }

  @Test
  void gerrit_parent_changes_are_dependencies_too() {
    ChangeRef a = upload("core", "1", "Base");
    ChangeRef b = upload("core", "2", "On top of the base", a.commit());
    assertThat(gate.merges()).containsExactly(List.of(a, b));
  }

  @Test
  void depends_on_across_two_repos_gate_orders_them() {
    ChangeRef lib = upload("core", "1", "Library change");
    ChangeRef app = upload("ext", "2", "Uses it\n\nDepends-On: " + URL + "core/+/1");
    assertThat(latest(app, PipelineName.CHECK).status()).isEqualTo(BuildStatus.RUNNING);
    // The check tests them together: the library change is checked out beside the workspace.
    ExecutionRequest appCheck =
        executor.started().stream()
            .filter(r -> r.id().equals("b" + latest(app, PipelineName.CHECK).id()))
            .findFirst()
            .orElseThrow();
    assertThat(appCheck.dependencies())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.relativePath()).isEqualTo("review/core");
              assertThat(d.checkout().commit()).contains(lib.commit());
            });
    assertThat(appCheck.checkout().commit())
        .as("nothing to merge in its own repo")
        .contains(app.commit());
    passCheck(lib);
    passCheck(app);
    approve(app);
    assertThat(gateBuilds(app)).as("its dependency is neither merged nor queued").isEmpty();
    assertThat(queued()).isEmpty();
    approve(lib);
    assertThat(queued()).as("the dependent enters behind its dependency").containsExactly("1", "2");
    assertThat(gate.merges()).contains(List.of(lib, app));
    // The gate tests them together too: the library's speculative state is checked out beside it.
    ExecutionRequest appGate =
        executor.started().stream()
            .filter(r -> r.id().equals("b" + latest(app, PipelineName.GATE).id()))
            .findFirst()
            .orElseThrow();
    assertThat(appGate.dependencies())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.relativePath()).isEqualTo("review/core");
              assertThat(d.checkout().commit())
                  .isPresent()
                  .isNotEqualTo(java.util.Optional.of(lib.commit()));
            });
    finishGate(app, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).as("the dependent waits for its dependency").isEmpty();
    finishGate(lib, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).containsExactly(lib, app);
    assertThat(gateReports())
        .containsExactly(OutboxKind.GATE_MERGED + " 1", OutboxKind.GATE_MERGED + " 2");
  }

  @Test
  void a_dependency_in_another_queue_must_merge_first() {
    ChangeRef other = upload("solo", "1", "Elsewhere");
    ChangeRef dep = upload("core", "2", "Needs it\n\nDepends-On: " + URL + "solo/+/1");
    passCheck(other);
    passCheck(dep);
    approve(dep);
    approve(other);
    assertThat(queued())
        .as("another queue: the dependent waits for the merge")
        .containsExactly("1");
    finishGate(other, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).containsExactly(other);
    assertThat(queued()).containsExactly("2");
    finishGate(dep, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).containsExactly(other, dep);
  }

  /**
   * Library change 1 (core) and app change 2 (ext) that depends on it, both approved: queued 1, 2.
   */
  List<ChangeRef> libAndAppQueued() {
    ChangeRef lib = upload("core", "1", "Library change");
    ChangeRef app = upload("ext", "2", "Uses it\n\nDepends-On: " + URL + "core/+/1");
    passCheck(lib);
    passCheck(app);
    approve(lib);
    approve(app);
    return List.of(lib, app);
  }

  @Test
  void a_dependency_that_fails_the_gate_takes_its_dependent_out() {
    List<ChangeRef> both = libAndAppQueued();
    ChangeRef lib = both.get(0);
    ChangeRef app = both.get(1);
    assertThat(queued()).containsExactly("1", "2");
    finishGate(lib, new JobOutcome.Failed(1));
    assertThat(queued()).isEmpty();
    assertThat(gate.submitted()).isEmpty();
    assertThat(gateBuilds(app)).extracting(Build::status).contains(BuildStatus.DEQUEUED);
    assertThat(gateBuilds(app).getLast().detail())
        .contains("depends on core~1/1, which failed the gate");
    assertThat(gateReports())
        .containsExactly(OutboxKind.GATE_FAILED + " 1", OutboxKind.GATE_FAILED + " 2");
    RecordingReporter.Report out =
        reporter.reports().stream()
            .filter(
                r ->
                    r.entry().kind().equals(OutboxKind.GATE_FAILED)
                        && r.buildset().change().equals(Optional.of("2")))
            .findFirst()
            .orElseThrow();
    assertThat(
            org.seakeeper.core.report.Reviews.of(
                    out.buildset(), out.builds(), out.entry().kind(), "http://ci/")
                .orElseThrow()
                .message())
        .contains("- (queue): dequeued (dequeued: it depends on core~1/1, which failed the gate)");
    // A passing recheck puts the dependency back; its dependent follows it by itself.
    store.transaction(
        tx ->
            tx.inbox()
                .add(
                    new TriggerEvent.Recheck(
                        "review",
                        "core",
                        "main",
                        "1",
                        "1",
                        lib.commit(),
                        "refs/changes/1/1",
                        "dev",
                        "m1"),
                    clock.instant()));
    step();
    passCheck(lib);
    assertThat(queued()).containsExactly("1", "2");
    finishGate(lib, new JobOutcome.Succeeded());
    finishGate(app, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).containsExactly(lib, app);
  }

  @Test
  void after_a_restart_a_failing_dependency_still_takes_its_dependent_out() {
    List<ChangeRef> both = libAndAppQueued();
    ChangeRef lib = both.get(0);
    ChangeRef app = both.get(1);
    scheduler = newScheduler();
    step();
    assertThat(queued()).containsExactly("1", "2");
    finishGate(lib, new JobOutcome.Failed(1));
    assertThat(queued()).isEmpty();
    assertThat(gateBuilds(app).getLast().detail())
        .contains("depends on core~1/1, which failed the gate");
  }

  @Test
  void cycle_detection_ends_the_check_with_one_config_error_naming_the_cycle() {
    ChangeRef a = upload("core", "1", "A\n\nDepends-On: " + URL + "ext/+/2");
    assertThat(latest(a, PipelineName.CHECK).status())
        .as("its dependency does not exist yet")
        .isEqualTo(BuildStatus.CONFIG_ERROR);
    assertThat(latest(a, PipelineName.CHECK).detail()).contains("no change 2 on review");
    ChangeRef b = upload("ext", "2", "B\n\nDepends-On: " + URL + "core/+/1");
    Build check = latest(b, PipelineName.CHECK);
    assertThat(check.status()).isEqualTo(BuildStatus.CONFIG_ERROR);
    assertThat(check.job()).isEmpty();
    assertThat(check.detail()).contains("dependency cycle: ext~2/1 -> core~1/1 -> ext~2/1");
    assertThat(builds().stream().filter(x -> x.change().equals(Optional.of("2")))).hasSize(1);
  }

  @Test
  void a_bare_change_id_matching_several_changes_is_an_error_naming_the_candidates() {
    ChangeRef a = upload("core", "1", "Base");
    ChangeRef b = upload("core", "2", "Needs it\n\nDepends-On: " + changeId("1"));
    assertThat(gate.merges()).containsExactly(List.of(a, b));
    passCheck(a);
    passCheck(b);
    // A cherry-pick of change 1 to another branch keeps its Change-Id: the footer is ambiguous now.
    gate.change(new ChangeRef("review", "core", "stable", "3", "1", a.commit()), changeId("1"));
    approve(b);
    assertThat(queued()).isEmpty();
    Build refused = latest(b, PipelineName.GATE);
    assertThat(refused.status()).isEqualTo(BuildStatus.CONFIG_ERROR);
    assertThat(refused.detail())
        .contains("matches several changes")
        .contains("core main 1")
        .contains("core stable 3");
    assertThat(gateReports()).containsExactly(OutboxKind.GATE_FAILED + " 2");
  }
}
