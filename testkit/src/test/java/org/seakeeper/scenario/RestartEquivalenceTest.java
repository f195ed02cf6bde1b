package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.GatePorts;
import org.seakeeper.core.gate.GateSettings;
import org.seakeeper.core.gate.Merger;
import org.seakeeper.core.model.Cron;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.scheduler.Scheduler;
import org.seakeeper.core.scheduler.SchedulerMetrics;
import org.seakeeper.core.scheduler.SchedulerPorts;
import org.seakeeper.core.scheduler.SchedulerSettings;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.testkit.FakeExecutor;
import org.seakeeper.testkit.FakeGate;
import org.seakeeper.testkit.FakeRepos;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;
import org.seakeeper.testkit.ManualClock;
import org.seakeeper.testkit.RecordingReporter;

/**
 * Durable by construction (issue 10, item 4): a restart at any step boundary of a scenario changes
 * nothing observable except what a restart legitimately does. Each scenario is a list of named
 * steps; it runs once without interruption, then once more from scratch for every boundary k (from
 * before the first step to after the last), with a restart (a new scheduler and executor on the
 * same store, {@code recover()}, one {@code runUntilIdle()} as the server's loop does on start)
 * inserted after step k. The observable trace (builds, the requests the executor saw with their
 * dependency checkouts, reports, submits) must equal the uninterrupted one after the normalisation
 * in {@link World#trace()}, which removes exactly the traces of the restart and checks that they
 * are what the restart was meant to do.
 */
class RestartEquivalenceTest {
  static final String URL = "https://review.example.org/c/";

  /**
   * Check runs two jobs, the second queued behind the first: a boundary always has a queued build.
   */
  static final String DEPS_YAML =
      "jobs:\n"
          + "  build: {run: make}\n"
          + "  test: {run: make test, needs: [build]}\n"
          + "  unit: {run: make unit}\n"
          + "pipelines:\n"
          + "  check: [build, test]\n"
          + "  gate: [unit]\n";

  static final String GATE_YAML =
      "jobs:\n  test: {run: make test}\npipelines:\n  check: [test]\n  gate: [test]\n";

  record Step(String name, Consumer<World> action) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * The observable trace: builds and started requests as sorted multisets, reports and submits in
   * order.
   */
  record Trace(
      List<String> builds, List<String> starts, List<String> reports, List<String> submits) {}

  /** What a restart leaves behind, captured just before it. */
  record RestartMark(
      Set<Long> running,
      Set<String> queuedChanges,
      Map<Long, Build> before,
      Set<Long> gateBuildsets) {}

  /** One run of a scenario: a fresh store and fakes, a scheduler that can be restarted. */
  static final class World {
    final InMemoryStore store = new InMemoryStore();
    final FakeRepos repos = new FakeRepos();
    final FakeGate gate = new FakeGate(repos);
    final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T10:00:00Z"));
    final RecordingReporter reporter = new RecordingReporter();
    final List<FakeExecutor> executors = new ArrayList<>();
    final int slots;
    final GatePorts ports;

    /** Commits by what they are: a patch set ("ps:2") or a speculative state ("spec:[1, 2]"). */
    final Map<String, String> names = new HashMap<>();

    final Map<String, ChangeRef> changes = new LinkedHashMap<>();
    Optional<RestartMark> mark = Optional.empty();
    FakeExecutor executor;
    Scheduler scheduler;

    World(int slots) {
      this.slots = slots;
      gate.host("review.example.org", "review");
      GatePorts real = gate.ports();
      // The speculative state a commit is, by content: the project's changes already submitted (on
      // its branch now), then its changes merged onto it (a shared queue's changes of other
      // repositories are not in this repository's state). A re-test after a merge names the same
      // state.
      Merger naming =
          (repo, branch, cs) -> {
            Merger.Result r = real.merger().speculate(repo, branch, cs);
            if (r instanceof Merger.Merged m) {
              List<String> content = new ArrayList<>();
              gate.submitted().stream()
                  .filter(s -> s.project().equals(repo.project()))
                  .forEach(s -> content.add(s.change()));
              cs.stream()
                  .filter(c -> c.project().equals(repo.project()))
                  .forEach(c -> content.add(c.change()));
              synchronized (names) {
                names.put(m.commit(), "spec:" + content);
              }
            }
            return r;
          };
      ports = new GatePorts(naming, real.review(), real.changes());
      scheduler = newScheduler();
    }

