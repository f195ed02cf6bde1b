package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.scheduler.Scheduler;
import org.seakeeper.core.scheduler.SchedulerMetrics;
import org.seakeeper.core.scheduler.SchedulerPorts;
import org.seakeeper.core.scheduler.SchedulerSettings;
import org.seakeeper.core.scheduler.TrustedConfigSource;
import org.seakeeper.testkit.FakeExecutor;
import org.seakeeper.testkit.FakeGate;
import org.seakeeper.testkit.FakeRepos;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;
import org.seakeeper.testkit.ManualClock;
import org.seakeeper.testkit.RecordingReporter;

/**
 * Randomized runs of everything that can happen to a trusted config repo (proposals, gate
 * approvals, pushes to other branches and tags, manual triggers, retries, restarts, the nightly
 * run, merges): every job ever handed to the executor for it is a {@code post} or {@code periodic}
 * build of its branch, on a commit that was pushed to that branch.
 */
class ConfigRepoRandomizedTest {
  static final ServerConfig.ConfigRepo REPO =
      new ServerConfig.ConfigRepo("local", "config", "main", "seakeeper.yaml");
  static final String TRUSTED = "base_jobs:\n  base/hello: {run: echo hello}\n";
  static final String OWN =
      "jobs:\n"
          + "  hello: {extends: base/hello}\n"
          + "  canary: {run: echo CANARY}\n"
          + "pipelines:\n"
          + "  check: [hello, canary]\n"
          + "  gate: [canary]\n"
          + "  post: [hello, canary]\n"
          + "  periodic: [canary]\n"
          + "  release: [canary]\n";

  @Test
  void no_unmerged_config_repo_commit_ever_reaches_the_executor_in_200_random_runs() {
    int ran = 0;
    int validated = 0;
    for (int seed = 0; seed < 200; seed++) {
      Run run = new Run(new Random(seed));
      ran += run.play(40);
      validated +=
          (int)
              run.store.queries().list(org.seakeeper.core.store.BuildQuery.latest(1000)).stream()
                  .filter(b -> b.job().isEmpty())
                  .count();
    }
    assertThat(ran).as("merged jobs ran (positive control)").isPositive();
    assertThat(validated).as("unmerged commits were validated").isPositive();
  }

  private static final class Run {
    final Random rnd;
    final InMemoryStore store = new InMemoryStore();
    final FakeRepos repos = new FakeRepos();
    final FakeGate gate = new FakeGate(repos);
    final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T10:00:00Z"));
    final List<FakeExecutor> executors = new ArrayList<>();
    final Set<String> onMain = new HashSet<>();
    final List<String[]> proposals = new ArrayList<>();
    Scheduler scheduler;

    Run(Random rnd) {
      this.rnd = rnd;
      start();
    }

    void start() {
      FakeExecutor ex = rnd.nextBoolean() ? new FakeExecutor() : new FakeExecutor().hold();
      executors.add(ex);
      var server = ServerConfigParser.parse(new byte[0]).sections().orElseThrow();
      TrustedConfigSource source =
          new TrustedConfigSource(
              server,
              Optional.of(REPO),
              repos,
              Optional.empty(),
              TrustedConfigSource.Listener.NONE);
      var initial = source.current();
      SchedulerSettings settings =
          new SchedulerSettings(
              Map.of(Tier.UNTRUSTED, 2, Tier.TRUSTED, 2, Tier.PRIVILEGED, 1),
              initial.context(),
              initial.releaseTags(),
              initial.periodic(),
              List.of(new RepoRef("local", "config")));
      scheduler =
          new Scheduler(
              new SchedulerPorts(
                  store,
                  repos,
                  ex,
                  new InMemoryLogStore(),
                  new RecordingReporter(),
                  SchedulerMetrics.NONE),
              gate.ports(),
              settings,
              source,
              clock,
              () -> {});
      scheduler.recover();
    }

    String files(String ref) {
      String trusted = rnd.nextInt(5) == 0 ? "base_jobs: [broken]\n" : TRUSTED;
      return repos.commit(
          "local", "config", ref, Map.of("seakeeper.yaml", trusted, ".seakeeper.yaml", OWN));
    }

    void event(TriggerEvent e) {
      store.transaction(tx -> tx.inbox().add(e, clock.instant()));
    }

    /** Plays {@code steps} random actions; returns how many jobs were handed to executors. */
    int play(int steps) {
      for (int i = 0; i < steps; i++) {
        switch (rnd.nextInt(10)) {
          case 0, 1 -> {
            String change = "c" + rnd.nextInt(4);
            String sha = files("refs/for/main");
            proposals.add(new String[] {change, sha});
            event(
                new TriggerEvent.ChangeProposed(
                    "local", "config", "main", change, "1", sha, "refs/for/main"));
          }
          case 2 -> {
            if (!proposals.isEmpty()) {
              String[] p = proposals.get(rnd.nextInt(proposals.size()));
              event(
                  new TriggerEvent.ApprovalsChanged(
                      "local",
                      "config",
                      "main",
                      p[0],
                      "1",
                      p[1],
                      Map.of("Code-Review", 2),
                      "reviewer"));
            }
          }
          case 3 -> {
            String ref = rnd.nextBoolean() ? "refs/heads/feature" : "refs/tags/v" + i;
            String sha = files(ref);
            event(new TriggerEvent.RefUpdated("local", "config", ref, "0", sha, sha));
          }
          case 4 -> {
            String sha = files("refs/heads/main");
            onMain.add(sha);
            event(new TriggerEvent.RefUpdated("local", "config", "refs/heads/main", "0", sha, sha));
          }
          case 5 -> {
            List<String> refs =
                List.of("refs/for/main", "refs/heads/main", "refs/heads/feature", "refs/tags/v1");
            scheduler.trigger(
                "local",
                "config",
                PipelineName.values()[rnd.nextInt(PipelineName.values().length)],
                refs.get(rnd.nextInt(refs.size())),
                "admin");
          }
          case 6 -> {
            List<Build> all =
                store.queries().list(org.seakeeper.core.store.BuildQuery.latest(1000));
            if (!all.isEmpty()) {
              scheduler.retry(all.get(rnd.nextInt(all.size())).id(), "admin");
            }
          }
          case 7 -> start(); // a restart: running builds are interrupted and retried
          case 8 -> clock.advance(Duration.ofHours(rnd.nextInt(24)));
          default -> {
            for (FakeExecutor ex : executors) {
              ex.heldJobs()
                  .forEach(
                      j -> ex.release(j, new org.seakeeper.core.executor.JobOutcome.Succeeded()));
            }
          }
        }
        scheduler.runUntilIdle();
      }
      for (FakeExecutor ex : executors) {
        for (ExecutionRequest r : ex.started()) {
          Build b = store.queries().build(Long.parseLong(r.id().substring(1))).orElseThrow();
          assertThat(b.pipeline()).as("build %s", b).isIn(PipelineName.POST, PipelineName.PERIODIC);
          assertThat(b.ref()).as("build %s", b).isEqualTo("refs/heads/main");
          assertThat(onMain).as("build %s", b).contains(b.commit());
        }
      }
      return executors.stream().mapToInt(ex -> ex.started().size()).sum();
    }
  }
}
