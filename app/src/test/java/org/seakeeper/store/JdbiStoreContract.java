package org.seakeeper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.event.EventRecord;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.core.store.OutboxEntry;
import org.seakeeper.core.store.OutboxKind;
import org.seakeeper.core.store.Store;
import org.seakeeper.testkit.StoreContract;

/** What the SQL stores do beyond {@link StoreContract}: durability, concurrency, limits. */
abstract class JdbiStoreContract extends StoreContract {
  /** Closes {@link #store} and opens the same database again. */
  protected abstract Store reopen();

  @Override
  protected long configBlobCount() {
    return ((JdbiStore) store).configBlobCount();
  }

  @Test
  void deferrals_dependencies_and_config_sources_survive_reopening_the_store() {
    ChangeRef dep = new ChangeRef("review", "lib", "main", "42", "3", "beef");
    byte[] yaml = "pipelines: {}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    long[] ids =
        store.transaction(
            tx -> {
              Buildset s = tx.builds().insert(buildset("demo"));
              tx.builds().saveDependencies(s.id(), List.of(dep));
              tx.builds().saveConfigSource(s.id(), yaml);
              long e =
                  tx.outbox()
                      .add(new OutboxEntry(0, s.id(), OutboxKind.SUBMIT, T0, Optional.empty()))
                      .id();
              tx.outbox().defer(e, T0.plusSeconds(5), "HTTP 502");
              return new long[] {s.id(), e};
            });
    store = reopen();
    store.transaction(
        tx -> {
          assertThat(tx.builds().dependencies(ids[0])).containsExactly(dep);
          assertThat(tx.builds().configSource(ids[0]))
              .hasValueSatisfying(b -> assertThat(b).isEqualTo(yaml));
          assertThat(tx.outbox().pending(10, T0)).isEmpty();
          OutboxEntry e = tx.outbox().pending(10, T0.plusSeconds(5)).getFirst();
          assertThat(e)
              .isEqualTo(
                  new OutboxEntry(
                      ids[1],
                      ids[0],
                      OutboxKind.SUBMIT,
                      T0,
                      Optional.empty(),
                      1,
                      Optional.of(T0.plusSeconds(5)),
                      Optional.of("HTTP 502")));
          return null;
        });
  }

  private List<EventRecord> unprocessed(int limit) {
    return store.transaction(tx -> tx.inbox().unprocessed(limit));
  }

  private long events() {
    Long n = store.transaction(tx -> tx.inbox().count());
    return n;
  }

  private static TriggerEvent ref(String sequence) {
    return new TriggerEvent.RefUpdated(
        "local", "demo", "refs/heads/main", "0000", "abcd", sequence);
  }

  @Test
  void committed_work_survives_reopening_the_store() {
    long buildId =
        store.transaction(
            tx -> {
              tx.inbox().add(ref("1"), T0);
              Buildset s = tx.builds().insert(buildset("demo"));
              return tx.builds().insert(build(s.id(), "test", BuildStatus.QUEUED)).id();
            });
    store = reopen();
    assertThat(store.queries().build(buildId)).map(Build::job).contains(Optional.of("test"));
    assertThat(unprocessed(10)).extracting(EventRecord::event).containsExactly(ref("1"));
    long next =
        store.transaction(
            tx ->
                tx.builds()
                    .insert(
                        build(
                            store.queries().build(buildId).orElseThrow().buildsetId(),
                            "again",
                            BuildStatus.QUEUED))
                    .id());
    assertThat(next).isGreaterThan(buildId);
  }

  @Test
  void a_duplicate_event_leaves_the_rest_of_the_transaction_working() {
    store.transaction(
        tx -> {
          tx.inbox().add(ref("1"), T0);
          return null;
        });
    long buildsetId =
        store.transaction(
            tx -> {
              assertThat(tx.inbox().add(ref("1"), T0)).isEmpty();
              assertThat(tx.inbox().add(ref("2"), T0)).isPresent();
              return tx.builds().insert(buildset("demo")).id();
            });
    assertThat(store.queries().buildset(buildsetId)).isPresent();
    assertThat(events()).isEqualTo(2);
  }