    Scheduler newScheduler() {
      executor = new FakeExecutor().hold();
      executors.add(executor);
      SchedulerSettings settings =
          new SchedulerSettings(
              Map.of(Tier.UNTRUSTED, slots, Tier.TRUSTED, slots, Tier.PRIVILEGED, 1),
              TrustedContext.offlineDefaults(),
              Glob.of("v*"),
              Cron.DAILY_0300,
              List.of());
      GateSettings gs =
          new GateSettings(
              Map.of("Code-Review", 2), Map.of("lib", "integrated", "app", "integrated"), 20);
      Scheduler s =
          new Scheduler(
              new SchedulerPorts(
                  store, repos, executor, new InMemoryLogStore(), reporter, SchedulerMetrics.NONE),
              ports,
              gs,
              settings,
              clock,
              () -> {});
      s.recover();
      return s;
    }

    /** A crash and a start: in-memory state and running executions are lost, the store stays. */
    void restart() {
      Map<Long, Build> before = new HashMap<>();
      builds().forEach(b -> before.put(b.id(), b));
      Set<Long> running =
          before.values().stream()
              .filter(b -> b.status() == BuildStatus.RUNNING)
              .map(Build::id)
              .collect(Collectors.toSet());
      Set<Long> gateSets =
          before.values().stream()
              .filter(b -> b.pipeline() == PipelineName.GATE)
              .map(Build::buildsetId)
              .collect(Collectors.toSet());
      mark = Optional.of(new RestartMark(running, Set.copyOf(queued()), before, gateSets));
      scheduler = newScheduler();
      step();
    }

    void step() {
      scheduler.runUntilIdle();
    }

    ChangeRef upload(String project, String change, String message, String yaml) {
      String sha = repos.commitConfig("review", project, "refs/changes/" + change + "/1", yaml);
      repos.describe("review", project, sha, message + "\nChange-Id: " + changeId(change) + "\n");
      ChangeRef c = new ChangeRef("review", project, "main", change, "1", sha);
      names.put(sha, "ps:" + change);
      changes.put(change, c);
      gate.change(c, changeId(change));
      store.transaction(
          tx ->
              tx.inbox()
                  .add(
                      new TriggerEvent.ChangeProposed(
                          "review",
                          project,
                          "main",
                          change,
                          "1",
                          sha,
                          "refs/changes/" + change + "/1"),
                      clock.instant()));
      step();
      return c;
    }

