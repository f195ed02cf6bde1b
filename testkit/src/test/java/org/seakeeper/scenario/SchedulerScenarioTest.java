package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.store.OutboxKind;

/** Whole scheduler scenarios on fakes, stepped with runUntilIdle (no sleeps, no threads). */
class SchedulerScenarioTest {
  static final String DAG =
      """
      jobs:
        build: {run: make}
        test: {run: make test, needs: [build]}
        lint: {run: make lint}
        flaky: {run: make flaky, retries: 1}
      pipelines:
        check: [build, test, lint]
        post: [build, test, flaky]
      """;

  @Test
  void a_push_runs_post_in_dag_order_and_reports_once() {
    Harness h = new Harness();
    h.push("main", DAG);
    h.step();
    assertThat(h.executor.heldJobs()).containsExactlyInAnyOrder("build", "flaky");
    assertThat(h.status("test")).isEqualTo(BuildStatus.QUEUED);
    assertThat(h.build("build").tier()).isEqualTo(Tier.TRUSTED);
    h.executor.release("build", new JobOutcome.Succeeded());
    h.step();
    assertThat(h.status("build")).isEqualTo(BuildStatus.SUCCESS);
    assertThat(h.executor.heldJobs()).containsExactlyInAnyOrder("flaky", "test");
    h.executor.release("test", new JobOutcome.Succeeded());
    h.executor.release("flaky", new JobOutcome.Succeeded());
    h.step();
    assertThat(h.builds()).extracting(Build::status).containsOnly(BuildStatus.SUCCESS);
    assertThat(h.reporter.reports()).hasSize(1);
    h.step();
    assertThat(h.reporter.reports()).hasSize(1);
    assertThat(h.builds()).allSatisfy(b -> assertThat(b.finishedAt()).isPresent());
  }

  @Test
  void a_failed_need_skips_its_dependents() {
    Harness h = new Harness();
    h.upload("I1", "1", DAG);
    h.step();
    h.executor.release("build", new JobOutcome.Failed(2));
    h.step();
    assertThat(h.status("build")).isEqualTo(BuildStatus.FAILURE);
    assertThat(h.build("build").detail()).isEqualTo("exit 2");
    assertThat(h.status("test")).isEqualTo(BuildStatus.SKIPPED);
    assertThat(h.build("test").detail()).contains("needs 'build', which ended failure");
    assertThat(h.build("build").tier()).isEqualTo(Tier.UNTRUSTED);
  }

  @Test
  void a_new_patch_set_cancels_the_older_ones_queued_and_running_builds() {
    Harness h = new Harness(1);
    h.upload("I7", "1", DAG);
    h.step();
    assertThat(h.executor.heldJobs()).containsExactly("build");
    h.upload("I7", "2", DAG);
    h.step();
    var ps1 = h.builds().stream().filter(b -> b.patchset().equals(Optional.of("1"))).toList();
    assertThat(ps1).extracting(Build::status).containsOnly(BuildStatus.CANCELLED);
    assertThat(ps1).allSatisfy(b -> assertThat(b.detail()).isEqualTo("superseded by patch set 2"));
    var ps2 = h.builds().stream().filter(b -> b.patchset().equals(Optional.of("2"))).toList();
    assertThat(ps2).extracting(Build::status).contains(BuildStatus.RUNNING);
    assertThat(h.executor.heldJobs()).containsExactly("build");
  }

  @Test
  void a_timeout_is_recorded_as_timed_out_and_not_retried() {
    Harness h = new Harness();
    h.push("main", DAG);
    h.step();
    h.executor.release("flaky", new JobOutcome.TimedOut(Duration.ofMinutes(1)));
    h.step();
    assertThat(h.attempts("flaky"))
        .singleElement()
        .extracting(Build::status)
        .isEqualTo(BuildStatus.TIMED_OUT);
  }

