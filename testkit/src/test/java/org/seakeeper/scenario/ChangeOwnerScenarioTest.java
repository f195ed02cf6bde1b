package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.PipelineName;

/**
 * The owner of a change (docs/roles.md) goes from the review system's event to its buildsets and
 * builds; a recheck, a retry and a gate run whose events name no owner keep the change's.
 */
class ChangeOwnerScenarioTest {
  static final String YAML =
      "jobs:\n  a: {run: x}\npipelines:\n  check: [a]\n  gate: [a]\n  post: [a]\n";

  @Test
  void
      the_events_owner_reaches_the_buildset_and_builds_and_rechecks_retries_and_gate_runs_keep_it() {
    Harness h = new Harness();
    String sha = h.repos.commitConfig("local", "demo", "refs/for/main", YAML);
    h.event(
        new TriggerEvent.ChangeProposed(
            "local", "demo", "main", "I7", "1", sha, "refs/for/main", Optional.of("jane")));
    h.step();
    Build check = h.build("a");
    assertThat(check.owner()).contains("jane");
    assertThat(h.store.queries().buildset(check.buildsetId()).orElseThrow().owner())
        .contains("jane");

    h.executor.release("a", new JobOutcome.Failed(1));
    h.step();
    // a recheck by someone else whose event names no owner: still jane's change
    h.event(
        new TriggerEvent.Recheck(
            "local", "demo", "main", "I7", "1", sha, "refs/for/main", "joe", "c1"));
    h.step();
    Build rechecked = h.build("a");
    assertThat(rechecked.buildsetId()).isNotEqualTo(check.buildsetId());
    assertThat(rechecked.owner()).contains("jane");

    // a retry is a new attempt of the same build: same owner
    h.executor.release("a", new JobOutcome.Failed(1));
    h.step();
    assertThat(h.scheduler.retry(rechecked.id(), "user:joe").ok()).isTrue();
    h.step();
    assertThat(h.attempts("a")).last().satisfies(b -> assertThat(b.attempt()).isEqualTo(2));
    assertThat(h.build("a").owner()).contains("jane");

    // the gate run of the approved change (ApprovalsChanged names no owner)
    h.executor.release("a", new JobOutcome.Succeeded());
    h.step();
    h.event(
        new TriggerEvent.ApprovalsChanged(
            "local", "demo", "main", "I7", "1", sha, Map.of("Code-Review", 2), "a1"));
    h.step();
    Build gate =
        h.builds().stream()
            .filter(b -> b.pipeline() == PipelineName.GATE)
            .reduce((x, y) -> y)
            .orElseThrow(() -> new AssertionError("no gate build in " + h.builds()));
    assertThat(gate.owner()).contains("jane");

    // a branch's builds have no owner
    h.push("main", YAML);
    h.step();
    assertThat(h.builds())
        .filteredOn(b -> b.pipeline() == PipelineName.POST)
        .isNotEmpty()
        .allSatisfy(b -> assertThat(b.owner()).isEmpty());
  }

  @Test
  void a_change_whose_events_never_named_an_owner_has_none() {
    Harness h = new Harness();
    h.upload("I8", "1", YAML); // as the local git connection: no owner
    h.step();
    assertThat(h.build("a").owner()).isEmpty();
    assertThat(h.build("a").status()).isEqualTo(BuildStatus.RUNNING);
  }
}