    void approve(String change) {
      ChangeRef c = changes.get(change);
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

    /** The latest build of this job of the change in this pipeline passes; it must be running. */
    void pass(String change, PipelineName p, String job) {
      Build b =
          builds().stream()
              .filter(
                  x ->
                      x.pipeline() == p
                          && x.change().equals(Optional.of(change))
                          && x.job().equals(Optional.of(job)))
              .reduce((x, y) -> y)
              .orElseThrow(
                  () ->
                      new AssertionError(
                          "no "
                              + p
                              + " "
                              + job
                              + " build of change "
                              + change
                              + " in "
                              + builds()));
      assertThat(b.status())
          .as("%s %s of change %s", p, job, change)
          .isEqualTo(BuildStatus.RUNNING);
      executor.releaseId("b" + b.id(), new JobOutcome.Succeeded());
      step();
    }

    /**
     * Every running gate build passes (a no-op unless a restart re-tested an item that had passed).
     */
    void settleGate() {
      boolean any = true;
      while (any) {
        any = false;
        for (Build b : builds()) {
          if (b.pipeline() == PipelineName.GATE && b.status() == BuildStatus.RUNNING) {
            executor.releaseId("b" + b.id(), new JobOutcome.Succeeded());
            step();
            any = true;
            break;
          }
        }
      }
    }

    List<Build> builds() {
      return store.queries().list(BuildQuery.latest(1000)).reversed();
    }

    @SuppressWarnings("unchecked")
    List<String> queued() {
      return scheduler.gateStatus().stream()
          .flatMap(q -> ((List<Map<String, Object>>) q.get("items")).stream())
          .map(i -> (String) i.get("change"))
          .toList();
    }

    String sym(String commit) {
      synchronized (names) {
        return names.getOrDefault(commit, "sha:" + commit);
      }
    }

    /**
     * The trace, normalised for exactly what a restart does (and checking that it did only that):
     *
     * <ol>
     *   <li>A non-gate build running at the restart is {@code interrupted} and a new attempt is
     *       queued (Scheduler.recover). The interrupted record and its request are dropped, and
     *       later attempts of that job count as if it had not been: the run goes on as one attempt.
     *       Checked: the interrupted builds are exactly the non-gate builds running at the restart.
     *   <li>Every change in a gate queue at the restart is tested again on a new gate buildset
     *       (GateCoordinator.recover): its unfinished run is cancelled ("the server restarted"),
     *       and a run that had already passed (waiting for those ahead) is re-run too. The gate
     *       buildsets of those changes that existed before the restart are dropped, with their
     *       requests and their reports. Checked: their builds were cancelled by the restart or had
     *       ended before it unchanged, and nothing but {@code buildset-finished} was reported on
     *       them (never a gate verdict).
     * </ol>
     *
     * Nothing else is normalised: commits are compared by what they are (a patch set, or the
     * content of a speculative state), dependencies by repository and commit, reports and submits
     * in order.
     */
    Trace trace() {
      List<Build> all = builds();
      Set<Long> droppedBuilds = new HashSet<>();
      Set<Long> droppedSets = new HashSet<>();
      if (mark.isPresent()) {
        RestartMark m = mark.get();
        Set<Long> interrupted =
            all.stream()
                .filter(b -> b.status() == BuildStatus.INTERRUPTED)
                .map(Build::id)
                .collect(Collectors.toSet());
        Set<Long> runningNonGate =
            m.running().stream()
                .filter(id -> m.before().get(id).pipeline() != PipelineName.GATE)
                .collect(Collectors.toSet());
        assertThat(interrupted)
            .as("interrupted builds = the non-gate builds running at the restart")
            .isEqualTo(runningNonGate);
        droppedBuilds.addAll(interrupted);
        for (Build b : all) {
          if (b.pipeline() == PipelineName.GATE
              && m.gateBuildsets().contains(b.buildsetId())
              && b.change().isPresent()
              && m.queuedChanges().contains(b.change().get())) {
            droppedSets.add(b.buildsetId());
            Build was = m.before().get(b.id());
            if (was == null || !was.status().terminal()) {
              assertThat(b.status())
                  .as("unfinished gate build %s at the restart", b)
                  .isEqualTo(BuildStatus.CANCELLED);
              assertThat(b.detail()).contains("the server restarted");
            } else {
              assertThat(b).as("a gate build that had ended before the restart").isEqualTo(was);
            }
          }
        }
        for (RecordingReporter.Report r : reporter.reports()) {
          if (droppedSets.contains(r.buildset().id())) {
            assertThat(r.entry().kind().id())
                .as("only buildset-finished on a run the restart re-tests")
                .isEqualTo("buildset-finished");
          }
        }
      } else {
        assertThat(all).noneMatch(b -> b.status() == BuildStatus.INTERRUPTED);
      }
      Map<Long, Build> byId = new HashMap<>();
      Map<Long, String> key = new HashMap<>();
      for (Build b : all) {
        byId.put(b.id(), b);
        if (droppedBuilds.contains(b.id()) || droppedSets.contains(b.buildsetId())) {
          continue;
        }
        long lost =
            all.stream()
                .filter(
                    x ->
                        droppedBuilds.contains(x.id())
                            && x.buildsetId() == b.buildsetId()
                            && x.job().equals(b.job())
                            && x.attempt() < b.attempt())
                .count();
        key.put(
            b.id(),
            b.pipeline().id()
                + " change "
                + b.change().orElse("-")
                + " "
                + b.job().orElse("(record)")
                + " #"
                + (b.attempt() - lost));
      }
      List<String> builds =
          all.stream()
              .filter(b -> key.containsKey(b.id()))
              .map(b -> key.get(b.id()) + " " + b.status().id() + " @" + sym(b.commit()))
              .sorted()
              .toList();
      List<String> starts = new ArrayList<>();
      for (FakeExecutor ex : executors) {
        for (ExecutionRequest r : ex.started()) {
          long id = Long.parseLong(r.id().substring(1));
          assertThat(byId).as("request %s is a build", r.id()).containsKey(id);
          if (!key.containsKey(id)) {
            continue;
          }
          String deps =
              r.dependencies().stream()
                  .map(
                      d ->
                          d.connection()
                              + "/"
                              + d.project()
                              + "@"
                              + d.checkout().commit().map(this::sym).orElse("dir"))
                  .toList()
                  .toString();
          starts.add(
              key.get(id)
                  + " checkout @"
                  + r.checkout().commit().map(this::sym).orElse("dir")
                  + " deps "
                  + deps);
        }
      }
      // Reports per change, in order, then the gate verdicts in order. A re-tested gate run
      // (normalisation 2) reports its buildset-finished when the re-test ends, which may be after
      // another change's reports: only the interleaving across changes is let go, never the order
      // of one change's reports nor the order of the verdicts.
      List<String> reports = new ArrayList<>();
      Map<String, List<String>> perChange = new java.util.TreeMap<>();
      for (RecordingReporter.Report r : reporter.reports()) {
        if (!droppedSets.contains(r.buildset().id())) {
          perChange
              .computeIfAbsent(r.buildset().change().orElse("-"), c -> new ArrayList<>())
              .add(r.entry().kind().id() + " " + r.buildset().pipeline().id());
        }
      }
      perChange.forEach((c, rs) -> reports.add("change " + c + ": " + rs));
      reporter.reports().stream()
          .filter(
              r ->
                  !droppedSets.contains(r.buildset().id())
                      && r.entry().kind().id().startsWith("gate-"))
          .forEach(
              r ->
                  reports.add(
                      "verdict "
                          + r.entry().kind().id()
                          + " change "
                          + r.buildset().change().orElse("-")));
      List<String> submits = gate.submitted().stream().map(ChangeRef::change).toList();
      return new Trace(builds, starts.stream().sorted().toList(), reports, submits);
    }
  }