  @Test
  void infrastructure_errors_are_retried_up_to_the_jobs_retries_and_test_failures_never() {
    Harness h = new Harness();
    h.push("main", DAG);
    h.step();
    h.executor.release("flaky", new JobOutcome.InfraError("sandbox broke"));
    h.step();
    assertThat(h.attempts("flaky"))
        .extracting(Build::status)
        .containsExactly(BuildStatus.ERROR, BuildStatus.RUNNING);
    assertThat(h.build("flaky").attempt()).isEqualTo(2);
    h.executor.release("flaky", new JobOutcome.InfraError("sandbox broke again"));
    h.step();
    assertThat(h.attempts("flaky"))
        .extracting(Build::status)
        .containsExactly(BuildStatus.ERROR, BuildStatus.ERROR);
    h.executor.release("build", new JobOutcome.Failed(1));
    h.step();
    assertThat(h.attempts("build"))
        .singleElement()
        .extracting(Build::status)
        .isEqualTo(BuildStatus.FAILURE);
  }

  @Test
  void cancel_and_retry_commands() {
    Harness h = new Harness();
    h.push("main", DAG);
    h.step();
    Build test = h.build("test");
    assertThat(h.scheduler.cancel(test.id(), "admin").code()).isEqualTo(200);
    assertThat(h.scheduler.cancel(test.id(), "admin").code()).isEqualTo(409);
    assertThat(h.scheduler.cancel(9999, "admin").code()).isEqualTo(404);
    Build running = h.build("build");
    assertThat(h.scheduler.cancel(running.id(), "admin").ok()).isTrue();
    h.step();
    assertThat(h.status("build")).isEqualTo(BuildStatus.CANCELLED);
    var retry = h.scheduler.retry(running.id(), "admin");
    assertThat(retry.code()).isEqualTo(202);
    assertThat(h.scheduler.retry(running.id(), "admin").code()).isEqualTo(409);
    h.step();
    assertThat(h.build("build").attempt()).isEqualTo(2);
    assertThat(h.executor.heldJobs()).contains("build");
  }

  @Test
  void manual_triggers_accept_only_refs_that_fit_the_pipeline() {
    Harness h = new Harness();
    h.repos.commitConfig("local", "demo", "refs/heads/main", DAG);
    assertThat(
            h.scheduler.trigger("local", "demo", PipelineName.POST, "refs/tags/v1", "admin").code())
        .isEqualTo(422);
    assertThat(
            h.scheduler
                .trigger("local", "demo", PipelineName.RELEASE, "refs/tags/nightly", "admin")
                .code())
        .isEqualTo(422);
    assertThat(
            h.scheduler
                .trigger("local", "demo", PipelineName.POST, "refs/heads/nope", "admin")
                .code())
        .isEqualTo(404);
    assertThat(
            h.scheduler
                .trigger("local", "demo", PipelineName.POST, "refs/heads/main", "admin")
                .code())
        .isEqualTo(202);
    h.step();
    assertThat(h.builds()).extracting(Build::pipeline).containsOnly(PipelineName.POST).hasSize(3);
  }

