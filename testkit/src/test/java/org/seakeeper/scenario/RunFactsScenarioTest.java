package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
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
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.core.secret.SecretValue;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.core.store.Builds;
import org.seakeeper.core.store.Store;
import org.seakeeper.testkit.FakeExecutor;
import org.seakeeper.testkit.FakeRepos;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemorySecretStore;
import org.seakeeper.testkit.InMemoryStore;
import org.seakeeper.testkit.ManualClock;
import org.seakeeper.testkit.RecordingReporter;

/**
 * A build's run facts are written in the transaction that moves it to running (issue 13): when
 * keeping them fails, the build is not running either, and nothing was handed to an executor; the
 * next scheduler starts it with its facts.
 */
class RunFactsScenarioTest {
  /** {@code inner}, except that {@link Builds#saveRun} throws while {@code failing} is set. */
  private static Store failingSaveRun(InMemoryStore inner, AtomicBoolean failing) {
    return new Store() {
      @Override
      public <T> T transaction(Function<Tx, T> work) {
        return inner.transaction(tx -> work.apply(tx(tx)));
      }

      private Tx tx(Tx tx) {
        Builds builds =
            (Builds)
                Proxy.newProxyInstance(
                    Builds.class.getClassLoader(),
                    new Class<?>[] {Builds.class},
                    (proxy, method, args) -> {
                      if (method.getName().equals("saveRun") && failing.get()) {
                        throw new IllegalStateException("disk full");
                      }
                      try {
                        return method.invoke(tx.builds(), args);
                      } catch (InvocationTargetException e) {
                        throw e.getCause();
                      }
                    });
        return new Tx() {
          @Override
          public org.seakeeper.core.store.Inbox inbox() {
            return tx.inbox();
          }

          @Override
          public Builds builds() {
            return builds;
          }

          @Override
          public org.seakeeper.core.store.Outbox outbox() {
            return tx.outbox();
          }

          @Override
          public org.seakeeper.core.store.GateState gate() {
            return tx.gate();
          }

          @Override
          public org.seakeeper.core.store.Embargoes embargoes() {
            return tx.embargoes();
          }
        };
      }

      @Override
      public BuildQueries queries() {
        return inner.queries();
      }

      @Override
      public void close() {}
    };
  }

  private static Scheduler scheduler(
      Store store,
      FakeRepos repos,
      FakeExecutor executor,
      InMemorySecretStore secrets,
      ManualClock clock) {
    SchedulerSettings settings =
        new SchedulerSettings(
            Map.of(Tier.UNTRUSTED, 2, Tier.TRUSTED, 2, Tier.PRIVILEGED, 1),
            TrustedContext.offlineDefaults(),
            Glob.of("v*"),
            Cron.DAILY_0300,
            List.of(new RepoRef("local", "demo")));
    Scheduler s =
        new Scheduler(
            new SchedulerPorts(
                store,
                repos,
                executor,
                new InMemoryLogStore(),
                new RecordingReporter(),
                SchedulerMetrics.NONE,
                secrets),
            settings,
            clock,
            () -> {});
    s.recover();
    return s;
  }

  @Test
  void when_the_facts_cannot_be_kept_the_build_is_not_running_and_nothing_was_handed_over() {
    InMemoryStore inner = new InMemoryStore();
    AtomicBoolean failing = new AtomicBoolean(true);
    Store store = failingSaveRun(inner, failing);
    FakeRepos repos = new FakeRepos();
    InMemorySecretStore secrets = new InMemorySecretStore();
    secrets.put(SecretBinding.of("local", "demo", "token"), SecretValue.of("tok-1234567890"));
    ManualClock clock = new ManualClock(Instant.parse("2026-11-26T10:00:00Z"));
    FakeExecutor executor = new FakeExecutor().hold();
    String sha =
        repos.commitConfig(
            "local",
            "demo",
            "refs/heads/main",
            """
            jobs:
              publish: {run: make publish, secrets: [token]}
            pipelines:
              post: [publish]
            """);
    inner.transaction(
        tx ->
            tx.inbox()
                .add(
                    new TriggerEvent.RefUpdated("local", "demo", "refs/heads/main", "0", sha, sha),
                    clock.instant()));

    Scheduler first = scheduler(store, repos, executor, secrets, clock);
    assertThatThrownBy(first::runUntilIdle)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("disk full");
    Build publish = inner.queries().list(BuildQuery.latest(10)).getFirst();
    assertThat(publish.status()).isEqualTo(BuildStatus.QUEUED);
    assertThat(publish.startedAt()).isEmpty();
    assertThat(inner.queries().run(publish.id())).isEmpty();
    assertThat(executor.started()).as("nothing handed to an executor").isEmpty();

    failing.set(false);
    FakeExecutor next = new FakeExecutor().hold();
    scheduler(store, repos, next, secrets, clock).runUntilIdle();
    Build started = inner.queries().build(publish.id()).orElseThrow();
    assertThat(started.status()).isEqualTo(BuildStatus.RUNNING);
    assertThat(inner.queries().run(started.id()))
        .hasValueSatisfying(r -> assertThat(r.secrets()).containsExactly("token"));
    assertThat(next.started())
        .singleElement()
        .satisfies(r -> assertThat(r.jobName()).isEqualTo("publish"));
  }
}
