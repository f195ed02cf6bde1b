package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.event.EventRecord;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.executor.TierExecutors;
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
import org.seakeeper.core.scheduler.TierPolicy;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.testkit.FakeExecutor;
import org.seakeeper.testkit.FakeGate;
import org.seakeeper.testkit.FakeRepos;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;
import org.seakeeper.testkit.ManualClock;
import org.seakeeper.testkit.RecordingReporter;

/**
 * 1,000 randomized scheduling runs (seeded, so a failure names the seed that reproduces it): random
 * mixes of check, post, periodic, release, gate, recheck, manual triggers, cancel, retry, abandon
 * and new patch sets, with executors that pass, fail or break at random and the scheduler crashing
 * and restarting on the same store. One bound, recording executor per tier. After every run: no
 * execution reached an executor of another tier, every buildset's tier is the one its event's kind
 * and full ref name call for, and no untrusted job had a network.
 */
class TierPlacementPropertyTest {
  static final long BASE_SEED = 0x5eaL;
  static final int RUNS = 1000;

  /**
   * Hourly periodic runs: the clock moves by hours, so the scheduler's own periodic events come
   * often.
   */
  static final Cron HOURLY = Cron.parse("0 * * * *").orElseThrow();

  static final String C = "review";
  static final String P = "demo";
  static final String YAML =
      """
      jobs:
        build: {run: make}
        test: {run: make test, needs: [build]}
      pipelines:
        check: [build, test]
        gate: [build, test]
        post: [build]
        periodic: [build]
        release: [build, test]
      """;

  /** A ref an event may carry, and what it must start: a pipeline, or nothing (null). */
  record Labelled(String ref, PipelineName expect) {}

  static final List<Labelled> PUSHED =
      List.of(
          new Labelled("refs/heads/main", PipelineName.POST),
          new Labelled("refs/heads/v1.0", PipelineName.POST),
          new Labelled("refs/heads/release/v2", PipelineName.POST),
          new Labelled("refs/heads/refs/tags/v1.0", null),
          new Labelled("refs/heads/tags/v1", null),
          new Labelled("refs/heads/../tags/v1", null),
          new Labelled("refs/heads/v1\u202e0", null),
          new Labelled("refs/tags/v1.0", PipelineName.RELEASE),
          new Labelled("refs/tags/v2.3.4", PipelineName.RELEASE),
          new Labelled("refs/tags/main", null),
          new Labelled("refs/tags/V1.0", null),
          new Labelled("refs/tags/xv1.0", null),
          new Labelled("refs/tags/\uff561.0", null),
          new Labelled("refs/tags/heads/main", null),
          new Labelled("refs/for/refs/tags/v1", null),
          new Labelled("refs/changes/01/1/1", null),
          new Labelled("refs/notes/v1.0", null));

  static final List<Labelled> PROPOSED =
      List.of(
          new Labelled("refs/for/main", PipelineName.CHECK),
          new Labelled("refs/for/main/topic", PipelineName.CHECK),
          new Labelled("refs/for/refs/tags/v1", PipelineName.CHECK),
          new Labelled("refs/changes/42/42/1", PipelineName.CHECK),
          new Labelled("refs/heads/main", null),
          new Labelled("refs/tags/v1.0", null),
          new Labelled("refs/for/../heads/main", null));

  static final List<Map.Entry<PipelineName, Labelled>> MANUAL =
      List.of(
          Map.entry(PipelineName.CHECK, new Labelled("refs/for/main", PipelineName.CHECK)),
          Map.entry(PipelineName.CHECK, new Labelled("refs/heads/main", null)),
          Map.entry(PipelineName.POST, new Labelled("refs/heads/main", PipelineName.POST)),
          Map.entry(PipelineName.POST, new Labelled("refs/tags/v1.0", null)),
          Map.entry(PipelineName.PERIODIC, new Labelled("refs/heads/main", PipelineName.PERIODIC)),
          Map.entry(PipelineName.RELEASE, new Labelled("refs/tags/v1.0", PipelineName.RELEASE)),
          Map.entry(PipelineName.RELEASE, new Labelled("refs/heads/v1.0", null)),
          Map.entry(PipelineName.RELEASE, new Labelled("refs/heads/refs/tags/v1.0", null)),
          Map.entry(PipelineName.GATE, new Labelled("refs/heads/main", null)));

  @Test
  void no_build_ever_lands_on_an_executor_of_another_tier() {
    int buildsets = 0;
    int executions = 0;
    for (int run = 0; run < RUNS; run++) {
      Run r = new Run(BASE_SEED + run);
      r.play();
      executions += r.check();
      buildsets +=
          (int)
              r.store.queries().list(BuildQuery.latest(BuildQuery.MAX_LIMIT)).stream()
                  .map(Build::buildsetId)
                  .distinct()
                  .count();
    }
    // The runs did real work in every tier, so the assertions above were not vacuous.
    assertThat(buildsets).isGreaterThan(RUNS * 3);
    assertThat(executions).isGreaterThan(RUNS * 5);
  }