  @Test
  void periodic_runs_once_per_slot_with_a_manual_clock() {
    Harness h = new Harness();
    h.repos.commitConfig(
        "local",
        "demo",
        "refs/heads/main",
        "jobs:\n  nightly: {run: x}\npipelines:\n  periodic: [nightly]\n");
    h.step();
    assertThat(h.builds()).isEmpty();
    h.clock.advance(Duration.ofHours(17));
    h.step();
    assertThat(h.builds())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.pipeline()).isEqualTo(PipelineName.PERIODIC);
              assertThat(b.ref()).isEqualTo("refs/heads/main");
            });
    h.clock.advance(Duration.ofHours(1));
    h.step();
    assertThat(h.builds()).hasSize(1);
    h.clock.advance(Duration.ofDays(1));
    h.step();
    assertThat(h.builds()).hasSize(2);
  }

  @Test
  void config_errors_are_recorded_without_a_job_and_reported() {
    Harness h = new Harness();
    h.upload("I9", "1", "jobs:\n  a: {run: x, needz: [b]}\npipelines: {check: [a]}\n");
    h.step();
    assertThat(h.builds())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.status()).isEqualTo(BuildStatus.CONFIG_ERROR);
              assertThat(b.job()).isEmpty();
              assertThat(b.detail()).contains(".seakeeper.yaml:2:15: error: unknown key 'needz'");
            });
    assertThat(h.reporter.reports()).hasSize(1);
  }

  @Test
  void duplicate_events_are_processed_once_and_repos_without_config_run_nothing() {
    Harness h = new Harness();
    String sha =
        h.repos.commit("local", "demo", "refs/heads/main", java.util.Map.of("README", "hi"));
    var e = new TriggerEvent.RefUpdated("local", "demo", "refs/heads/main", "0", sha, "1");
    assertThat(h.event(e)).isTrue();
    assertThat(h.event(e)).isFalse();
    h.step();
    assertThat(h.builds()).isEmpty();
    java.util.List<org.seakeeper.core.event.EventRecord> left =
        h.store.transaction(tx -> tx.inbox().unprocessed(10));
    assertThat(left).isEmpty();
  }

  @Test
  void
      a_reporter_that_asks_hears_once_per_buildset_when_its_first_build_starts_even_across_a_crash() {
    String yaml =
        "jobs:\n"
            + "  a: {run: \"true\"}\n"
            + "  b: {run: \"true\", needs: [a]}\n"
            + "pipelines:\n"
            + "  check: [a, b]\n";
    Harness h = new Harness();
    h.reporter.reportStart(true);
    h.upload("I1", "1", yaml);
    h.step();
    assertThat(kinds(h, "I1")).containsExactly(OutboxKind.BUILDSET_STARTED);
    h.executor.release("a", new JobOutcome.Succeeded());
    h.step();
    h.executor.release("b", new JobOutcome.Succeeded());
    h.step();
    assertThat(kinds(h, "I1"))
        .containsExactly(OutboxKind.BUILDSET_STARTED, OutboxKind.BUILDSET_FINISHED);
    h.upload("I2", "1", yaml);
    h.step();
    h.restart();
    h.step();
    assertThat(h.builds())
        .filteredOn(b -> b.change().equals(Optional.of("I2")) && b.job().equals(Optional.of("a")))
        .extracting(Build::attempt)
        .containsExactly(1, 2);
    assertThat(kinds(h, "I2"))
        .as("a recovered attempt is not a new start")
        .containsExactly(OutboxKind.BUILDSET_STARTED);
    h.reporter.reportStart(false);
    h.upload("I3", "1", yaml);
    h.step();
    assertThat(kinds(h, "I3")).isEmpty();
  }

  private static List<OutboxKind> kinds(Harness h, String change) {
    return h.reporter.reports().stream()
        .filter(r -> r.buildset().change().equals(Optional.of(change)))
        .map(r -> r.entry().kind())
        .toList();
  }

  @Test
  void after_a_crash_running_builds_are_interrupted_and_retried_and_finished_ones_are_not_rerun() {
    Harness h = new Harness();
    h.push("main", DAG);
    h.step();
    h.executor.release("flaky", new JobOutcome.Succeeded());
    h.step();
    h.restart();
    h.step();
    assertThat(h.attempts("build"))
        .extracting(Build::status, Build::attempt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(BuildStatus.INTERRUPTED, 1),
            org.assertj.core.groups.Tuple.tuple(BuildStatus.RUNNING, 2));
    assertThat(h.attempts("flaky"))
        .singleElement()
        .extracting(Build::status)
        .isEqualTo(BuildStatus.SUCCESS);
    assertThat(h.builds()).noneMatch(b -> b.status() == BuildStatus.RUNNING && b.attempt() == 1);
  }

  @Test
  void a_result_is_reported_after_the_reporter_comes_back_and_only_once() {
    Harness h = new Harness();
    h.reporter.down(true);
    h.upload("I3", "1", "jobs:\n  a: {run: x}\npipelines: {check: [a]}\n");
    h.step();
    h.executor.release("a", new JobOutcome.Succeeded());
    h.step();
    assertThat(h.reporter.reports()).isEmpty();
    h.reporter.down(false);
    h.step();
    assertThat(h.reporter.reports()).as("tried again only after the backoff").isEmpty();
    h.clock.advance(java.time.Duration.ofMinutes(2));
    h.step();
    assertThat(h.reporter.reports()).hasSize(1);
    h.restart();
    h.step();
    assertThat(h.reporter.reports()).hasSize(1);
  }

  @Test
  void tags_matching_the_release_pattern_start_release_in_the_privileged_tier() {
    Harness h = new Harness();
    String sha =
        h.repos.commitConfig(
            "local",
            "demo",
            "refs/tags/v1.0",
            "jobs:\n  ship: {run: x}\npipelines: {release: [ship]}\n");
    h.event(new TriggerEvent.RefUpdated("local", "demo", "refs/tags/v1.0", "0", sha, "t1"));
    h.event(new TriggerEvent.RefUpdated("local", "demo", "refs/tags/nightly", "0", sha, "t2"));
    h.step();
    assertThat(h.builds())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.pipeline()).isEqualTo(PipelineName.RELEASE);
              assertThat(b.tier()).isEqualTo(Tier.PRIVILEGED);
            });
  }

  @Test
  void recheck_runs_check_again_and_abandon_cancels_the_changes_builds() {
    Harness h = new Harness();
    String sha = h.upload("I5", "1", "jobs:\n  a: {run: x}\npipelines: {check: [a]}\n");
    h.step();
    h.executor.release("a", new JobOutcome.Failed(1));
    h.step();
    h.event(
        new TriggerEvent.Recheck(
            "local", "demo", "main", "I5", "1", sha, "refs/for/main", "jane", "c1"));
    h.event(
        new TriggerEvent.Recheck(
            "local", "demo", "main", "I5", "1", sha, "refs/for/main", "jane", "c1"));
    h.step();
    assertThat(h.attempts("a"))
        .extracting(Build::status)
        .containsExactly(BuildStatus.FAILURE, BuildStatus.RUNNING);
    h.event(new TriggerEvent.ChangeAbandoned("local", "demo", "I5", "x"));
    h.step();
    assertThat(h.status("a")).isEqualTo(BuildStatus.CANCELLED);
    assertThat(h.build("a").detail()).isEqualTo("change abandoned");
  }

  @Test
  void
      an_embargoed_change_runs_release_in_the_privileged_tier_with_its_own_config_hidden_from_the_public_view() {
    Harness h = new Harness();
    h.push("main", DAG); // post of the public branch: trusted
    String fix =
        h.repos.commitConfig(
            TriggerEvent.EMBARGOED,
            "demo",
            "refs/embargoed/e1",
            """
            jobs:
              build: {run: make}
              cve-test: {run: make cve-test, needs: [build]}
            pipelines:
              release: [build, cve-test]
            """);
    long eventId =
        h.store.transaction(
            tx -> {
              var rec =
                  tx.inbox()
                      .add(
                          new TriggerEvent.Embargoed(
                              TriggerEvent.EMBARGOED,
                              "demo",
                              "local",
                              "refs/heads/main",
                              fix,
                              "e1",
                              "admin"),
                          h.clock.instant())
                      .orElseThrow();
              tx.embargoes()
                  .add(
                      new org.seakeeper.core.store.Embargo(
                          "e1",
                          rec.id(),
                          "local",
                          "demo",
                          "refs/heads/main",
                          "ba5e",
                          fix,
                          "admin",
                          h.clock.instant(),
                          Optional.empty()));
              return rec.id();
            });
    h.step();
    Build cve = h.build("cve-test");
    assertThat(cve.pipeline()).isEqualTo(PipelineName.RELEASE);
    assertThat(cve.tier()).isEqualTo(Tier.PRIVILEGED);
    assertThat(cve.connection()).isEqualTo(TriggerEvent.EMBARGOED);
    assertThat(cve.ref()).isEqualTo("refs/embargoed/e1");
    assertThat(h.store.queries().buildset(cve.buildsetId()).orElseThrow().eventId())
        .isEqualTo(eventId);
    h.executor.release("build", new JobOutcome.Succeeded());
    h.step();
    h.executor.release("build", new JobOutcome.Succeeded());
    h.step();
    assertThat(h.executor.started())
        .filteredOn(r -> r.jobName().equals("cve-test"))
        .singleElement()
        .satisfies(r -> assertThat(r.tier()).isEqualTo(Tier.PRIVILEGED));
    assertThat(h.store.queries().publicView().build(cve.id())).isEmpty();
    assertThat(h.store.queries().publicView().list(org.seakeeper.core.store.BuildQuery.latest(100)))
        .noneMatch(b -> b.pipeline() == PipelineName.RELEASE)
        .isNotEmpty();
  }
}
