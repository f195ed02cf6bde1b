package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.effect.EffectPorts;
import org.seakeeper.core.event.EventRecord;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.gate.GateSettings;
import org.seakeeper.core.model.Cron;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.scheduler.Scheduler;
import org.seakeeper.core.scheduler.SchedulerCommands.CommandResult;
import org.seakeeper.core.scheduler.SchedulerMetrics;
import org.seakeeper.core.scheduler.SchedulerPorts;
import org.seakeeper.core.scheduler.SchedulerSettings;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.core.store.Builds;
import org.seakeeper.core.store.QuarantinedEvent;
import org.seakeeper.core.store.Store;
import org.seakeeper.testkit.FakeExecutor;
import org.seakeeper.testkit.FakeGate;
import org.seakeeper.testkit.FakeRepos;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;
import org.seakeeper.testkit.ManualClock;
import org.seakeeper.testkit.RecordingReporter;

/**
 * An event whose handling fails again and again is set aside (quarantined) so that the scheduler
 * goes on with the rest; an admin retries it (back into the inbox) or drops it (processed, nothing
 * built). Fakes and the stepped scheduler.
 */
class QuarantineScenarioTest {
  static final String YAML = "jobs:\n  test: {run: make test}\npipelines:\n  check: [test]\n";

  final InMemoryStore memory = new InMemoryStore();

  /** Changes whose buildset cannot be written: applying their event throws (a bug). */
  final List<String> broken = new ArrayList<>();

