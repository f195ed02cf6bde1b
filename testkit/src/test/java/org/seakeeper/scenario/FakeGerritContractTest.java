package org.seakeeper.scenario;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.GuardedExecutor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.Cron;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.scheduler.Scheduler;
import org.seakeeper.core.scheduler.SchedulerMetrics;
import org.seakeeper.core.scheduler.SchedulerPorts;
import org.seakeeper.core.scheduler.SchedulerSettings;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.testkit.FakeExecutor;
import org.seakeeper.testkit.FakeGerrit;
import org.seakeeper.testkit.FakeRepos;
import org.seakeeper.testkit.GerritContract;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;
import org.seakeeper.testkit.ManualClock;

/**
 * The fake Gerrit and the scheduler, stepped by hand, pass the same contract as the real Gerrit.
 */
class FakeGerritContractTest extends GerritContract {
  static final String URL = "http://ci.example.org/";
  private final InMemoryStore store = new InMemoryStore();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T10:00:00Z"));
  private FakeGerrit gerrit;
  private Scheduler scheduler;

  /** Runs scripts as the fake executor does, except that {@code sleep} runs until cancelled. */
  static final class SleepingExecutor extends GuardedExecutor {
    private final FakeExecutor scripts = new FakeExecutor();

    SleepingExecutor() {
      super(java.util.Optional.empty());
    }

    @Override
    protected Execution launch(ExecutionRequest request, OutputSink output) {
      if (!request.script().strip().startsWith("sleep")) {
        return scripts.start(request, output);
      }
      CompletableFuture<Result> result = new CompletableFuture<>();
      return new Execution() {
        @Override
        public CompletionStage<Result> result() {
          return result;
        }

        @Override
        public void cancel() {
          result.complete(new Result(new JobOutcome.Cancelled(), Duration.ZERO, List.of()));
        }
      };
    }
  }

  @BeforeEach
  void start() {
    FakeRepos repos = new FakeRepos();
    gerrit =
        new FakeGerrit(
            "review",
            repos,
            e -> store.transaction(tx -> tx.inbox().add(e, clock.instant())).isPresent(),
            URL);
    SchedulerSettings settings =
        new SchedulerSettings(
            Map.of(Tier.UNTRUSTED, 2, Tier.TRUSTED, 2, Tier.PRIVILEGED, 1),
            TrustedContext.offlineDefaults(),
            Glob.of("v*"),
            Cron.DAILY_0300,
            List.of());
    scheduler =
        new Scheduler(
            new SchedulerPorts(
                store,
                repos,
                new SleepingExecutor(),
                new InMemoryLogStore(),
                gerrit,
                SchedulerMetrics.NONE),
            settings,
            clock,
            () -> {});
    scheduler.recover();
  }

  @Override
  protected ChangeHandle upload(Map<String, String> files) {
    return new ChangeHandle(gerrit.upload("demo", "master", files));
  }

  @Override
  protected void uploadPatchset(ChangeHandle c, Map<String, String> files) {
    gerrit.newPatchset(c.number(), files);
  }

  @Override
  protected void comment(ChangeHandle c, String text) {
    gerrit.comment(c.number(), "developer", text);
  }

  @Override
  protected void abandon(ChangeHandle c) {
    gerrit.abandon(c.number());
  }

  @Override
  protected List<Vote> votes(ChangeHandle c) {
    return gerrit.reviews(c.number()).stream()
        .map(
            p ->
                new Vote(
                    p.patchset(),
                    p.review().verified(),
                    p.review().message(),
                    p.review().comments().stream()
                        .collect(
                            Collectors.toMap(
                                l -> l.line(), l -> l.message(), (a, b) -> a + "\n" + b))))
        .toList();
  }

  @Override
  protected List<BuildRow> builds(ChangeHandle c) {
    return store.queries().list(BuildQuery.latest(1000)).reversed().stream()
        .filter(b -> b.change().equals(java.util.Optional.of(c.number())))
        .map(FakeGerritContractTest::row)
        .toList();
  }

  private static BuildRow row(Build b) {
    return new BuildRow(
        Long.toString(b.id()), b.patchset().orElse(""), b.status().id(), b.owner().orElse(""));
  }

  @Override
  protected <T> T await(Callable<T> probe, Predicate<T> ok) throws Exception {
    for (int i = 0; i < 5; i++) {
      scheduler.runUntilIdle();
      T seen = probe.call();
      if (ok.test(seen)) {
        return seen;
      }
      clock.advance(Duration.ofSeconds(1));
    }
    throw new AssertionError("not reached after stepping the scheduler; saw " + probe.call());
  }

  @Override
  protected void settle() {
    scheduler.runUntilIdle();
  }

  @Override
  protected String uploader() {
    return FakeGerrit.UPLOADER;
  }

  @Override
  protected String publicUrl() {
    return URL;
  }
}
