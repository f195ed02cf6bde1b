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
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.GateQueue;
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

/** Gate scenarios (Zuul's dependent pipeline) on fakes: held builds, fake merger and review. */
class GateScenarioTest {
  static final String YAML =
      "jobs:\n  test: {run: make test}\npipelines:\n  check: [test]\n  gate: [test]\n";

  final InMemoryStore store = new InMemoryStore();
  final FakeRepos repos = new FakeRepos();
  final FakeExecutor executor = new FakeExecutor().hold();
  final FakeGate gate = new FakeGate(repos);
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T10:00:00Z"));
  final RecordingReporter reporter = new RecordingReporter();
  Scheduler scheduler;

  GateScenarioTest() {
    scheduler = newScheduler(executor);
  }

  Scheduler newScheduler(FakeExecutor ex) {
    return newScheduler(ex, 20);
  }

  Scheduler newScheduler(FakeExecutor ex, int window) {
    SchedulerSettings settings =
        new SchedulerSettings(
            Map.of(Tier.UNTRUSTED, 10, Tier.TRUSTED, 10, Tier.PRIVILEGED, 1),
            TrustedContext.offlineDefaults(),
            Glob.of("v*"),
            Cron.DAILY_0300,
            List.of());
    GateSettings gs =
        new GateSettings(
            Map.of("Code-Review", 2), Map.of("core", "integrated", "ext", "integrated"), window);
    Scheduler s =
        new Scheduler(
            new SchedulerPorts(
                store, repos, ex, new InMemoryLogStore(), reporter, SchedulerMetrics.NONE),
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

  /** Uploads a change, lets its check pass and approves it with Code-Review +2. */
  ChangeRef approved(String project, String change) {
    ChangeRef c = uploaded(project, change, "1");
    passCheck(c);
    approve(c);
    return c;
  }

  ChangeRef uploaded(String project, String change, String ps) {
    String sha = repos.commitConfig("review", project, "refs/changes/" + change + "/" + ps, YAML);
    store.transaction(
        tx ->
            tx.inbox()
                .add(
                    new TriggerEvent.ChangeProposed(
                        "review",
                        project,
                        "main",
                        change,
                        ps,
                        sha,
                        "refs/changes/" + change + "/" + ps),
                    clock.instant()));
    step();
    return new ChangeRef("review", project, "main", change, ps, sha);
  }

  void passCheck(ChangeRef c) {
    Build check = latest(c, PipelineName.CHECK);
    executor.releaseId("b" + check.id(), new JobOutcome.Succeeded());
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
                        "main",
                        c.change(),
                        c.patchset(),
                        c.commit(),
                        Map.of("Code-Review", 2),
                        "a-" + c.change() + c.patchset()),
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

  @Test
  void a_failure_in_the_middle_retests_those_behind_without_it_and_merges_the_rest_in_order() {
    ChangeRef a = approved("core", "A");
    ChangeRef b = approved("core", "B");
    ChangeRef c = approved("core", "C");
    assertThat(gate.merges()).contains(List.of(a), List.of(a, b), List.of(a, b, c));
    assertThat(latest(c, PipelineName.GATE).tier()).isEqualTo(Tier.TRUSTED);
    finishGate(b, new JobOutcome.Failed(1));
    assertThat(gateBuilds(c))
        .extracting(Build::status)
        .containsExactly(BuildStatus.CANCELLED, BuildStatus.RUNNING);
    assertThat(gateBuilds(c).getFirst().detail()).contains("gate reset");
    assertThat(gate.merges().getLast()).containsExactly(a, c);
    finishGate(c, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).as("C waits for A, the head").isEmpty();
    finishGate(a, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).containsExactly(a, c);
    assertThat(latest(b, PipelineName.GATE).status()).isEqualTo(BuildStatus.FAILURE);
    assertThat(scheduler.gateStatus().getFirst().get("items")).asList().isEmpty();
  }

  /** The gate verdicts reported (outbox kinds other than buildset-finished), as "kind change". */
  List<String> gateReports() {
    return reporter.reports().stream()
        .filter(r -> !r.entry().kind().equals(OutboxKind.BUILDSET_FINISHED))
        .map(r -> r.entry().kind() + " " + r.buildset().change().orElseThrow())
        .toList();
  }

  @Test
  void
      a_failure_behind_the_head_waits_for_those_ahead_and_one_caused_by_a_failing_change_ahead_is_retested() {
    ChangeRef a = approved("core", "A");
    ChangeRef b = approved("core", "B");
    ChangeRef c = approved("core", "C");
    finishGate(c, new JobOutcome.Failed(1));
    assertThat(gateReports()).as("C may have failed only because of B").isEmpty();
    assertThat(scheduler.gateStatus().getFirst().get("items")).asList().hasSize(3);
    finishGate(b, new JobOutcome.Failed(1));
    assertThat(gateBuilds(c))
        .extracting(Build::status)
        .containsExactly(BuildStatus.FAILURE, BuildStatus.RUNNING);
    assertThat(gate.merges().getLast()).containsExactly(a, c);
    assertThat(gateReports()).as("B's verdict waits until A, ahead of it, is decided").isEmpty();
    finishGate(a, new JobOutcome.Succeeded());
    assertThat(gateReports()).containsExactly("gate-merged A", "gate-failed B");
    finishGate(c, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).containsExactly(a, c);
    assertThat(gateReports()).containsExactly("gate-merged A", "gate-failed B", "gate-merged C");
  }

  @Test
  void a_change_that_failed_the_gate_re_enters_after_a_passing_recheck_not_on_another_vote() {
    ChangeRef a = approved("core", "A");
    finishGate(a, new JobOutcome.Failed(1));
    assertThat(gateReports()).containsExactly("gate-failed A");
    store.transaction(
        tx ->
            tx.inbox()
                .add(
                    new TriggerEvent.ApprovalsChanged(
                        "review",
                        "core",
                        "main",
                        "A",
                        "1",
                        a.commit(),
                        Map.of("Code-Review", 2, "Verified", 1),
                        "another-vote"),
                    clock.instant()));
    step();
    assertThat(gateBuilds(a)).as("a vote alone does not re-enter a change that failed").hasSize(1);
    store.transaction(
        tx ->
            tx.inbox()
                .add(
                    new TriggerEvent.Recheck(
                        "review",
                        "core",
                        "main",
                        "A",
                        "1",
                        a.commit(),
                        "refs/changes/A/1",
                        "dev",
                        "m1"),
                    clock.instant()));
    step();
    passCheck(a);
    assertThat(gateBuilds(a)).as("the recheck passed while +2 stands").hasSize(2);
    finishGate(a, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).containsExactly(a);
  }

  @Test
  void a_refused_submit_retests_its_own_queue_only() {
    ChangeRef a = approved("one", "A");
    ChangeRef b = approved("one", "B");
    ChangeRef x = approved("two", "X");
    finishGate(b, new JobOutcome.Succeeded());
    gate.refuseSubmit(true);
    finishGate(x, new JobOutcome.Succeeded());
    assertThat(gateBuilds(b))
        .as("queue 'one' is untouched")
        .extracting(Build::status)
        .containsExactly(BuildStatus.SUCCESS);
    finishGate(a, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).containsExactly(a, b);
  }

  @Test
  void a_change_enters_the_gate_only_with_the_approval_and_a_passed_check() {
    ChangeRef a = uploaded("core", "A", "1");
    approve(a);
    assertThat(gateBuilds(a)).as("the check has not passed yet").isEmpty();
    passCheck(a);
    assertThat(gateBuilds(a))
        .as("it enters by itself once the check passes while +2 stands")
        .hasSize(1);
    ChangeRef b = uploaded("core", "B", "1");
    passCheck(b);
    store.transaction(
        tx ->
            tx.inbox()
                .add(
                    new TriggerEvent.ApprovalsChanged(
                        "review",
                        "core",
                        "main",
                        "B",
                        "1",
                        b.commit(),
                        Map.of("Code-Review", 1),
                        "x"),
                    clock.instant()));
    step();
    assertThat(gateBuilds(b)).as("+1 is not enough").isEmpty();
  }

  @Test
  void a_merge_conflict_is_reported_at_once_and_leaves_the_queue() {
    gate.conflicts("B");
    ChangeRef a = approved("core", "A");
    ChangeRef b = approved("core", "B");
    assertThat(gateBuilds(b))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.status()).isEqualTo(BuildStatus.MERGE_CONFLICT);
              assertThat(x.detail()).contains("conflicts in shared.txt");
            });
    assertThat(gateReports()).as("a conflict is reported at once").containsExactly("gate-failed B");
    finishGate(a, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).containsExactly(a);
  }

  @Test
  void a_new_patch_set_dequeues_the_change_and_retests_those_behind() {
    ChangeRef a = approved("core", "A");
    ChangeRef b = approved("core", "B");
    uploaded("core", "A", "2");
    assertThat(gateBuilds(a))
        .singleElement()
        .extracting(Build::status)
        .isEqualTo(BuildStatus.DEQUEUED);
    assertThat(gateBuilds(b))
        .extracting(Build::status)
        .containsExactly(BuildStatus.CANCELLED, BuildStatus.RUNNING);
    assertThat(gate.merges().getLast()).containsExactly(b);
  }

  @Test
  void projects_sharing_a_queue_are_tested_together() {
    ChangeRef core = approved("core", "A");
    ChangeRef ext = approved("ext", "B");
    assertThat(gate.merges().getLast()).containsExactly(core, ext);
    finishGate(ext, new JobOutcome.Succeeded());
    finishGate(core, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).containsExactly(core, ext);
  }

  @Test
  void a_refused_submit_retests_the_whole_queue() {
    ChangeRef a = approved("core", "A");
    gate.refuseSubmit(true);
    finishGate(a, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).isEmpty();
    assertThat(gateBuilds(a))
        .extracting(Build::status)
        .containsExactly(BuildStatus.SUCCESS, BuildStatus.RUNNING);
    finishGate(a, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).containsExactly(a);
  }

  @Test
  void admins_dequeue_promote_and_enqueue_changes() {
    ChangeRef a = approved("core", "A");
    ChangeRef b = approved("core", "B");
    assertThat(scheduler.promote("review", "core", "B", "admin").code()).isEqualTo(200);
    step(); // the server's loop steps after every command: the merges of the new order are recorded
    assertThat(gate.merges().getLast()).containsExactly(b, a);
    assertThat(scheduler.dequeue("review", "core", "A", "admin").code()).isEqualTo(200);
    assertThat(latest(a, PipelineName.GATE).status()).isEqualTo(BuildStatus.DEQUEUED);
    assertThat(latest(a, PipelineName.GATE).detail()).isEqualTo("dequeued by admin");
    assertThat(scheduler.dequeue("review", "core", "A", "admin").code()).isEqualTo(404);
    assertThat(scheduler.enqueue("review", "core", "A", "admin").code()).isEqualTo(202);
    assertThat(gate.merges().getLast()).containsExactly(b, a);
    assertThat(scheduler.enqueue("review", "core", "Z", "admin").code()).isEqualTo(409);
    assertThat(scheduler.promote("review", "core", "Z", "admin").code()).isEqualTo(404);
  }

  @Test
  void after_a_restart_the_queue_is_rebuilt_in_order_and_tested_again() {
    ChangeRef a = approved("core", "A");
    ChangeRef b = approved("core", "B");
    scheduler = newScheduler(executor);
    step();
    assertThat(gateBuilds(a))
        .extracting(Build::status)
        .containsExactly(BuildStatus.CANCELLED, BuildStatus.RUNNING);
    assertThat(gateBuilds(a).getFirst().detail()).contains("server restarted");
    assertThat(latest(a, PipelineName.GATE).ref()).isEqualTo("refs/heads/main");
    assertThat(gate.merges().getLast()).containsExactly(a, b);
    finishGate(b, new JobOutcome.Succeeded());
    finishGate(a, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).containsExactly(a, b);
  }

  @Test
  void after_a_restart_passed_failing_and_waiting_items_are_still_queued_in_order() {
    ChangeRef a = approved("core", "A");
    ChangeRef b = approved("core", "B");
    ChangeRef c = approved("ext", "C");
    finishGate(b, new JobOutcome.Succeeded());
    finishGate(c, new JobOutcome.Failed(1));
    scheduler = newScheduler(executor);
    step();
    assertThat(gate.merges().getLast()).containsExactly(a, b, c);
    finishGate(a, new JobOutcome.Succeeded());
    finishGate(b, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).containsExactly(a, b);
    finishGate(c, new JobOutcome.Failed(1));
    assertThat(gate.submitted()).containsExactly(a, b);
    assertThat(gateReports()).containsExactly("gate-merged A", "gate-merged B", "gate-failed C");
  }

  @Test
  void after_a_restart_items_beyond_the_window_are_still_queued() {
    scheduler = newScheduler(executor, GateQueue.MIN_WINDOW);
    List<ChangeRef> inWindow =
        List.of(approved("core", "A"), approved("core", "B"), approved("core", "C"));
    ChangeRef d = approved("core", "D");
    assertThat(gateBuilds(d)).isEmpty();
    scheduler = newScheduler(executor, GateQueue.MIN_WINDOW);
    step();
    assertThat(gateBuilds(d)).isEmpty();
    for (ChangeRef c : inWindow) {
      finishGate(c, new JobOutcome.Succeeded());
    }
    finishGate(d, new JobOutcome.Succeeded());
    assertThat(gate.submitted())
        .containsExactly(inWindow.get(0), inWindow.get(1), inWindow.get(2), d);
  }

  @Test
  void after_a_restart_a_rejected_patch_set_stays_out_and_earlier_approvals_still_count() {
    ChangeRef d = approved("core", "D");
    finishGate(d, new JobOutcome.Failed(1));
    ChangeRef e = uploaded("core", "E", "1");
    approve(e);
    assertThat(gateBuilds(e)).isEmpty();
    scheduler = newScheduler(executor);
    step();
    approve(d);
    assertThat(gateBuilds(d)).hasSize(1);
    passCheck(e);
    assertThat(latest(e, PipelineName.GATE).status()).isEqualTo(BuildStatus.RUNNING);
  }

  @Test
  void a_submit_refused_again_and_again_fails_the_change_instead_of_retesting_forever() {
    ChangeRef a = approved("core", "A");
    ChangeRef b = approved("core", "B");
    gate.refuseSubmits(1000);
    for (int i = 0; i < 3; i++) {
      finishGate(b, new JobOutcome.Succeeded());
      finishGate(a, new JobOutcome.Succeeded());
    }
    assertThat(gate.submitted()).isEmpty();
    assertThat(gateReports()).containsExactly("gate-failed A");
    assertThat(builds())
        .filteredOn(x -> x.job().isEmpty())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.status()).isEqualTo(BuildStatus.ERROR);
              assertThat(x.detail())
                  .contains("refused to submit the change 3 times", "the branch moved");
            });
    gate.refuseSubmits(0);
    finishGate(b, new JobOutcome.Succeeded());
    assertThat(gate.submitted()).containsExactly(b);
  }

  @Test
  void the_window_grows_with_each_merge_and_halves_on_a_failure() {
    scheduler = newScheduler(executor, 4);
    List<ChangeRef> cs = new java.util.ArrayList<>();
    for (String c : List.of("A", "B", "C", "D", "E", "F", "G", "H")) {
      cs.add(approved("core", c));
    }
    assertThat(window()).isEqualTo(4);
    assertThat(cs).filteredOn(c -> !gateBuilds(c).isEmpty()).hasSize(4);
    finishGate(cs.get(0), new JobOutcome.Succeeded());
    assertThat(window()).as("one merge widens the window").isEqualTo(5);
    assertThat(cs.subList(1, 8)).filteredOn(c -> !gateBuilds(c).isEmpty()).hasSize(5);
    finishGate(cs.get(1), new JobOutcome.Failed(1));
    assertThat(window())
        .as("a failure at the head halves it, never below the minimum")
        .isEqualTo(GateQueue.MIN_WINDOW);
    assertThat(
            cs.subList(2, 8).stream()
                .filter(
                    c -> gateBuilds(c).stream().anyMatch(b -> b.status() == BuildStatus.RUNNING))
                .toList())
        .hasSize(GateQueue.MIN_WINDOW);
  }

  int window() {
    return (Integer) scheduler.gateStatus().getFirst().get("window");
  }
}
