package org.seakeeper.scenario;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.model.Cron;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.scheduler.Scheduler;
import org.seakeeper.core.scheduler.SchedulerMetrics;
import org.seakeeper.core.scheduler.SchedulerPorts;
import org.seakeeper.core.scheduler.SchedulerSettings;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.testkit.FakeExecutor;
import org.seakeeper.testkit.FakeRepos;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;
import org.seakeeper.testkit.ManualClock;
import org.seakeeper.testkit.RecordingReporter;

/** A scheduler over fakes, stepped by the test (Zuul's scenario harness, in small). */
final class Harness {
  final InMemoryStore store = new InMemoryStore();
  final FakeRepos repos = new FakeRepos();
  final FakeExecutor executor = new FakeExecutor().hold();
  final InMemoryLogStore logs = new InMemoryLogStore();
  final org.seakeeper.testkit.InMemorySecretStore secrets =
      new org.seakeeper.testkit.InMemorySecretStore();
  final RecordingReporter reporter = new RecordingReporter();
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T10:00:00Z"));
  final org.seakeeper.testkit.FakeGate gate = new org.seakeeper.testkit.FakeGate(repos);
  Scheduler scheduler;

  Harness() {
    this(2);
  }

  Harness(int slots) {
    this(slots, org.seakeeper.core.effect.EffectPorts.inline());
  }

  /** With {@code effects}, e.g. calls a test holds ({@code HeldCalls}). */
  Harness(int slots, org.seakeeper.core.effect.EffectPorts effects) {
    SchedulerSettings settings =
        new SchedulerSettings(
            Map.of(Tier.UNTRUSTED, slots, Tier.TRUSTED, slots, Tier.PRIVILEGED, 1),
            TrustedContext.offlineDefaults(),
            Glob.of("v*"),
            Cron.DAILY_0300,
            List.of(new RepoRef("local", "demo")));
    scheduler =
        new Scheduler(
            new SchedulerPorts(
                    store, repos, executor, logs, reporter, SchedulerMetrics.NONE, secrets)
                .withEffects(effects),
            gate.ports(),
            new org.seakeeper.core.gate.GateSettings(
                Map.of("Code-Review", 2), Map.of("ext", "shared"), 4),
            settings,
            clock,
            () -> {});
    scheduler.recover();
  }

  /** Restarts the scheduler on the same store (as after a crash: in-memory state is lost). */
  void restart() {
    SchedulerSettings settings =
        new SchedulerSettings(
            Map.of(Tier.UNTRUSTED, 2, Tier.TRUSTED, 2, Tier.PRIVILEGED, 1),
            TrustedContext.offlineDefaults(),
            Glob.of("v*"),
            Cron.DAILY_0300,
            List.of(new RepoRef("local", "demo")));
    scheduler =
        new Scheduler(
            new SchedulerPorts(
                store, repos, new FakeExecutor().hold(), logs, reporter, SchedulerMetrics.NONE),
            settings,
            clock,
            () -> {});
    scheduler.recover();
  }

  boolean event(TriggerEvent e) {
    return store.transaction(tx -> tx.inbox().add(e, clock.instant())).isPresent();
  }

  /** Pushes a branch commit with this config and delivers the ref update. */
  String push(String branch, String yaml) {
    String sha = repos.commitConfig("local", "demo", "refs/heads/" + branch, yaml);
    event(new TriggerEvent.RefUpdated("local", "demo", "refs/heads/" + branch, "0", sha, sha));
    return sha;
  }

  /** Uploads patch set {@code ps} of change {@code change}. */
  String upload(String change, String ps, String yaml) {
    String sha = repos.commitConfig("local", "demo", "refs/for/main", yaml);
    event(
        new TriggerEvent.ChangeProposed("local", "demo", "main", change, ps, sha, "refs/for/main"));
    return sha;
  }

  void step() {
    scheduler.runUntilIdle();
  }

  List<Build> builds() {
    return store.queries().list(BuildQuery.latest(1000)).reversed();
  }

  Build build(String job) {
    return builds().stream()
        .filter(b -> b.job().equals(Optional.of(job)))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no build of " + job + " in " + builds()));
  }

  List<Build> attempts(String job) {
    return builds().stream().filter(b -> b.job().equals(Optional.of(job))).toList();
  }

  BuildStatus status(String job) {
    return build(job).status();
  }
}