  @Test
  void concurrent_connections_adding_the_same_event_store_it_once() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> adds = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        String mine = "mine-" + i;
        adds.add(
            () ->
                store.transaction(
                    tx -> {
                      tx.inbox().add(ref(mine), T0).orElseThrow();
                      return tx.inbox().add(ref("shared"), T0).isPresent();
                    }));
      }
      long winners = 0;
      for (Future<Boolean> f : pool.invokeAll(adds)) {
        winners += f.get() ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(events()).isEqualTo(33);
    assertThat(unprocessed(100)).extracting(EventRecord::id).isSorted();
  }

  @Test
  void very_long_content_keys_are_still_deduplicated() {
    TriggerEvent longKey = ref("x".repeat(5000));
    store.transaction(
        tx -> {
          assertThat(tx.inbox().add(longKey, T0)).isPresent();
          assertThat(tx.inbox().add(longKey, T0)).isEmpty();
          assertThat(tx.inbox().add(ref("y".repeat(5000)), T0)).isPresent();
          return null;
        });
    assertThat(unprocessed(10)).first().extracting(EventRecord::event).isEqualTo(longKey);
  }

  @Test
  void updating_or_marking_what_does_not_exist_fails_and_rolls_back() {
    Build ghost = build(1, "ghost", BuildStatus.QUEUED).withId(999);
    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.builds().insert(buildset("demo"));
                      tx.builds().update(ghost);
                      return null;
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("999");
    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.inbox().markProcessed(42, T0);
                      return null;
                    }))
        .isInstanceOf(IllegalArgumentException.class);
    List<Buildset> unfinished = store.transaction(tx -> tx.builds().unfinished());
    assertThat(unfinished).isEmpty();
  }

  @Test
  void queries_with_no_match_and_empty_status_sets_return_nothing() {
    assertThat(store.queries().build(1)).isEmpty();
    assertThat(store.queries().buildset(1)).isEmpty();
    assertThat(store.queries().countByStatus()).isEmpty();
    assertThat(store.queries().list(BuildQuery.latest(1))).isEmpty();
    List<Build> none = store.transaction(tx -> tx.builds().withStatus(java.util.Set.of()));
    assertThat(none).isEmpty();
  }

  /**
   * The kept config's JSON, as the database holds it, stays within 64 KiB in UTF-8 however the
   * pushed job is written: characters the JSON escapes six times over, quotes, three-byte
   * characters, emoji, many long variables, long globs and names.
   */
  @Test
  void a_stored_run_config_is_at_most_64_kib_of_json_whatever_the_job() {
    java.util.Map<String, String> manyVars = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 3_000; i++) {
      manyVars.put("V" + i, "\u0001".repeat(500));
    }
    List<org.seakeeper.core.model.Job> jobs =
        List.of(
            runJob("\u0001".repeat(200_000), HARD_VARIABLES),
            runJob("\"\\".repeat(100_000), HARD_VARIABLES),
            runJob("\u2603".repeat(100_000), manyVars),
            runJob("\ud83d\ude00".repeat(100_000) + "\ud800", manyVars),
            runJob("x".repeat(65_536), java.util.Map.of("BIG", "\n".repeat(100_000))),
            new org.seakeeper.core.model.Job(
                "n".repeat(100_000),
                "true",
                java.time.Duration.ofSeconds(1),
                "host",
                java.util.Collections.nCopies(2_000, "need-" + "a".repeat(100)),
                java.util.Collections.nCopies(2_000, "**/" + "\u0002".repeat(100)),
                List.of(),
                manyVars,
                0,
                1,
                org.seakeeper.core.model.When.ALWAYS,
                "d".repeat(100_000),
                Optional.empty()));
    for (int i = 0; i < jobs.size(); i++) {
      org.seakeeper.core.model.Job job = jobs.get(i);
      org.seakeeper.core.build.BuildRun run =
          org.seakeeper.core.build.BuildRun.of(job, List.of(), false);
      long id =
          store.transaction(
              tx -> {
                long s = tx.builds().insert(buildset("demo")).id();
                long b = tx.builds().insert(build(s, "test", BuildStatus.RUNNING)).id();
                tx.builds().saveRun(b, run);
                return b;
              });
      String json = ((JdbiStore) store).storedRunConfig(id).orElseThrow();
      assertThat(json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
          .as("job %d", i)
          .isLessThanOrEqualTo(org.seakeeper.core.build.RunConfig.MAX_JSON_BYTES);
      assertThat(run.config().cut()).isNotEmpty();
      Optional<org.seakeeper.core.build.BuildRun> read =
          store.transaction(tx -> tx.builds().run(id));
      assertThat(read).contains(run);
    }
  }
}
