package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.effect.EffectPorts;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.testkit.FakeExecutor;
import org.seakeeper.testkit.FakeRepos;
import org.seakeeper.testkit.HeldCalls;
import org.seakeeper.testkit.InMemoryStore;
import org.seakeeper.testkit.ManualClock;

/**
 * Anyone can push a change, and a change can make its own preparation slow (a git bomb's bounded
 * walk of its changed files, a deep Depends-On chain): it must hold back only its own project's
 * events, never another project's change, while a project's events and anything that can move a
 * gate queue keep their order (docs/benchmarks.md, "Denial of service").
 */
class EventOrderScenarioTest {
  static final String YAML =
      "jobs:\n"
          + "  test: {run: make test}\n"
          + "pipelines:\n"
          + "  check: [test]\n"
          + "  gate: [test]\n"
          + "  post: [test]\n";

  final HeldCalls calls = new HeldCalls();
  final Harness h = new Harness(10, EffectPorts.inline().withCalls(calls));
  final InMemoryStore store = h.store;
  final FakeRepos repos = h.repos;
  final FakeExecutor executor = h.executor;
  final ManualClock clock = h.clock;

  /** Puts the event in the inbox and returns the text that names its preparation call. */
  String receive(TriggerEvent e) {
    long id = store.transaction(tx -> tx.inbox().add(e, clock.instant())).orElseThrow().id();
    return "prepare event " + id + " (";
  }

  String propose(String project, String change) {
    String ref = "refs/changes/" + change + "/1";
    String sha = repos.commitConfig("review", project, ref, YAML);
    commits.put(change, sha);
    return receive(
        new TriggerEvent.ChangeProposed("review", project, "main", change, "1", sha, ref));
  }

  /** A push to {@code project}'s main branch (a post run). */
  String push(String project, String change) {
    String sha = repos.commitConfig("review", project, "refs/heads/main", YAML);
    return receive(
        new TriggerEvent.RefUpdated("review", project, "refs/heads/main", "0", sha, change));
  }

  List<Build> post(String project) {
    return store.queries().list(BuildQuery.latest(1000)).stream()
        .filter(b -> b.pipeline() == PipelineName.POST && b.project().equals(project))
        .toList();
  }

  void step() {
    h.step();
  }

  List<Build> of(String change, PipelineName p) {
    return store.queries().list(BuildQuery.latest(1000)).stream()
        .filter(b -> b.pipeline() == p && b.change().equals(Optional.of(change)))
        .toList();
  }

  @Test
  void a_change_whose_preparation_hangs_holds_back_only_its_own_projects_changes() {
    String bomb = propose("hostile", "H1");
    calls.holdAbout(bomb);
    step();
    propose("hostile", "H2"); // prepared at once, but behind H1 in its project
    propose("core", "A");
    step();

    assertThat(of("A", PipelineName.CHECK))
        .as("another project's change is built while the slow one is prepared")
        .singleElement()
        .extracting(Build::status)
        .isEqualTo(BuildStatus.RUNNING);
    assertThat(of("H1", PipelineName.CHECK)).isEmpty();
    assertThat(of("H2", PipelineName.CHECK))
        .as("a project's events keep their order: H2 waits for H1")
        .isEmpty();

    calls.releaseAbout(bomb);
    step();
    assertThat(of("H1", PipelineName.CHECK)).hasSize(1);
    assertThat(of("H2", PipelineName.CHECK)).hasSize(1);
    assertThat(of("H1", PipelineName.CHECK).getFirst().buildsetId())
        .isLessThan(of("H2", PipelineName.CHECK).getFirst().buildsetId());
  }

  @Test
  void a_push_to_another_projects_branch_is_built_while_a_slow_change_is_prepared() {
    String bomb = propose("hostile", "H1");
    calls.holdAbout(bomb);
    step();
    push("canary", "p1");
    step();
    assertThat(post("canary")).hasSize(1);
    calls.releaseAbout(bomb);
    step();
    assertThat(of("H1", PipelineName.CHECK)).hasSize(1);
  }

  final Map<String, String> commits = new java.util.HashMap<>();

  /** B proposed and its check passed: ready to be approved into the gate. */
  String checkedChange(String project, String change) {
    propose(project, change);
    step();
    executor.releaseId(
        "b" + of(change, PipelineName.CHECK).getFirst().id(), new JobOutcome.Succeeded());
    step();
    return change;
  }

  String approve(String project, String change) {
    return receive(
        new TriggerEvent.ApprovalsChanged(
            "review",
            project,
            "main",
            change,
            "1",
            commits.get(change),
            Map.of("Code-Review", 2),
            "a-" + change));
  }

  @Test
  void an_approval_keeps_its_place_among_all_of_its_connections_events() {
    checkedChange("core", "B");
    String bomb = propose("hostile", "H1");
    calls.holdAbout(bomb);
    step();
    approve("core", "B"); // can move a gate queue: waits for everything before it
    propose("other", "C"); // and everything after it waits for the approval
    step();
    assertThat(of("B", PipelineName.GATE)).isEmpty();
    assertThat(of("C", PipelineName.CHECK))
        .as("an event behind an unapplied approval waits, whatever its project")
        .isEmpty();

    calls.releaseAbout(bomb);
    step();
    assertThat(of("H1", PipelineName.CHECK)).hasSize(1);
    assertThat(of("B", PipelineName.GATE)).isNotEmpty();
    assertThat(of("C", PipelineName.CHECK)).hasSize(1);
    // (the gate's buildset is made once its speculative merge comes back, so its id says nothing)
    assertThat(of("H1", PipelineName.CHECK).getFirst().buildsetId())
        .isLessThan(of("C", PipelineName.CHECK).getFirst().buildsetId());
  }

  @Test
  void an_approval_whose_preparation_hangs_holds_back_every_later_event_of_its_connection() {
    checkedChange("core", "B");
    String slow = approve("core", "B");
    calls.holdAbout(slow);
    step();
    propose("hostile", "H1");
    step();
    assertThat(of("H1", PipelineName.CHECK))
        .as("nothing passes an approval whose preparation is under way")
        .isEmpty();
    calls.releaseAbout(slow);
    step();
    assertThat(of("B", PipelineName.GATE)).isNotEmpty();
    assertThat(of("H1", PipelineName.CHECK)).hasSize(1);
  }

  @Test
  void at_most_a_few_preparations_of_one_project_run_at_once_and_other_projects_still_start() {
    calls.holdAbout("of hostile)");
    for (int i = 0; i < 10; i++) {
      propose("hostile", "H" + i);
    }
    step();
    assertThat(calls.waiting()).isEqualTo(4);
    propose("core", "A");
    step();
    assertThat(of("A", PipelineName.CHECK)).hasSize(1);
  }
}
