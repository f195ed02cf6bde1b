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
}
