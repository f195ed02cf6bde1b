package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;

/**
 * A project's own {@code .seakeeper.yaml} from an unmerged change applies to that change's check
 * (untrusted) builds only; post, periodic and manual runs of a branch use the branch's merged
 * config, and gate uses the speculative merge it tests (docs/contracts.md §2).
 */
class MergedConfigScenarioTest {
  static final String MERGED =
      "jobs:\n"
          + "  merged-job: {run: echo merged}\n"
          + "pipelines:\n"
          + "  check: [merged-job]\n"
          + "  post: [merged-job]\n"
          + "  periodic: [merged-job]\n"
          + "  gate: [merged-job]\n";
  static final String PROPOSED =
      "jobs:\n"
          + "  proposed-job: {run: echo proposed}\n"
          + "pipelines:\n"
          + "  check: [proposed-job]\n"
          + "  post: [proposed-job]\n"
          + "  periodic: [proposed-job]\n"
          + "  gate: [proposed-job]\n";

  final Harness h = new Harness();

  List<ExecutionRequest> started() {
    return h.executor.started();
  }

  /** Pushes {@code yaml} to main and lets its post run. */
  String pushMain(String yaml) {
    String sha = h.push("main", yaml);
    h.step();
    releaseAll();
    return sha;
  }

  void releaseAll() {
    for (String job : h.executor.heldJobs()) {
      h.executor.release(job, new JobOutcome.Succeeded());
    }
    h.step();
  }

  @Test
  void an_unmerged_changes_config_runs_only_in_its_own_untrusted_check() {
    pushMain(MERGED);
    String change = h.upload("42", "1", PROPOSED);
    h.step();
    releaseAll();
    ExecutionRequest check = started().getLast();
    assertThat(check.jobName()).isEqualTo("proposed-job");
    assertThat(check.tier()).isEqualTo(Tier.UNTRUSTED);
    assertThat(h.build("proposed-job").commit()).isEqualTo(change);

    // The branch moves (post), the nightly run comes (periodic), an admin runs post by hand:
    // all use the branch's merged config, never the proposed one.
    String main2 = pushMain(MERGED.replace("echo merged", "echo merged again"));
    h.clock.advance(Duration.ofHours(17)); // 03:00 the next day
    h.step();
    releaseAll();
    assertThat(
            h.scheduler
                .trigger("local", "demo", PipelineName.POST, "refs/heads/main", "admin")
                .ok())
        .isTrue();
    h.step();
    releaseAll();
    List<Build> trusted =
        h.builds().stream().filter(b -> b.pipeline() != PipelineName.CHECK).toList();
    assertThat(trusted)
        .extracting(Build::pipeline)
        .containsExactly(
            PipelineName.POST, PipelineName.POST, PipelineName.PERIODIC, PipelineName.POST);
    assertThat(trusted).allSatisfy(b -> assertThat(b.job()).contains("merged-job"));
    assertThat(trusted.subList(1, 4)).allSatisfy(b -> assertThat(b.commit()).isEqualTo(main2));
    assertThat(started().stream().filter(r -> r.jobName().equals("proposed-job")))
        .singleElement()
        .satisfies(r -> assertThat(r.tier()).isEqualTo(Tier.UNTRUSTED));
  }

  @Test
  void two_changes_never_see_each_others_config_and_gate_tests_the_speculative_merge() {
    pushMain(MERGED);
    String a = h.upload("1", "1", PROPOSED);
    h.upload("2", "1", MERGED.replace("merged-job", "other-job"));
    h.step();
    assertThat(h.executor.heldJobs()).containsExactlyInAnyOrder("proposed-job", "other-job");
    releaseAll();

    h.event(
        new TriggerEvent.ApprovalsChanged(
            "local", "demo", "main", "1", "1", a, Map.of("Code-Review", 2), "reviewer"));
    h.step();
    Build gate = h.builds().getLast();
    assertThat(gate.pipeline()).isEqualTo(PipelineName.GATE);
    assertThat(gate.tier()).isEqualTo(Tier.TRUSTED);
    // The config as it would be after the merge: read from the speculative state, not the change's
    // commit.
    assertThat(gate.commit()).isNotEqualTo(a);
    assertThat(h.gate.merges())
        .singleElement()
        .satisfies(m -> assertThat(m.getLast().commit()).isEqualTo(a));
    assertThat(gate.job()).contains("proposed-job");
  }
}