  /** One seeded run: its store, repos, executors (all ever made) and the events it sent. */
  static final class Run {
    final long seed;
    final Random rnd;
    final InMemoryStore store = new InMemoryStore();
    final FakeRepos repos = new FakeRepos();
    final FakeGate gate = new FakeGate(repos);
    final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T01:00:00Z"));
    final List<FakeExecutor> allExecutors = new ArrayList<>();
    final Map<Long, Labelled> expected = new HashMap<>();
    final Map<Long, TriggerEvent> events = new HashMap<>();
    final TierPolicy policy;
    final SchedulerSettings settings;
    Map<Tier, FakeExecutor> current;
    Scheduler scheduler;
    int changes;
    int seq;

    Run(long seed) {
      this.seed = seed;
      this.rnd = new Random(seed);
      // Asking for a network for untrusted must make no difference.
      policy =
          new TierPolicy(
              Glob.of("v*"),
              TierPolicy.ALL_BRANCHES,
              (c, p) -> true,
              Map.of(
                  Tier.UNTRUSTED,
                  true,
                  Tier.TRUSTED,
                  rnd.nextBoolean(),
                  Tier.PRIVILEGED,
                  rnd.nextBoolean()));
      settings =
          new SchedulerSettings(
              Map.of(
                  Tier.UNTRUSTED,
                  1 + rnd.nextInt(3),
                  Tier.TRUSTED,
                  1 + rnd.nextInt(3),
                  Tier.PRIVILEGED,
                  1),
              TrustedContext.offlineDefaults(),
              policy,
              HOURLY,
              List.of(new RepoRef(C, P)));
      repos.commitConfig(C, P, "refs/heads/main", YAML);
      start();
    }

    void start() {
      Map<Tier, FakeExecutor> m = new EnumMap<>(Tier.class);
      for (Tier t : Tier.values()) {
        FakeExecutor f = new FakeExecutor(t).hold();
        m.put(t, f);
        allExecutors.add(f);
      }
      current = m;
      scheduler =
          new Scheduler(
              new SchedulerPorts(
                  store,
                  repos,
                  TierExecutors.of(m),
                  new InMemoryLogStore(),
                  new RecordingReporter(),
                  SchedulerMetrics.NONE),
              gate.ports(),
              new GateSettings(Map.of("Code-Review", 2), Map.of(), 1 + rnd.nextInt(4)),
              settings,
              clock,
              () -> {});
      scheduler.recover();
    }

    void play() {
      int steps = 10 + rnd.nextInt(15);
      for (int i = 0; i < steps; i++) {
        act();
        if (rnd.nextInt(3) > 0) {
          scheduler.runUntilIdle();
        }
        finishSome();
      }
      scheduler.runUntilIdle();
    }

    private void act() {
      switch (rnd.nextInt(13)) {
        case 0, 1 -> propose(newChange(), "1");
        case 2 -> changes().ifPresent(c -> propose(c, Integer.toString(2 + rnd.nextInt(3))));
        case 3 -> {
          Labelled l = pick(PUSHED);
          String sha = repos.commitConfig(C, P, l.ref(), YAML);
          add(new TriggerEvent.RefUpdated(C, P, l.ref(), "0", sha, Integer.toString(++seq)), l);
        }
        case 4 ->
            changes()
                .ifPresent(
                    c ->
                        add(
                            new TriggerEvent.Recheck(
                                C,
                                P,
                                "main",
                                c,
                                "1",
                                commitOf(c),
                                "refs/for/main",
                                "eve",
                                Integer.toString(++seq)),
                            new Labelled("refs/for/main", PipelineName.CHECK)));
        case 5 ->
            changes()
                .ifPresent(
                    c ->
                        add(
                            new TriggerEvent.ApprovalsChanged(
                                C,
                                P,
                                "main",
                                c,
                                "1",
                                commitOf(c),
                                Map.of("Code-Review", 2),
                                Integer.toString(++seq)),
                            new Labelled("", null)));
        case 6 ->
            changes()
                .ifPresent(
                    c ->
                        add(
                            new TriggerEvent.ChangeAbandoned(C, P, c, Integer.toString(++seq)),
                            new Labelled("", null)));
        case 7 -> {
          var m = pick(MANUAL);
          String sha = repos.commitConfig(C, P, m.getValue().ref(), YAML);
          add(
              new TriggerEvent.Manual(
                  C,
                  P,
                  m.getKey(),
                  m.getValue().ref(),
                  sha,
                  Optional.empty(),
                  Optional.empty(),
                  "admin",
                  Integer.toString(++seq)),
              m.getValue());
        }
        case 8 ->
            add(
                new TriggerEvent.Periodic(C, P, "main", clock.instant()),
                new Labelled("refs/heads/main", PipelineName.PERIODIC));
        case 9 -> someBuild().ifPresent(b -> scheduler.cancel(b.id(), "admin"));
        case 10 -> someBuild().ifPresent(b -> scheduler.retry(b.id(), "admin"));
        case 11 -> {
          if (rnd.nextInt(4) == 0) {
            start(); // a crash: in-memory state and running executions are lost
          }
        }
        default -> clock.advance(Duration.ofHours(1 + rnd.nextInt(4)));
      }
    }