  final Store store = new BreakingStore();
  final FakeRepos repos = new FakeRepos();
  final FakeExecutor executor = new FakeExecutor().hold();
  final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));
  final List<String> incidents = new ArrayList<>();
  final Scheduler scheduler;

  QuarantineScenarioTest() {
    EffectPorts effects =
        EffectPorts.inline()
            .withIncidents(
                (c, what, e, outage) -> {
                  synchronized (incidents) {
                    incidents.add((outage ? "outage " : "bug ") + c + ": " + what);
                  }
                });
    SchedulerSettings settings =
        new SchedulerSettings(
            Map.of(Tier.UNTRUSTED, 10, Tier.TRUSTED, 10, Tier.PRIVILEGED, 1),
            TrustedContext.offlineDefaults(),
            Glob.of("v*"),
            Cron.DAILY_0300,
            List.of(new RepoRef("local", "demo")));
    scheduler =
        new Scheduler(
            new SchedulerPorts(
                    store,
                    repos,
                    executor,
                    new InMemoryLogStore(),
                    new RecordingReporter(),
                    SchedulerMetrics.NONE)
                .withEffects(effects),
            new FakeGate(repos).ports(),
            new GateSettings(Map.of("Code-Review", 2), Map.of(), 20),
            settings,
            clock,
            () -> {});
    scheduler.recover();
  }

  void step() {
    scheduler.runUntilIdle();
  }

  /** Lets every backoff pass, then steps. */
  void later() {
    clock.advance(Duration.ofMinutes(2));
    step();
  }

  List<Build> of(String change) {
    return memory.queries().list(BuildQuery.latest(1000)).stream()
        .filter(b -> b.pipeline() == PipelineName.CHECK && b.change().equals(Optional.of(change)))
        .toList();
  }

  /** Adds a check event of {@code change} to the inbox (not stepping). */
  long upload(String change) {
    String sha = repos.commitConfig("review", "core", "refs/changes/" + change + "/1", YAML);
    return memory
        .transaction(
            tx ->
                tx.inbox()
                    .add(
                        new TriggerEvent.ChangeProposed(
                            "review",
                            "core",
                            "main",
                            change,
                            "1",
                            sha,
                            "refs/changes/" + change + "/1"),
                        clock.instant()))
        .orElseThrow()
        .id();
  }

  List<QuarantinedEvent> quarantined() {
    return memory.queries().quarantined(100);
  }

  /** B is broken; C comes after it on the same connection. Returns B's event id, quarantined. */
  long quarantineB() {
    broken.add("B");
    long b = upload("B");
    upload("C");
    step();
    assertThat(of("C")).as("C waits behind B (order per connection)").isEmpty();
    later();
    assertThat(quarantined()).as("not after two tries").isEmpty();
    assertThat(of("C")).isEmpty();
    later();
    return b;
  }

  @Test
  void a_bug_while_applying_an_event_quarantines_it_after_three_tries_and_the_connection_goes_on() {
    long b = quarantineB();
    assertThat(quarantined())
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.eventId()).isEqualTo(b);
              assertThat(q.connection()).isEqualTo("review");
              assertThat(q.at()).isEqualTo(clock.instant());
              assertThat(q.reason())
                  .contains("applying it failed 3 times")
                  .contains("IllegalStateException")
                  .contains("cannot write the buildset of B");
            });
    assertThat(of("B")).isEmpty();
    assertThat(of("C"))
        .as("a later event of the same connection is built")
        .singleElement()
        .extracting(Build::status)
        .isEqualTo(BuildStatus.RUNNING);
    assertThat(memory.<List<EventRecord>>transaction(tx -> tx.inbox().unprocessed(100))).isEmpty();
    assertThat(incidents)
        .anyMatch(i -> i.startsWith("bug review: apply event " + b + " (attempt 1; retried)"))
        .anyMatch(i -> i.equals("bug review: apply event " + b + " failed 3 times; quarantined"));
    later();
    assertThat(quarantined()).as("it stays set aside").hasSize(1);
    assertThat(of("B")).isEmpty();
  }

  @Test
  void retry_puts_a_quarantined_event_back_into_the_inbox_with_its_failures_forgotten() {
    long b = quarantineB();
    broken.clear(); // the bug is fixed
    CommandResult r = scheduler.retryEvent(b, "admin");
    assertThat(r.code()).as(r.message()).isEqualTo(202);
    assertThat(r.message()).contains("event " + b).contains("admin");
    assertThat(quarantined()).isEmpty();
    step();
    assertThat(of("B")).singleElement().extracting(Build::status).isEqualTo(BuildStatus.RUNNING);
    assertThat(memory.<Optional<EventRecord>>transaction(tx -> tx.inbox().event(b)))
        .hasValueSatisfying(e -> assertThat(e.processedAt()).isPresent());

    CommandResult again = scheduler.retryEvent(b, "admin");
    assertThat(again.code()).isEqualTo(409);
    assertThat(again.error()).isEqualTo("not_quarantined");
    assertThat(again.message()).contains("already processed");
    CommandResult unknown = scheduler.retryEvent(999, "admin");
    assertThat(unknown.code()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("not_found");
  }

  @Test
  void a_retried_event_that_still_fails_gets_three_new_tries_before_it_is_set_aside_again() {
    long b = quarantineB();
    assertThat(scheduler.retryEvent(b, "admin").ok()).isTrue();
    step();
    later();
    assertThat(quarantined()).as("failures start over from zero").isEmpty();
    later();
    assertThat(quarantined()).extracting(QuarantinedEvent::eventId).containsExactly(b);
  }

  @Test
  void drop_marks_a_quarantined_event_processed_and_builds_nothing() {
    long b = quarantineB();
    CommandResult r = scheduler.dropEvent(b, "admin");
    assertThat(r.code()).as(r.message()).isEqualTo(200);
    assertThat(r.message()).contains("dropped").contains("nothing was built");
    broken.clear();
    later();
    assertThat(of("B")).isEmpty();
    assertThat(quarantined()).isEmpty();
    assertThat(memory.<Optional<EventRecord>>transaction(tx -> tx.inbox().event(b)))
        .hasValueSatisfying(e -> assertThat(e.processedAt()).isPresent());
    assertThat(scheduler.dropEvent(b, "admin").code()).isEqualTo(409);
    assertThat(scheduler.dropEvent(999, "admin").code()).isEqualTo(404);
  }

  @Test
  void an_event_not_quarantined_can_be_neither_retried_nor_dropped() {
    broken.add("B");
    long b = upload("B");
    step(); // failed once, waiting for its second try
    CommandResult r = scheduler.dropEvent(b, "admin");
    assertThat(r.code()).isEqualTo(409);
    assertThat(r.message()).contains("still being handled");
    assertThat(scheduler.retryEvent(b, "admin").code()).isEqualTo(409);
  }

  @Test
  void an_event_whose_preparation_is_given_up_errors_its_change_and_is_quarantined() {
    String sha = repos.commitConfig("review", "core", "refs/changes/P/1", YAML);
    repos.poison(sha);
    EventRecord p =
        memory
            .transaction(
                tx ->
                    tx.inbox()
                        .add(
                            new TriggerEvent.ChangeProposed(
                                "review", "core", "main", "P", "1", sha, "refs/changes/P/1"),
                            clock.instant()))
            .orElseThrow();
    step();
    later();
    later();
    assertThat(of("P"))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.status()).isEqualTo(BuildStatus.ERROR);
              assertThat(x.detail()).contains("could not be processed (3 attempts)");
            });
    assertThat(quarantined())
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.eventId()).isEqualTo(p.id());
              assertThat(q.reason())
                  .contains("preparing it failed 3 times")
                  .contains("OutOfMemoryError");
            });
    upload("Q");
    step();
    assertThat(of("Q")).singleElement().extracting(Build::status).isEqualTo(BuildStatus.RUNNING);
    assertThat(scheduler.dropEvent(p.id(), "admin").ok()).isTrue();
    later();
    assertThat(of("P")).as("nothing more built").hasSize(1);
  }

  /** The in-memory store, except that writing a buildset of a broken change throws. */
  private final class BreakingStore implements Store {
    @Override
    public <T> T transaction(Function<Tx, T> work) {
      return memory.transaction(tx -> work.apply(new BreakingTx(tx)));
    }

    @Override
    public BuildQueries queries() {
      return memory.queries();
    }

    @Override
    public void close() {}
  }

  private final class BreakingTx implements Store.Tx {
    private final Store.Tx tx;

    BreakingTx(Store.Tx tx) {
      this.tx = tx;
    }

    @Override
    public org.seakeeper.core.store.Inbox inbox() {
      return tx.inbox();
    }

    @Override
    public Builds builds() {
      Builds real = tx.builds();
      return (Builds)
          Proxy.newProxyInstance(
              Builds.class.getClassLoader(),
              new Class<?>[] {Builds.class},
              (proxy, method, args) -> {
                if (method.getName().equals("insert")
                    && args[0] instanceof Buildset s
                    && s.change().filter(broken::contains).isPresent()) {
                  throw new IllegalStateException(
                      "cannot write the buildset of " + s.change().get());
                }
                try {
                  return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
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
  }
}
