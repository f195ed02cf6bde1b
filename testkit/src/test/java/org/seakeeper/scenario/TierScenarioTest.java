package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.TierExecutors;
import org.seakeeper.core.model.Cron;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.scheduler.Scheduler;
import org.seakeeper.core.scheduler.SchedulerCommands;
import org.seakeeper.core.scheduler.SchedulerMetrics;
import org.seakeeper.core.scheduler.SchedulerPorts;
import org.seakeeper.core.scheduler.SchedulerSettings;
import org.seakeeper.core.scheduler.TierPolicy;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.testkit.FakeExecutor;
import org.seakeeper.testkit.FakeRepos;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;
import org.seakeeper.testkit.ManualClock;
import org.seakeeper.testkit.RecordingReporter;

/** Ref confusion through the scheduler, with one bound executor per tier (docs/contracts.md §1). */
class TierScenarioTest {
  static final String YAML =
      "jobs:\n"
          + "  show: {run: echo hi}\n"
          + "pipelines:\n"
          + "  check: [show]\n"
          + "  post: [show]\n"
          + "  periodic: [show]\n"
          + "  release: [show]\n";

  final InMemoryStore store = new InMemoryStore();
  final FakeRepos repos = new FakeRepos();
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T10:00:00Z"));
  final Map<Tier, FakeExecutor> executors = new EnumMap<>(Tier.class);
  final List<String> refused = Collections.synchronizedList(new ArrayList<>());
  Scheduler scheduler;

  void start(TierPolicy policy) {
    for (Tier t : Tier.values()) {
      executors.put(t, new FakeExecutor(t));
    }
    SchedulerMetrics metrics =
        new SchedulerMetrics() {
          @Override
          public void eventReceived() {}

          @Override
          public void buildStarted(Tier tier, java.time.Duration queueWait) {}

          @Override
          public void buildFinished(
              org.seakeeper.core.build.BuildStatus status, java.time.Duration duration) {}

          @Override
          public void gauges(int queued, int slotsInUse) {}

          @Override
          public void eventRefused(String connection, String project, String why) {
            refused.add(why);
          }
        };
    SchedulerSettings settings =
        new SchedulerSettings(
            Map.of(Tier.UNTRUSTED, 2, Tier.TRUSTED, 2, Tier.PRIVILEGED, 1),
            TrustedContext.offlineDefaults(),
            policy,
            Cron.DAILY_0300,
            List.of());
    scheduler =
        new Scheduler(
            new SchedulerPorts(
                store,
                repos,
                TierExecutors.of(executors),
                new InMemoryLogStore(),
                new RecordingReporter(),
                metrics),
            settings,
            clock,
            () -> {});
    scheduler.recover();
  }

  void push(String ref) {
    String sha = repos.commitConfig("local", "demo", ref, YAML);
    store.transaction(
        tx ->
            tx.inbox()
                .add(
                    new TriggerEvent.RefUpdated("local", "demo", ref, "0", sha, ref),
                    clock.instant()));
  }

  void propose(String ref) {
    String sha = repos.commitConfig("local", "demo", ref, YAML);
    store.transaction(
        tx ->
            tx.inbox()
                .add(
                    new TriggerEvent.ChangeProposed(
                        "local", "demo", "main", "c-" + ref, "1", sha, ref),
                    clock.instant()));
  }

  List<String> builds() {
    return store.queries().list(BuildQuery.latest(100)).reversed().stream()
        .map(b -> b.pipeline().id() + " " + b.ref() + " " + b.tier().id() + " " + b.status().id())
        .toList();
  }

  @Test
  void a_branch_or_change_named_like_a_tag_never_reaches_the_privileged_executor() {
    start(TierPolicy.defaults(Glob.of("v*")));
    push("refs/heads/v1.0");
    push("refs/heads/refs/tags/v1.0");
    push("refs/heads/tags/v1");
    push("refs/tags/main");
    push("refs/tags/V1.0");
    propose("refs/for/refs/tags/v1");
    propose("refs/tags/v1.0"); // a "change" whose ref is a tag: not a proposal
    push("refs/tags/v1.0");
    scheduler.runUntilIdle();

    assertThat(builds())
        .containsExactly(
            "post refs/heads/v1.0 trusted success",
            "check refs/for/refs/tags/v1 untrusted success",
            "release refs/tags/v1.0 privileged success");
    assertThat(refused)
        .hasSize(5)
        .anyMatch(w -> w.contains("refs/heads/refs/tags/v1.0") && w.contains("ambiguous"))
        .anyMatch(w -> w.contains("refs/tags/main") && w.contains("release pattern"))
        .anyMatch(w -> w.contains("check runs on a proposed change"));
    assertThat(executors.get(Tier.PRIVILEGED).started())
        .extracting(ExecutionRequest::jobName)
        .containsExactly("show");
    assertThat(executors.get(Tier.PRIVILEGED).started()).allMatch(r -> r.tier() == Tier.PRIVILEGED);
    assertThat(executors.get(Tier.UNTRUSTED).started())
        .singleElement()
        .satisfies(r -> assertThat(r.network()).isFalse());
    assertThat(executors.values()).allSatisfy(f -> assertThat(f.refused()).isEmpty());
  }

  @Test
  void manual_triggers_on_a_ref_of_the_wrong_kind_are_refused_with_422() {
    start(TierPolicy.defaults(Glob.of("v*")));
    repos.commitConfig("local", "demo", "refs/heads/v1.0", YAML);
    repos.commitConfig("local", "demo", "refs/heads/refs/tags/v1.0", YAML);
    SchedulerCommands.CommandResult r =
        scheduler.trigger("local", "demo", PipelineName.RELEASE, "refs/heads/v1.0", "admin");
    assertThat(r.code()).isEqualTo(422);
    assertThat(
            scheduler
                .trigger(
                    "local", "demo", PipelineName.RELEASE, "refs/heads/refs/tags/v1.0", "admin")
                .code())
        .isEqualTo(422);
    assertThat(
            scheduler
                .trigger("local", "demo", PipelineName.POST, "refs/heads/refs/tags/v1.0", "admin")
                .message())
        .contains("ambiguous");
    scheduler.runUntilIdle();
    assertThat(builds()).isEmpty();
  }

  @Test
  void
      with_protected_refs_only_those_branches_start_trusted_builds_and_trusted_network_follows_the_config() {
    start(
        new TierPolicy(
            Glob.of("v*"),
            List.of(Glob.of("refs/heads/main")),
            (c, p) -> true,
            Map.of(Tier.UNTRUSTED, true, Tier.TRUSTED, false)));
    push("refs/heads/main");
    push("refs/heads/feature");
    propose("refs/for/feature");
    scheduler.runUntilIdle();
    assertThat(builds())
        .containsExactly(
            "post refs/heads/main trusted success", "check refs/for/feature untrusted success");
    assertThat(refused).singleElement().asString().contains("not a protected ref");
    assertThat(executors.get(Tier.TRUSTED).started())
        .singleElement()
        .satisfies(r -> assertThat(r.network()).isFalse());
    assertThat(executors.get(Tier.UNTRUSTED).started())
        .singleElement()
        .satisfies(r -> assertThat(r.network()).isFalse());
    Optional<Build> post =
        store.queries().list(BuildQuery.latest(10)).stream()
            .filter(b -> b.pipeline() == PipelineName.POST)
            .findFirst();
    assertThat(post).isPresent();
  }
}