  /** Runs the scenario with a restart after step {@code restartAfter} (-1: none). */
  static World run(int slots, List<Step> steps, int restartAfter) {
    World w = new World(slots);
    if (restartAfter == 0) {
      w.restart();
    }
    for (int i = 0; i < steps.size(); i++) {
      try {
        steps.get(i).action().accept(w);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "step "
                + (i + 1)
                + " ("
                + steps.get(i)
                + ")"
                + (restartAfter >= 0 ? " with a restart after step " + restartAfter : "")
                + ": "
                + e.getMessage(),
            e);
      }
      if (i + 1 == restartAfter) {
        w.restart();
      }
    }
    return w;
  }

  /**
   * The uninterrupted trace, then the same trace with a restart at each of the steps.size() + 1
   * boundaries.
   */
  static Trace assertRestartEquivalent(int slots, List<Step> steps) {
    return assertRestartEquivalent(slots, steps, Map.of());
  }

  /**
   * As {@link #assertRestartEquivalent(int, List)}, except that at the boundaries in {@code known}
   * the trace must be exactly the uninterrupted one changed by the given function: a known gap,
   * pinned so that both a fix and any further difference make this fail.
   */
  static Trace assertRestartEquivalent(
      int slots, List<Step> steps, Map<Integer, java.util.function.UnaryOperator<Trace>> known) {
    Trace expected = run(slots, steps, -1).trace();
    Map<Integer, String> differences = new java.util.TreeMap<>();
    for (int k = 0; k <= steps.size(); k++) {
      Trace got = run(slots, steps, k).trace();
      Trace want = known.getOrDefault(k, t -> t).apply(expected);
      if (!got.equals(want)) {
        differences.put(
            k,
            (known.containsKey(k) ? "(a known gap, but not as pinned)\n" : "") + diff(want, got));
      }
    }
    assertThat(differences)
        .as(
            "boundary (restart after step k) -> how its trace differs from the uninterrupted one;"
                + " steps: %s",
            steps)
        .isEmpty();
    return expected;
  }

  static String diff(Trace expected, Trace got) {
    StringBuilder out = new StringBuilder();
    diff(out, "builds", expected.builds(), got.builds());
    diff(out, "starts", expected.starts(), got.starts());
    diff(out, "reports", expected.reports(), got.reports());
    diff(out, "submits", expected.submits(), got.submits());
    return out.toString();
  }

  static void diff(StringBuilder out, String what, List<String> expected, List<String> got) {
    if (!expected.equals(got)) {
      out.append("  ")
          .append(what)
          .append(":\n    expected ")
          .append(expected)
          .append("\n    got      ")
          .append(got)
          .append('\n');
    }
  }

