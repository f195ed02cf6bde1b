package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.scheduler.SchedulerCommands.CommandResult;

/**
 * The change page's Recheck (and {@code POST /api/v1/trigger} with a {@code change}) checks the
 * change again as a {@code recheck} comment would: its newest checked patch set at the commit that
 * was checked, tied to the change (so it is reported on it and listed on its page), even when the
 * change's ref has moved on to another change since (the local connection's {@code refs/for/main}).
 */
class RecheckCommandScenarioTest {
  static final String YAML = "jobs:\n  test: {run: make test}\npipelines:\n  check: [test]\n";

  final Harness h = new Harness();

  List<Build> checks(String change) {
    return h.builds().stream()
        .filter(b -> b.pipeline() == PipelineName.CHECK)
        .filter(b -> b.change().equals(Optional.of(change)))
        .toList();
  }

  void finishRunning() {
    h.builds().stream()
        .filter(b -> b.status() == BuildStatus.RUNNING)
        .forEach(b -> h.executor.releaseId("b" + b.id(), new JobOutcome.Succeeded()));
    h.step();
  }

  @Test
  void a_recheck_checks_the_newest_patch_set_at_the_commit_it_checked_not_where_its_ref_moved() {
    String a = h.upload("A", "1", YAML + "# A\n");
    h.step();
    String b = h.upload("B", "1", YAML + "# B\n"); // refs/for/main now points at B's commit
    h.step();
    finishRunning();
    assertThat(a).isNotEqualTo(b);

    CommandResult r = h.scheduler.recheck("local", "demo", "A", "user:alice");
    assertThat(r.ok()).as(r.message()).isTrue();
    assertThat(r.message()).contains("change A patch set 1");
    h.step();

    assertThat(checks("A")).hasSize(2);
    Build again = checks("A").getLast();
    assertThat(again.commit()).isEqualTo(a);
    assertThat(again.patchset()).contains("1");
    assertThat(again.buildsetId()).isNotEqualTo(checks("A").getFirst().buildsetId());
    assertThat(checks("B")).hasSize(1);

    finishRunning();
    assertThat(
            h.reporter.reports().stream()
                .filter(x -> x.buildset().change().equals(Optional.of("A")))
                .map(x -> x.entry().kind().name()))
        .as("the recheck is reported on the change, like the first check")
        .containsExactly("BUILDSET_FINISHED", "BUILDSET_FINISHED");
  }

  @Test
  void a_recheck_of_a_review_systems_change_keeps_the_branch_its_patch_set_was_pushed_for() {
    String yaml =
        "jobs:\n"
            + "  stable-only: {run: make test, when: {branches: [stable]}}\n"
            + "  main-only: {run: make test, when: {branches: [main]}}\n"
            + "pipelines:\n"
            + "  check: [stable-only, main-only]\n";
    String ref = "refs/changes/42/1042/3";
    String sha = h.repos.commitConfig("local", "demo", ref, yaml);
    h.event(
        new org.seakeeper.core.event.TriggerEvent.ChangeProposed(
            "local", "demo", "stable", "1042", "3", sha, ref));
    h.step();
    finishRunning();
    assertThat(checks("1042"))
        .extracting(b -> b.job().orElseThrow() + " " + b.status().id())
        .containsExactlyInAnyOrder("stable-only success", "main-only skipped");

    CommandResult r = h.scheduler.recheck("local", "demo", "1042", "user:alice");
    assertThat(r.ok()).as(r.message()).isTrue();
    h.step();
    assertThat(checks("1042"))
        .as("the recheck plans for branch stable, as the first check did (a change ref names none)")
        .filteredOn(b -> b.status() != BuildStatus.SKIPPED)
        .extracting(b -> b.job().orElseThrow() + "@" + b.patchset().orElseThrow())
        .containsExactly("stable-only@3", "stable-only@3");
  }

  @Test
  void a_recheck_of_a_change_never_checked_is_a_404_and_queues_nothing() {
    CommandResult r = h.scheduler.recheck("local", "demo", "nope", "user:alice");
    assertThat(r.code()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("unknown_change");
    h.step();
    assertThat(h.builds()).isEmpty();
  }
}