    private String newChange() {
      return "c" + (++changes);
    }

    private Optional<String> changes() {
      return changes == 0 ? Optional.empty() : Optional.of("c" + (1 + rnd.nextInt(changes)));
    }

    private void propose(String change, String ps) {
      Labelled l = pick(PROPOSED);
      String sha = repos.commitConfig(C, P, l.ref(), YAML);
      repos.commitConfig(C, P, "changes/" + change, YAML);
      add(new TriggerEvent.ChangeProposed(C, P, "main", change, ps, sha, l.ref()), l);
    }

    private String commitOf(String change) {
      return repos.resolve(new RepoRef(C, P), "changes/" + change).orElseThrow();
    }

    private void add(TriggerEvent e, Labelled l) {
      Optional<EventRecord> rec = store.transaction(tx -> tx.inbox().add(e, clock.instant()));
      rec.ifPresent(
          r -> {
            expected.put(r.id(), l);
            events.put(r.id(), e);
          });
    }

    private Optional<Build> someBuild() {
      List<Build> all = store.queries().list(BuildQuery.latest(50));
      return all.isEmpty() ? Optional.empty() : Optional.of(all.get(rnd.nextInt(all.size())));
    }

    /** Ends some held executions of the current executors: success, failure or an infra error. */
    private void finishSome() {
      for (FakeExecutor f : current.values()) {
        for (String held : f.heldIds()) {
          if (rnd.nextInt(3) != 0) {
            continue;
          }
          JobOutcome o =
              switch (rnd.nextInt(5)) {
                case 0 -> new JobOutcome.Failed(1);
                case 1 -> new JobOutcome.InfraError("random breakage");
                default -> new JobOutcome.Succeeded();
              };
          f.releaseId(held, o);
        }
      }
    }

    <T> T pick(List<T> l) {
      return l.get(rnd.nextInt(l.size()));
    }

    /** The properties; returns the number of executions seen. */
    int check() {
      String why = "seed " + seed + " (new Run(" + seed + "L) reproduces it)";
      int executions = 0;
      for (FakeExecutor f : allExecutors) {
        Tier tier = f.tier().orElseThrow();
        assertThat(f.refused())
            .as("requests of another tier that reached the %s executor, %s", tier, why)
            .isEmpty();
        for (ExecutionRequest r : f.started()) {
          executions++;
          assertThat(r.tier()).as(why).isEqualTo(tier);
          Build b = store.queries().build(Long.parseLong(r.id().substring(1))).orElseThrow();
          assertThat(b.tier()).as("stored tier of build %s, %s", b.id(), why).isEqualTo(tier);
          assertThat(r.network())
              .as("network of %s job %s, %s", tier, r.id(), why)
              .isEqualTo(tier != Tier.UNTRUSTED && policy.network(tier));
          if (tier == Tier.UNTRUSTED) {
            assertThat(r.network()).as("an untrusted job had a network, %s", why).isFalse();
          }
        }
      }
      List<Build> builds = store.queries().list(BuildQuery.latest(BuildQuery.MAX_LIMIT));
      Map<Long, Buildset> sets = new HashMap<>();
      builds.forEach(
          b ->
              sets.computeIfAbsent(
                  b.buildsetId(), id -> store.queries().buildset(id).orElseThrow()));
      for (Buildset s : sets.values()) {
        for (Build b : builds) {
          if (b.buildsetId() == s.id()) {
            assertThat(b.tier()).as(why).isEqualTo(s.tier());
          }
        }
        Labelled l = expected.get(s.eventId());
        if (l == null) {
          // gate runs (entered by approval) and the scheduler's own periodic events
          assertThat(s.pipeline()).as(why).isIn(PipelineName.GATE, PipelineName.PERIODIC);
          assertThat(s.ref()).as(why).isEqualTo("refs/heads/main");
          assertThat(s.tier()).as(why).isEqualTo(Tier.TRUSTED);
          continue;
        }
        assertThat(l.expect())
            .as(
                "event %s (%s) must start nothing, but started %s, %s",
                s.eventId(), l.ref(), s.pipeline(), why)
            .isNotNull();
        assertThat(s.pipeline()).as(why).isEqualTo(l.expect());
        assertThat(s.tier())
            .as("tier of %s on %s, %s", s.pipeline(), l.ref(), why)
            .isEqualTo(expectedTier(l.expect()));
        TierPolicy.Decision d =
            policy.decide(events.get(s.eventId()), (repo, ref) -> Optional.of("0".repeat(40)));
        assertThat(d).as(why).isInstanceOf(TierPolicy.Decision.Start.class);
        assertThat(((TierPolicy.Decision.Start) d).tier()).as(why).isEqualTo(s.tier());
      }
      return executions;
    }

    /** The tier table of docs/contracts.md §1, written out again independently of TierPolicy. */
    static Tier expectedTier(PipelineName p) {
      return switch (p) {
        case CHECK -> Tier.UNTRUSTED;
        case RELEASE -> Tier.PRIVILEGED;
        default -> Tier.TRUSTED;
      };
    }
  }
}
