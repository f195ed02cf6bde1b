package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.effect.ConnectionHealth;
import org.seakeeper.core.effect.EffectPorts;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.GateSettings;
import org.seakeeper.core.model.Cron;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.RepoRef;
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
import org.seakeeper.testkit.HeldCalls;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;
import org.seakeeper.testkit.ManualClock;
import org.seakeeper.testkit.RecordingReporter;

/**
 * Decide, then act: a review system that hangs or fails holds back only its own work, and an outage
 * is retried until it passes, never turned into a verdict on a change. Fakes and the stepped
 * scheduler; the same fault classes run against a real Gerrit in the app's end-to-end tests.
 */
class OutageScenarioTest {
  static final String YAML =
      "jobs:\n"
          + "  test: {run: make test}\n"
          + "pipelines:\n"
          + "  check: [test]\n"
          + "  gate: [test]\n"
          + "  post: [test]\n";

  final InMemoryStore store = new InMemoryStore();
  final FakeRepos repos = new FakeRepos();
  final FakeExecutor executor = new FakeExecutor().hold();
  final FakeGate gate = new FakeGate(repos);
  final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));
  final RecordingReporter reporter = new RecordingReporter();
  final HeldCalls calls = new HeldCalls();
  final List<String> incidents = new ArrayList<>();
  final EffectPorts effects =
      EffectPorts.inline()
          .withCalls(calls)
          .withIncidents(
              (c, what, e, outage) -> {
                synchronized (incidents) {
                  incidents.add((outage ? "outage " : "bug ") + c + ": " + what);
                }
              });
  final Scheduler scheduler;

  OutageScenarioTest() {
    SchedulerSettings settings =
        new SchedulerSettings(
            Map.of(Tier.UNTRUSTED, 10, Tier.TRUSTED, 10, Tier.PRIVILEGED, 1),
            TrustedContext.offlineDefaults(),
            Glob.of("v*"),
            Cron.DAILY_0300,
            List.of(new RepoRef("local", "demo")));
    GateSettings gs = new GateSettings(Map.of("Code-Review", 2), Map.of(), 20);
    scheduler =
        new Scheduler(
            new SchedulerPorts(
                    store, repos, executor, new InMemoryLogStore(), reporter, SchedulerMetrics.NONE)
                .withEffects(effects),
            gate.ports(),
            gs,
            settings,
            clock,
            () -> {});
    scheduler.recover();
  }

  void step() {
    scheduler.runUntilIdle();
  }

  /** Lets every backoff pass (the longest is a minute), then steps. */
  void later() {
    clock.advance(Duration.ofMinutes(2));
    step();
  }

  List<Build> builds() {
    return store.queries().list(BuildQuery.latest(1000)).reversed();
  }

  List<Build> of(String change, PipelineName p) {
    return builds().stream()
        .filter(b -> b.pipeline() == p && b.change().equals(Optional.of(change)))
        .toList();
  }

  ChangeRef upload(String change) {
    String sha = repos.commitConfig("review", "core", "refs/changes/" + change + "/1", YAML);
    store.transaction(
        tx ->
            tx.inbox()
                .add(
                    new TriggerEvent.ChangeProposed(
                        "review",
                        "core",
                        "main",
                        change,
                        "1",
                        sha,
                        "refs/changes/" + change + "/1"),
                    clock.instant()));
    step();
    return new ChangeRef("review", "core", "main", change, "1", sha);
  }

  Build pushLocal() {
    String sha = repos.commitConfig("local", "demo", "refs/heads/main", YAML);
    store.transaction(
        tx ->
            tx.inbox()
                .add(
                    new TriggerEvent.RefUpdated("local", "demo", "refs/heads/main", "0", sha, sha),
                    clock.instant()));
    step();
    return builds().stream()
        .filter(b -> b.connection().equals("local"))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("the local push was not built: " + builds()));
  }

  void release(List<Build> bs, JobOutcome o) {
    bs.stream()
        .filter(b -> b.status() == BuildStatus.RUNNING)
        .forEach(b -> executor.releaseId("b" + b.id(), o));
    step();
  }

  ChangeRef approved(String change) {
    ChangeRef c = upload(change);
    release(of(change, PipelineName.CHECK), new JobOutcome.Succeeded());
    store.transaction(
        tx ->
            tx.inbox()
                .add(
                    new TriggerEvent.ApprovalsChanged(
                        "review",
                        "core",
                        "main",
                        change,
                        "1",
                        c.commit(),
                        Map.of("Code-Review", 2),
                        "a-" + change),
                    clock.instant()));
    step();
    return c;
  }

  List<String> verdicts(String change) {
    return reporter.reports().stream()
        .filter(r -> r.buildset().change().equals(Optional.of(change)))
        .map(r -> r.entry().kind() + " " + r.buildset().pipeline().id())
        .toList();
  }

  @Test
  void
      a_hung_review_system_holds_back_only_its_own_events_and_its_change_is_built_once_it_answers() {
    calls.hold("review");
    upload("A");
    assertThat(calls.waiting()).isEqualTo(1);
    assertThat(pushLocal().pipeline())
        .as("a local push is built while the review system hangs")
        .isEqualTo(PipelineName.POST);
    assertThat(of("A", PipelineName.CHECK)).isEmpty();
    calls.release("review");
    step();
    assertThat(of("A", PipelineName.CHECK))
        .singleElement()
        .extracting(Build::status)
        .isEqualTo(BuildStatus.RUNNING);
    release(of("A", PipelineName.CHECK), new JobOutcome.Succeeded());
    assertThat(verdicts("A")).containsExactly("buildset-finished check");
  }

  @Test
  void a_call_that_times_out_is_an_outage_retried_with_backoff_never_a_verdict() {
    calls.hold("review");
    upload("A");
    calls.timeOut("review");
    step();
    assertThat(of("A", PipelineName.CHECK))
        .as("no build and no verdict while it cannot be read")
        .isEmpty();
    assertThat(effects.health().of("review").orElseThrow().state())
        .isEqualTo(ConnectionHealth.State.DEGRADED);
    assertThat(incidents).anyMatch(i -> i.startsWith("outage review: prepare event"));
    calls.release("review");
    step();
    assertThat(of("A", PipelineName.CHECK)).as("not before the backoff").isEmpty();
    later();
    assertThat(of("A", PipelineName.CHECK))
        .singleElement()
        .extracting(Build::status)
        .isEqualTo(BuildStatus.RUNNING);
    assertThat(effects.health().of("review").orElseThrow().state())
        .isEqualTo(ConnectionHealth.State.UP);
  }

  @Test
  void reads_refused_again_and_again_mark_the_connection_down_and_the_change_waits_in_order() {
    repos.down("review", true);
    upload("A");
    upload("B");
    for (int i = 0; i < 4; i++) {
      later();
    }
    assertThat(builds()).isEmpty();
    assertThat(effects.health().of("review").orElseThrow().state())
        .isEqualTo(ConnectionHealth.State.DOWN);
    assertThat(pushLocal().status()).isEqualTo(BuildStatus.RUNNING);
    repos.down("review", false);
    later();
    assertThat(of("A", PipelineName.CHECK)).hasSize(1);
    assertThat(of("B", PipelineName.CHECK)).hasSize(1);
    assertThat(of("A", PipelineName.CHECK).getFirst().id())
        .as("in the order they arrived")
        .isLessThan(of("B", PipelineName.CHECK).getFirst().id());
  }

  @Test
  void
      a_review_system_down_when_the_gate_passes_merges_the_change_once_it_is_back_with_one_gate_verdict() {
    ChangeRef a = approved("A");
    gate.submitOutages(3);
    release(of("A", PipelineName.GATE), new JobOutcome.Succeeded());
    assertThat(gate.submitted()).isEmpty();
    later();
    later();
    assertThat(gate.submitAttempts()).isEqualTo(3);
    assertThat(gate.submitted()).isEmpty();
    assertThat(of("A", PipelineName.GATE))
        .extracting(Build::status)
        .as("the change keeps its place and its passed run")
        .containsExactly(BuildStatus.SUCCESS);
    later();
    assertThat(gate.submitted()).containsExactly(a);
    later();
    assertThat(gate.submitted()).as("merged once").containsExactly(a);
    assertThat(verdicts("A"))
        .filteredOn(v -> v.endsWith("gate") && !v.startsWith(OutboxKind.BUILDSET_FINISHED.id()))
        .containsExactly("gate-merged gate");
    List<org.seakeeper.core.store.Outbox.PendingCount> left =
        store.transaction(tx -> tx.outbox().pendingCounts());
    assertThat(left).as("no effect left in the outbox").isEmpty();
  }

  @Test
  void a_merge_that_meets_an_outage_is_retried_and_never_becomes_a_merge_conflict() {
    gate.mergeOutages(2);
    approved("A");
    assertThat(of("A", PipelineName.GATE)).isEmpty();
    later();
    assertThat(of("A", PipelineName.GATE)).isEmpty();
    later();
    assertThat(of("A", PipelineName.GATE))
        .singleElement()
        .extracting(Build::status)
        .isEqualTo(BuildStatus.RUNNING);
    assertThat(builds()).noneMatch(b -> b.status() == BuildStatus.MERGE_CONFLICT);
    assertThat(incidents).anyMatch(i -> i.startsWith("outage review: speculative merge"));
  }

  @Test
  void
      a_real_conflict_is_still_a_merge_conflict_at_once_and_a_refused_submit_still_fails_the_change() {
    gate.conflicts("B");
    approved("A");
    approved("B");
    assertThat(of("B", PipelineName.GATE))
        .singleElement()
        .extracting(Build::status)
        .isEqualTo(BuildStatus.MERGE_CONFLICT);
    gate.refuseEverySubmit(true);
    release(of("A", PipelineName.GATE), new JobOutcome.Succeeded());
    for (int i = 0; i < 4; i++) {
      release(of("A", PipelineName.GATE), new JobOutcome.Succeeded());
    }
    assertThat(gate.submitted()).isEmpty();
    assertThat(verdicts("A")).contains("gate-failed gate");
  }

  @Test
  void a_report_that_meets_an_outage_is_posted_once_after_the_backoff() {
    reporter.down(true);
    upload("A");
    release(of("A", PipelineName.CHECK), new JobOutcome.Succeeded());
    assertThat(reporter.reports()).isEmpty();
    reporter.down(false);
    later();
    later();
    assertThat(verdicts("A")).containsExactly("buildset-finished check");
  }

  @Test
  void a_build_whose_checkout_meets_an_outage_stays_queued_and_starts_after_the_backoff() {
    String yaml = "jobs:\n  a: {run: x}\n  b: {run: y, needs: [a]}\npipelines:\n  check: [a, b]\n";
    String sha = repos.commitConfig("review", "core", "refs/changes/C/1", yaml);
    store.transaction(
        tx ->
            tx.inbox()
                .add(
                    new TriggerEvent.ChangeProposed(
                        "review", "core", "main", "C", "1", sha, "refs/changes/C/1"),
                    clock.instant()));
    step();
    repos.down("review", true);
    release(of("C", PipelineName.CHECK), new JobOutcome.Succeeded());
    Build b =
        of("C", PipelineName.CHECK).stream()
            .filter(x -> x.job().equals(Optional.of("b")))
            .findFirst()
            .orElseThrow();
    assertThat(b.status())
        .as("not an error: it waits for the repository")
        .isEqualTo(BuildStatus.QUEUED);
    assertThat(b.startedAt()).isEmpty();
    repos.down("review", false);
    later();
    assertThat(of("C", PipelineName.CHECK))
        .extracting(Build::status)
        .containsExactly(BuildStatus.SUCCESS, BuildStatus.RUNNING);
  }

  @Test
  void a_backlog_behind_a_hung_review_system_does_not_starve_other_connections() {
    calls.hold("review");
    String sha = repos.commitConfig("review", "core", "refs/changes/X/1", YAML);
    store.transaction(
        tx -> {
          for (int i = 0; i <= Scheduler.EVENT_WINDOW; i++) {
            tx.inbox()
                .add(
                    new TriggerEvent.ChangeProposed(
                        "review", "core", "main", "X" + i, "1", sha, "refs/changes/X" + i + "/1"),
                    clock.instant());
          }
          return null;
        });
    step();
    assertThat(pushLocal().pipeline()).isEqualTo(PipelineName.POST);
    assertThat(calls.waiting())
        .as("at most a few preparations of one connection at once")
        .isLessThanOrEqualTo(4);
  }

  @Test
  void
      an_event_whose_preparation_keeps_failing_is_given_up_with_a_clear_error_and_its_connection_goes_on() {
    String sha = repos.commitConfig("review", "core", "refs/changes/P/1", YAML);
    repos.poison(sha);
    store.transaction(
        tx ->
            tx.inbox()
                .add(
                    new TriggerEvent.ChangeProposed(
                        "review", "core", "main", "P", "1", sha, "refs/changes/P/1"),
                    clock.instant()));
    step();
    later();
    later();
    assertThat(of("P", PipelineName.CHECK))
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.status()).isEqualTo(BuildStatus.ERROR);
              assertThat(b.detail())
                  .contains("could not be processed (3 attempts)")
                  .contains("OutOfMemoryError");
            });
    assertThat(incidents)
        .anyMatch(i -> i.startsWith("bug review: prepare event") && i.contains("given up"));
    upload("Q");
    assertThat(of("Q", PipelineName.CHECK))
        .as("later events of the connection go on")
        .singleElement()
        .extracting(Build::status)
        .isEqualTo(BuildStatus.RUNNING);
  }
}