  /** A Change-Id for a change number or letter. */
  static String changeId(String change) {
    return "I"
        + String.format(
            "%040x",
            new java.math.BigInteger(1, change.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  static Step step(String name, Consumer<World> action) {
    return new Step(name, action);
  }

  /**
   * A change in repo {@code app} depends on an open change in repo {@code lib}: the app's check
   * gets the lib checkout beside its workspace; both pass, are approved, and the gate (a queue the
   * two repos share) tests and submits lib, then app with lib's speculative state beside it.
   */
  static List<Step> dependsOnScenario() {
    return List.of(
        step("upload lib change 1", w -> w.upload("lib", "1", "Library change", DEPS_YAML)),
        step(
            "upload app change 2, Depends-On lib 1",
            w -> w.upload("app", "2", "Uses it\n\nDepends-On: " + URL + "lib/+/1", DEPS_YAML)),
        step("lib check build passes", w -> w.pass("1", PipelineName.CHECK, "build")),
        step("lib check test passes", w -> w.pass("1", PipelineName.CHECK, "test")),
        step("app check build passes", w -> w.pass("2", PipelineName.CHECK, "build")),
        step("app check test passes", w -> w.pass("2", PipelineName.CHECK, "test")),
        step("approve lib", w -> w.approve("1")),
        step("approve app", w -> w.approve("2")),
        step("lib gate passes", w -> w.pass("1", PipelineName.GATE, "unit")),
        step("app gate passes", w -> w.pass("2", PipelineName.GATE, "unit")));
  }

  /**
   * Two approved changes in one queue; their gate runs pass head first; both are submitted in
   * order.
   */
  static List<Step> gateScenario() {
    return List.of(
        step("upload A", w -> w.upload("lib", "A", "A", GATE_YAML)),
        step("A check passes", w -> w.pass("A", PipelineName.CHECK, "test")),
        step("approve A", w -> w.approve("A")),
        step("upload B", w -> w.upload("lib", "B", "B", GATE_YAML)),
        step("B check passes", w -> w.pass("B", PipelineName.CHECK, "test")),
        step("approve B", w -> w.approve("B")),
        step("A gate passes", w -> w.pass("A", PipelineName.GATE, "test")),
        step("B gate passes", w -> w.pass("B", PipelineName.GATE, "test")));
  }

  @Test
  void a_depends_on_check_and_gate_run_the_same_with_a_restart_at_any_step() {
    // KNOWN GAP (reported, not a normalisation): a restart after lib merged, while app's gate run
    // was running, re-tests app (as every queued item is re-tested after a restart), and the
    // re-test has NO lib checkout beside it: DependencyWalk leaves merged dependencies out and
    // GateCoordinator.elsewhere() only checks out dependencies still ahead in the queue, so once
    // lib merged nothing puts lib's branch (which now holds change 1) beside app's run. The same
    // happens without a restart when app is re-tested after lib merged (see
    // a_retest_after_a_cross_repo_dependency_merged_loses_its_checkout_even_without_a_restart).
    // Pinned exactly: the app's gate request has no dependency checkout, nothing else differs.
    java.util.function.UnaryOperator<Trace> appGateWithoutLib =
        t ->
            new Trace(
                t.builds(),
                t.starts().stream()
                    .map(
                        x ->
                            x.equals(
                                    "gate change 2 unit #1 checkout @spec:[2] deps"
                                        + " [review/lib@spec:[1]]")
                                ? "gate change 2 unit #1 checkout @spec:[2] deps []"
                                : x)
                    .toList(),
                t.reports(),
                t.submits());
    Trace t = assertRestartEquivalent(10, dependsOnScenario(), Map.of(9, appGateWithoutLib));
    // The uninterrupted trace is the scenario's: the app's check and gate got lib beside them.
    assertThat(t.starts())
        .contains(
            "check change 2 build #1 checkout @ps:2 deps [review/lib@ps:1]",
            "check change 2 test #1 checkout @ps:2 deps [review/lib@ps:1]",
            "gate change 2 unit #1 checkout @spec:[2] deps [review/lib@spec:[1]]");
    assertThat(t.submits()).containsExactly("1", "2");
    assertThat(t.reports())
        .containsExactly(
            "change 1: [buildset-finished check, buildset-finished gate, gate-merged gate]",
            "change 2: [buildset-finished check, buildset-finished gate, gate-merged gate]",
            "verdict gate-merged change 1",
            "verdict gate-merged change 2");
  }

  @Test
  void a_gate_run_of_two_changes_is_the_same_with_a_restart_at_any_step() {
    Trace t = assertRestartEquivalent(10, gateScenario());
    assertThat(t.submits()).containsExactly("A", "B");
    assertThat(t.starts())
        .contains(
            "gate change A test #1 checkout @spec:[A] deps []",
            "gate change B test #1 checkout @spec:[A, B] deps []");
  }

  @Test
  void a_gate_run_whose_second_item_passes_first_is_the_same_with_a_restart_at_any_step() {
    // B passes while A, ahead of it, still runs: B waits, passed; a restart re-tests it
    // (normalised).
    List<Step> steps = new ArrayList<>(gateScenario().subList(0, 6));
    steps.add(step("B gate passes", w -> w.pass("B", PipelineName.GATE, "test")));
    steps.add(step("A gate passes", w -> w.pass("A", PipelineName.GATE, "test")));
    steps.add(step("re-tested gate runs pass", World::settleGate));
    Trace t = assertRestartEquivalent(10, steps);
    assertThat(t.submits()).containsExactly("A", "B");
  }

  @Test
  void after_a_restart_a_queued_depends_on_check_starts_with_its_dependency_checkout() {
    // One untrusted slot: the app's check waits behind the lib's, queued and not started, when the
    // server restarts; it must still start with the lib change checked out beside it.
    World w = new World(1);
    w.upload("lib", "1", "Library change", GATE_YAML);
    w.upload("app", "2", "Uses it\n\nDepends-On: " + URL + "lib/+/1", GATE_YAML);
    Build app =
        w.builds().stream()
            .filter(b -> b.change().equals(Optional.of("2")))
            .findFirst()
            .orElseThrow();
    assertThat(app.status()).isEqualTo(BuildStatus.QUEUED);
    w.restart();
    // The app's build was queued before the lib's new attempt (inserted at recovery), so it takes
    // the one slot first: a restart lets a queued build overtake the attempt it interrupted.
    Build appStarted =
        w.builds().stream()
            .filter(b -> b.change().equals(Optional.of("2")))
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(appStarted.status()).isEqualTo(BuildStatus.RUNNING);
    assertThat(appStarted.attempt()).isEqualTo(1);
    // Started by the new process (its executor), from what the store kept.
    ExecutionRequest r =
        w.executor.started().stream()
            .filter(x -> x.id().equals("b" + appStarted.id()))
            .findFirst()
            .orElseThrow();
    assertThat(r.dependencies())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.relativePath()).isEqualTo("review/lib");
              assertThat(d.checkout().commit()).contains(w.changes.get("1").commit());
            });
    w.executor.releaseId("b" + appStarted.id(), new JobOutcome.Succeeded());
    w.step();
    Build lib =
        w.builds().stream()
            .filter(b -> b.change().equals(Optional.of("1")))
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(lib.attempt()).isEqualTo(2);
    assertThat(lib.status()).isEqualTo(BuildStatus.RUNNING);
  }

  @Test
  void a_retest_after_a_cross_repo_dependency_merged_loses_its_checkout_even_without_a_restart() {
    // No restart: app's submit is refused once after lib merged, so the queue (app alone now) is
    // tested again. app's first run had lib's speculative state beside it, the re-test has nothing:
    // the gap pinned in the restart test above is not the restart's, it is the re-test's.
    World w = run(10, dependsOnScenario().subList(0, 8), -1);
    w.pass("1", PipelineName.GATE, "unit");
    assertThat(w.gate.submitted()).extracting(ChangeRef::change).containsExactly("1");
    w.gate.refuseSubmit(true);
    w.pass("2", PipelineName.GATE, "unit");
    List<String> appGate =
        w.trace().starts().stream().filter(x -> x.startsWith("gate change 2")).toList();
    assertThat(appGate)
        .containsExactlyInAnyOrder(
            "gate change 2 unit #1 checkout @spec:[2] deps [review/lib@spec:[1]]",
            "gate change 2 unit #1 checkout @spec:[2] deps []");
  }
}
