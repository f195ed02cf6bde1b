package org.seakeeper.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.event.EventRecord;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.core.store.Embargo;
import org.seakeeper.core.store.Outbox;
import org.seakeeper.core.store.OutboxEntry;
import org.seakeeper.core.store.OutboxKind;
import org.seakeeper.core.store.QuarantinedEvent;
import org.seakeeper.core.store.Store;

/**
 * What every {@link Store} does: the in-memory store, H2 and PostgreSQL all pass these tests.
 * Instants are compared at millisecond precision, the least a store must keep.
 */
public abstract class StoreContract {
  protected Store store;
  protected static final Instant T0 = Instant.parse("2026-11-26T10:00:00.123Z");

  /** A new, empty store. */
  protected abstract Store newStore();

  @BeforeEach
  void open() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static Buildset buildset(String project) {
    return new Buildset(
        0,
        1,
        "local",
        project,
        Optional.of("I123"),
        Optional.of("2"),
        "refs/for/main",
        "c0ffee",
        PipelineName.CHECK,
        Tier.UNTRUSTED,
        T0,
        Optional.empty());
  }

  protected static Build build(long buildsetId, String job, BuildStatus status) {
    return new Build(
        0,
        buildsetId,
        "local",
        "demo",
        Optional.of("I123"),
        Optional.of("2"),
        "refs/for/main",
        "c0ffee",
        PipelineName.CHECK,
        Optional.ofNullable(job),
        1,
        status,
        Tier.UNTRUSTED,
        List.of("a", "b"),
        T0,
        Optional.empty(),
        Optional.empty(),
        "",
        Optional.empty());
  }

  private long eventCount() {
    Long n = store.transaction(tx -> tx.inbox().count());
    return n;
  }

  private List<EventRecord> unprocessed(int limit) {
    return store.transaction(tx -> tx.inbox().unprocessed(limit));
  }

  /** How many distinct config sources the store holds (equal contents must be kept once). */
  protected abstract long configBlobCount();

  private List<OutboxEntry> pending(Instant now) {
    return store.transaction(tx -> tx.outbox().pending(10, now));
  }

  private List<Outbox.PendingCount> pendingCounts() {
    return store.transaction(tx -> tx.outbox().pendingCounts());
  }

  private List<ChangeRef> dependencies(long buildsetId) {
    return store.transaction(tx -> tx.builds().dependencies(buildsetId));
  }

  private Optional<byte[]> configSource(long buildsetId) {
    return store.transaction(tx -> tx.builds().configSource(buildsetId));
  }

  private static OutboxEntry entry(long buildsetId, OutboxKind kind) {
    return new OutboxEntry(0, buildsetId, kind, T0, Optional.empty());
  }

  @Test
  void every_event_kind_round_trips_through_the_inbox() {
    List<TriggerEvent> events =
        List.of(
            new TriggerEvent.RefUpdated("local", "demo", "refs/heads/main", "0000", "abcd", ""),
            new TriggerEvent.ChangeProposed(
                "local", "demo", "main", "I42", "3", "beef", "refs/for/main"),
            new TriggerEvent.ChangeProposed(
                "review",
                "demo",
                "main",
                "43",
                "1",
                "cafe",
                "refs/changes/43/43/1",
                Optional.of("jane")),
            new TriggerEvent.Periodic("local", "demo", "main", T0),
            new TriggerEvent.Manual(
                "local",
                "demo",
                PipelineName.POST,
                "refs/heads/main",
                "abcd",
                Optional.empty(),
                Optional.empty(),
                "admin",
                "n1"),
            new TriggerEvent.Manual(
                "review",
                "demo",
                PipelineName.CHECK,
                "refs/changes/42/42/3",
                "beef",
                Optional.of("42"),
                Optional.of("3"),
                "admin",
                "n2"),
            new TriggerEvent.Recheck(
                "review",
                "demo",
                "main",
                "42",
                "3",
                "beef",
                "refs/changes/42/42/3",
                "jane",
                "1700000000"),
            new TriggerEvent.Recheck(
                "review",
                "demo",
                "main",
                "43",
                "1",
                "cafe",
                "refs/changes/43/43/1",
                "joe",
                "1700000003",
                Optional.of("jane@example.com")),
            new TriggerEvent.ChangeAbandoned("review", "demo", "42", "1700000001"),
            new TriggerEvent.ApprovalsChanged(
                "review",
                "demo",
                "main",
                "42",
                "3",
                "beef",
                java.util.Map.of("Code-Review", 2, "Verified", 1),
                "1700000002"),
            new TriggerEvent.Embargoed(
                TriggerEvent.EMBARGOED,
                "demo",
                "local",
                "refs/heads/main",
                "c0ffee",
                "e1",
                "admin"));
    store.transaction(
        tx -> {
          events.forEach(e -> assertThat(tx.inbox().add(e, T0)).isPresent());
          return null;
        });
    List<EventRecord> back = unprocessed(100);
    assertThat(back).extracting(EventRecord::event).containsExactlyElementsOf(events);
    assertThat(back.getFirst().receivedAt()).isEqualTo(T0.truncatedTo(ChronoUnit.MILLIS));
  }

  @Test
  void a_duplicate_event_of_the_same_connection_is_ignored() {
    var e = new TriggerEvent.RefUpdated("local", "demo", "refs/heads/main", "0000", "abcd", "");
    var other = new TriggerEvent.RefUpdated("other", "demo", "refs/heads/main", "0000", "abcd", "");
    store.transaction(
        tx -> {
          assertThat(tx.inbox().add(e, T0)).isPresent();
          assertThat(tx.inbox().add(e, T0)).isEmpty();
          assertThat(tx.inbox().add(other, T0)).isPresent();
          return null;
        });
    assertThat(eventCount()).isEqualTo(2);
  }

  @Test
  void processed_events_leave_the_unprocessed_list_in_order() {
    store.transaction(
        tx -> {
          for (int i = 0; i < 5; i++) {
            tx.inbox()
                .add(
                    new TriggerEvent.RefUpdated(
                        "local", "demo", "refs/heads/main", "a" + i, "b" + i, ""),
                    T0.plusSeconds(i));
          }
          return null;
        });
    List<EventRecord> all = unprocessed(10);
    assertThat(all).extracting(EventRecord::id).isSorted().hasSize(5);
    store.transaction(
        tx -> {
          tx.inbox().markProcessed(all.get(1).id(), T0);
          return null;
        });
    assertThat(unprocessed(2))
        .extracting(EventRecord::id)
        .containsExactly(all.get(0).id(), all.get(2).id());
  }

  @Test
  void unprocessed_events_can_leave_out_connections_that_wait() {
    store.transaction(
        tx -> {
          for (int i = 0; i < 3; i++) {
            tx.inbox()
                .add(
                    new TriggerEvent.RefUpdated(
                        "review", "core", "refs/heads/main", "a" + i, "b" + i, ""),
                    T0.plusSeconds(i));
            tx.inbox()
                .add(
                    new TriggerEvent.RefUpdated(
                        "other", "core", "refs/heads/main", "a" + i, "b" + i, ""),
                    T0.plusSeconds(i));
            tx.inbox()
                .add(
                    new TriggerEvent.RefUpdated(
                        "local", "demo", "refs/heads/main", "a" + i, "b" + i, ""),
                    T0.plusSeconds(i));
          }
          return null;
        });
    List<EventRecord> rest =
        store.transaction(tx -> tx.inbox().unprocessed(2, java.util.Set.of("review", "other")));
    assertThat(rest)
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.event().connection()).isEqualTo("local"))
        .extracting(EventRecord::id)
        .isSorted();
    List<EventRecord> withoutReview =
        store.transaction(tx -> tx.inbox().unprocessed(100, java.util.Set.of("review")));
    assertThat(withoutReview).hasSize(6);
  }

  private <T> T inTx(java.util.function.Function<Store.Tx, T> work) {
    return store.transaction(work);
  }

  private List<EventRecord> addEvents(String connection, int n) {
    return store.transaction(
        tx -> {
          List<EventRecord> out = new java.util.ArrayList<>();
          for (int i = 0; i < n; i++) {
            out.add(
                tx.inbox()
                    .add(
                        new TriggerEvent.RefUpdated(
                            connection, "demo", "refs/heads/main", "q" + i, "r" + i, ""),
                        T0.plusSeconds(i))
                    .orElseThrow());
          }
          return out;
        });
  }

  @Test
  void a_quarantined_event_leaves_the_unprocessed_list_until_released() {
    List<EventRecord> all = addEvents("local", 3);
    long id = all.get(1).id();
    store.transaction(
        tx -> {
          tx.inbox().quarantine(id, "applying it failed 3 times: boom", T0.plusSeconds(60));
          return null;
        });
    assertThat(unprocessed(10))
        .extracting(EventRecord::id)
        .containsExactly(all.get(0).id(), all.get(2).id());
    assertThat(
            this.<List<EventRecord>>inTx(
                tx -> tx.inbox().unprocessed(10, java.util.Set.of("elsewhere"))))
        .extracting(EventRecord::id)
        .containsExactly(all.get(0).id(), all.get(2).id());
    QuarantinedEvent q =
        this.<Optional<QuarantinedEvent>>inTx(tx -> tx.inbox().quarantined(id)).orElseThrow();
    assertThat(q.eventId()).isEqualTo(id);
    assertThat(q.connection()).isEqualTo("local");
    assertThat(q.at()).isEqualTo(T0.plusSeconds(60));
    assertThat(q.reason()).isEqualTo("applying it failed 3 times: boom");
    assertThat(q.event().event()).isEqualTo(all.get(1).event());
    assertThat(q.event().processedAt()).isEmpty();
    assertThat(this.<Long>inTx(tx -> tx.inbox().quarantinedCount())).isEqualTo(1L);
    assertThat(store.queries().quarantinedCount()).isEqualTo(1L);
    assertThat(store.queries().quarantined(10))
        .extracting(QuarantinedEvent::eventId)
        .containsExactly(id);
    assertThat(store.queries().publicView().quarantined(10)).isEmpty();
    assertThat(store.queries().publicView().quarantinedCount()).isZero();
    assertThat(this.<Optional<QuarantinedEvent>>inTx(tx -> tx.inbox().quarantined(all.get(0).id())))
        .isEmpty();

    assertThat(this.<Boolean>inTx(tx -> tx.inbox().release(id))).isTrue();
    assertThat(this.<Boolean>inTx(tx -> tx.inbox().release(id))).as("only once").isFalse();
    assertThat(unprocessed(10))
        .extracting(EventRecord::id)
        .containsExactlyElementsOf(all.stream().map(EventRecord::id).toList());
    assertThat(this.<Long>inTx(tx -> tx.inbox().quarantinedCount())).isZero();
    assertThat(store.queries().quarantined(10)).isEmpty();
  }

  @Test
  void quarantined_events_are_listed_most_recent_first_and_can_be_set_aside_again() {
    List<EventRecord> all = addEvents("review", 4);
    store.transaction(
        tx -> {
          tx.inbox().quarantine(all.get(0).id(), "first", T0.plusSeconds(10));
          tx.inbox().quarantine(all.get(3).id(), "second", T0.plusSeconds(20));
          tx.inbox().quarantine(all.get(2).id(), "third", T0.plusSeconds(30));
          return null;
        });
    assertThat(this.<List<QuarantinedEvent>>inTx(tx -> tx.inbox().quarantinedLatest(2)))
        .extracting(QuarantinedEvent::reason)
        .containsExactly("third", "second");
    assertThat(store.queries().quarantined(10))
        .extracting(QuarantinedEvent::reason)
        .containsExactly("third", "second", "first");
    store.transaction(
        tx -> {
          tx.inbox().release(all.get(0).id());
          tx.inbox().quarantine(all.get(0).id(), "again", T0.plusSeconds(40));
          return null;
        });
    assertThat(store.queries().quarantined(1))
        .singleElement()
        .extracting(QuarantinedEvent::reason)
        .isEqualTo("again");
  }

  @Test
  void a_dropped_quarantined_event_is_processed_and_gone_from_the_quarantine() {
    List<EventRecord> all = addEvents("local", 2);
    long id = all.get(0).id();
    store.transaction(
        tx -> {
          tx.inbox().quarantine(id, "boom", T0);
          return null;
        });
    store.transaction(
        tx -> {
          assertThat(tx.inbox().release(id)).isTrue();
          tx.inbox().markProcessed(id, T0.plusSeconds(5));
          return null;
        });
    assertThat(unprocessed(10)).extracting(EventRecord::id).containsExactly(all.get(1).id());
    assertThat(this.<Optional<EventRecord>>inTx(tx -> tx.inbox().event(id)))
        .hasValueSatisfying(e -> assertThat(e.processedAt()).isPresent());
    assertThat(this.<Optional<EventRecord>>inTx(tx -> tx.inbox().event(999_999))).isEmpty();
    assertThat(store.queries().quarantinedCount()).isZero();
  }

  @Test
  void only_an_unprocessed_known_event_can_be_quarantined_and_a_quarantine_rolls_back() {
    List<EventRecord> all = addEvents("local", 2);
    store.transaction(
        tx -> {
          tx.inbox().markProcessed(all.get(0).id(), T0);
          return null;
        });
    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.inbox().quarantine(999_999, "x", T0);
                      return null;
                    }))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.inbox().quarantine(all.get(0).id(), "x", T0);
                      return null;
                    }))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.inbox().quarantine(all.get(1).id(), "x", T0);
                      tx.inbox().quarantine(all.get(1).id(), "twice", T0);
                      return null;
                    }))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.queries().quarantinedCount()).as("rolled back").isZero();
    assertThat(unprocessed(10)).extracting(EventRecord::id).containsExactly(all.get(1).id());
  }

  @Test
  void a_failing_transaction_leaves_nothing_behind() {
    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.inbox()
                          .add(
                              new TriggerEvent.RefUpdated(
                                  "local", "demo", "refs/heads/main", "x", "y", ""),
                              T0);
                      Buildset s = tx.builds().insert(buildset("demo"));
                      tx.builds().insert(build(s.id(), "a", BuildStatus.QUEUED));
                      throw new IllegalStateException("boom");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("boom");
    assertThat(eventCount()).isZero();
    assertThat(store.queries().list(BuildQuery.latest(10))).isEmpty();
  }

  @Test
  void builds_round_trip_every_field_and_updates_replace_them() {
    Build stored =
        store.transaction(
            tx -> {
              Buildset s = tx.builds().insert(buildset("demo"));
              return tx.builds().insert(build(s.id(), "test", BuildStatus.QUEUED));
            });
    assertThat(stored.id()).isPositive();
    Build running = stored.moveTo(BuildStatus.RUNNING, T0.plusSeconds(1), null);
    Build done =
        running
            .moveTo(BuildStatus.FAILURE, T0.plusSeconds(3), "exit 2")
            .withLogSha256("ab".repeat(32));
    store.transaction(
        tx -> {
          tx.builds().update(done);
          return null;
        });
    Build back = store.queries().build(stored.id()).orElseThrow();
    assertThat(back).isEqualTo(done);
    Build nulls =
        store.transaction(
            tx ->
                tx.builds()
                    .insert(
                        new Build(
                            0,
                            stored.buildsetId(),
                            "local",
                            "demo",
                            Optional.empty(),
                            Optional.empty(),
                            "refs/heads/main",
                            "abc",
                            PipelineName.POST,
                            Optional.empty(),
                            2,
                            BuildStatus.CONFIG_ERROR,
                            Tier.TRUSTED,
                            List.of(),
                            T0,
                            Optional.empty(),
                            Optional.of(T0),
                            ".seakeeper.yaml:1:1: error: x",
                            Optional.empty())));
    assertThat(store.queries().build(nulls.id())).contains(nulls);
  }

  @Test
  void a_changes_owner_round_trips_on_buildsets_and_builds_and_is_found_by_change() {
    Buildset owned = withOwner(buildset("demo"), Optional.of("jane"));
    long[] ids =
        store.transaction(
            tx -> {
              Buildset older = tx.builds().insert(owned);
              Buildset unknown = tx.builds().insert(buildset("demo")); // e.g. an old row
              Build b = tx.builds().insert(Build.queued(older, Optional.of("x"), List.of(), T0));
              tx.builds().insert(Build.queued(unknown, Optional.of("y"), List.of(), T0));
              tx.builds().update(b.moveTo(BuildStatus.RUNNING, T0, null));
              tx.builds().update(older.finished(T0));
              return new long[] {older.id(), unknown.id(), b.id()};
            });
    store.transaction(
        tx -> {
          assertThat(tx.builds().buildset(ids[0]).orElseThrow().owner()).contains("jane");
          assertThat(tx.builds().buildset(ids[1]).orElseThrow().owner()).isEmpty();
          assertThat(tx.builds().build(ids[2]).orElseThrow().owner()).contains("jane");
          assertThat(tx.builds().ofBuildset(ids[1]).getFirst().owner()).isEmpty();
          // the newest buildset without an owner does not hide the one recorded before
          assertThat(tx.builds().changeOwner("local", "demo", "I123")).contains("jane");
          assertThat(tx.builds().changeOwner("local", "demo", "I999")).isEmpty();
          assertThat(tx.builds().changeOwner("local", "other", "I123")).isEmpty();
          assertThat(tx.builds().changeOwner("review", "demo", "I123")).isEmpty();
          return null;
        });
    assertThat(store.queries().build(ids[2]).orElseThrow().owner()).contains("jane");
    assertThat(store.queries().buildset(ids[0]).orElseThrow().owner()).contains("jane");
    assertThat(
            store
                .queries()
                .list(
                    new BuildQuery(
                        Optional.empty(),
                        Optional.of("demo"),
                        Optional.of("I123"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        10)))
        .extracting(Build::owner)
        .containsExactly(Optional.empty(), Optional.of("jane"));
    // a later owner of the same change wins (the newest buildset that has one)
    store.transaction(
        tx -> tx.builds().insert(withOwner(buildset("demo"), Optional.of("jane@example.com"))));
    Optional<String> latest =
        store.transaction(tx -> tx.builds().changeOwner("local", "demo", "I123"));
    assertThat(latest).contains("jane@example.com");
  }

  private static Buildset withOwner(Buildset s, Optional<String> owner) {
    return new Buildset(
        s.id(),
        s.eventId(),
        s.connection(),
        s.project(),
        s.change(),
        s.patchset(),
        owner,
        s.ref(),
        s.commit(),
        s.pipeline(),
        s.tier(),
        s.createdAt(),
        s.finishedAt());
  }

  @Test
  void buildsets_and_builds_by_buildset_and_status() {
    long[] ids =
        store.transaction(
            tx -> {
              Buildset a = tx.builds().insert(buildset("a"));
              Buildset b = tx.builds().insert(buildset("b"));
              tx.builds().insert(build(a.id(), "x", BuildStatus.QUEUED));
              tx.builds().insert(build(b.id(), "y", BuildStatus.SKIPPED));
              tx.builds().insert(build(a.id(), "z", BuildStatus.SKIPPED));
              tx.builds().update(b.finished(T0));
              return new long[] {a.id(), b.id()};
            });
    store.transaction(
        tx -> {
          assertThat(tx.builds().ofBuildset(ids[0]))
              .extracting(x -> x.job().orElseThrow())
              .containsExactly("x", "z");
          assertThat(tx.builds().withStatus(Set.of(BuildStatus.SKIPPED)))
              .extracting(x -> x.job().orElseThrow())
              .containsExactly("y", "z");
          assertThat(tx.builds().unfinished()).extracting(Buildset::id).containsExactly(ids[0]);
          assertThat(tx.builds().buildset(ids[1]).orElseThrow().finishedAt())
              .contains(T0.truncatedTo(ChronoUnit.MILLIS));
          return null;
        });
    assertThat(store.queries().buildset(ids[0]).orElseThrow().project()).isEqualTo("a");
  }

  @Test
  void queries_list_newest_first_with_filters_and_paging() {
    store.transaction(
        tx -> {
          Buildset s = tx.builds().insert(buildset("demo"));
          for (int i = 0; i < 10; i++) {
            tx.builds()
                .insert(
                    build(s.id(), "j" + i, i % 2 == 0 ? BuildStatus.QUEUED : BuildStatus.SKIPPED));
          }
          return null;
        });
    List<Build> all = store.queries().list(BuildQuery.latest(100));
    assertThat(all)
        .extracting(Build::id)
        .isSortedAccordingTo((a, b) -> Long.compare(b, a))
        .hasSize(10);
    List<Build> page =
        store
            .queries()
            .list(
                new BuildQuery(
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(all.get(3).id()),
                    3));
    assertThat(page)
        .extracting(Build::id)
        .containsExactly(all.get(4).id(), all.get(5).id(), all.get(6).id());
    assertThat(
            store
                .queries()
                .list(
                    new BuildQuery(
                        Optional.of("local"),
                        Optional.of("demo"),
                        Optional.of("I123"),
                        Optional.of(PipelineName.CHECK),
                        Optional.of(BuildStatus.SKIPPED),
                        Optional.empty(),
                        100)))
        .hasSize(5);
    assertThat(
            store
                .queries()
                .list(
                    new BuildQuery(
                        Optional.empty(),
                        Optional.of("other"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        100)))
        .isEmpty();
    assertThat(
            store
                .queries()
                .list(
                    new BuildQuery(
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(PipelineName.POST),
                        Optional.empty(),
                        Optional.empty(),
                        100)))
        .isEmpty();
    assertThat(store.queries().countByStatus())
        .containsEntry(BuildStatus.QUEUED, 5L)
        .containsEntry(BuildStatus.SKIPPED, 5L);
  }

  @Test
  void outbox_entries_stay_pending_until_delivered() {
    OutboxEntry e =
        store.transaction(
            tx -> {
              Buildset s = tx.builds().insert(buildset("demo"));
              tx.outbox().add(entry(s.id(), OutboxKind.BUILDSET_FINISHED));
              return tx.outbox().add(entry(s.id(), OutboxKind.BUILDSET_STARTED));
            });
    assertThat(pending(T0)).hasSize(2);
    store.transaction(
        tx -> {
          tx.outbox().markDelivered(e.id(), T0);
          return null;
        });
    assertThat(pending(T0))
        .extracting(OutboxEntry::kind)
        .containsExactly(OutboxKind.BUILDSET_FINISHED);
  }

  @Test
  void every_outbox_kind_round_trips_and_a_new_entry_has_no_attempts() {
    List<OutboxEntry> added =
        store.transaction(
            tx -> {
              Buildset s = tx.builds().insert(buildset("demo"));
              return java.util.Arrays.stream(OutboxKind.values())
                  .map(k -> tx.outbox().add(entry(s.id(), k)))
                  .toList();
            });
    assertThat(added)
        .extracting(OutboxEntry::id)
        .isSorted()
        .doesNotHaveDuplicates()
        .allMatch(id -> id > 0);
    assertThat(pending(T0)).containsExactlyElementsOf(added);
    assertThat(pending(T0)).extracting(OutboxEntry::kind).containsExactly(OutboxKind.values());
    assertThat(pending(T0))
        .allSatisfy(
            x -> {
              assertThat(x.attempts()).isZero();
              assertThat(x.notBefore()).isEmpty();
              assertThat(x.lastError()).isEmpty();
              assertThat(x.createdAt()).isEqualTo(T0);
            });
  }

  @Test
  void outbox_kinds_keep_the_ids_stored_before_they_were_an_enum() {
    assertThat(java.util.Arrays.stream(OutboxKind.values()).map(OutboxKind::id))
        .containsExactly(
            "buildset-finished", "buildset-started", "gate-failed", "gate-merged", "submit");
    assertThat(OutboxKind.parse("gate-merged")).contains(OutboxKind.GATE_MERGED);
    assertThat(OutboxKind.parse("GATE_MERGED")).isEmpty();
  }

  @Test
  void a_deferred_entry_is_not_pending_before_its_time_and_counts_its_attempts() {
    long[] ids =
        store.transaction(
            tx -> {
              Buildset s = tx.builds().insert(buildset("demo"));
              return new long[] {
                tx.outbox().add(entry(s.id(), OutboxKind.SUBMIT)).id(),
                tx.outbox().add(entry(s.id(), OutboxKind.GATE_MERGED)).id()
              };
            });
    Instant retry = T0.plusSeconds(30);
    store.transaction(
        tx -> {
          tx.outbox().defer(ids[0], retry, "review: HTTP 503 Service Unavailable");
          return null;
        });
    assertThat(pending(T0))
        .as("held back, the later entry is offered")
        .extracting(OutboxEntry::id)
        .containsExactly(ids[1]);
    assertThat(pending(retry.minusMillis(1))).extracting(OutboxEntry::id).containsExactly(ids[1]);
    assertThat(pending(retry))
        .as("due at its notBefore, oldest first again")
        .extracting(OutboxEntry::id)
        .containsExactly(ids[0], ids[1]);
    OutboxEntry once = pending(retry).getFirst();
    assertThat(once.attempts()).isEqualTo(1);
    assertThat(once.notBefore()).contains(retry);
    assertThat(once.lastError()).contains("review: HTTP 503 Service Unavailable");

    Instant later = T0.plusSeconds(90);
    store.transaction(
        tx -> {
          tx.outbox().defer(ids[0], later, "connect timed out");
          return null;
        });
    assertThat(pending(retry)).extracting(OutboxEntry::id).containsExactly(ids[1]);
    OutboxEntry twice = pending(later.plusSeconds(1)).getFirst();
    assertThat(twice.id()).isEqualTo(ids[0]);
    assertThat(twice.attempts()).isEqualTo(2);
    assertThat(twice.notBefore()).contains(later);
    assertThat(twice.lastError()).contains("connect timed out");

    store.transaction(
        tx -> {
          tx.outbox().markDelivered(ids[0], later);
          return null;
        });
    assertThat(pending(later.plusSeconds(1))).extracting(OutboxEntry::id).containsExactly(ids[1]);
  }

  @Test
  void pending_honours_its_limit_oldest_first() {
    List<Long> ids =
        store.transaction(
            tx -> {
              Buildset s = tx.builds().insert(buildset("demo"));
              List<Long> out = new java.util.ArrayList<>();
              for (int i = 0; i < 5; i++) {
                out.add(tx.outbox().add(entry(s.id(), OutboxKind.BUILDSET_FINISHED)).id());
              }
              tx.outbox().defer(out.get(1), T0.plusSeconds(60), "later");
              return out;
            });
    List<OutboxEntry> two = store.transaction(tx -> tx.outbox().pending(2, T0));
    assertThat(two).extracting(OutboxEntry::id).containsExactly(ids.get(0), ids.get(2));
  }

  @Test
  void deferring_or_delivering_an_unknown_entry_fails() {
    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.outbox().defer(999, T0, "x");
                      return null;
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("999");
    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.outbox().markDelivered(999, T0);
                      return null;
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("999");
  }

  @Test
  void a_deferral_rolls_back_with_its_transaction() {
    long id =
        store.transaction(
            tx ->
                tx.outbox()
                    .add(entry(tx.builds().insert(buildset("demo")).id(), OutboxKind.SUBMIT))
                    .id());
    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.outbox().defer(id, T0.plusSeconds(60), "x");
                      throw new IllegalStateException("boom");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(pending(T0))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.attempts()).isZero();
              assertThat(e.lastError()).isEmpty();
            });
  }

  @Test
  void pending_counts_group_undelivered_entries_by_connection_and_kind() {
    assertThat(pendingCounts()).isEmpty();
    store.transaction(
        tx -> {
          Buildset local = tx.builds().insert(buildset("demo"));
          Buildset b = buildset("demo");
          Buildset review =
              tx.builds()
                  .insert(
                      new Buildset(
                          0,
                          1,
                          "review",
                          "demo",
                          b.change(),
                          b.patchset(),
                          b.ref(),
                          b.commit(),
                          PipelineName.GATE,
                          b.tier(),
                          T0,
                          Optional.empty()));
          Buildset review2 =
              tx.builds()
                  .insert(
                      new Buildset(
                          0,
                          1,
                          "review",
                          "other",
                          b.change(),
                          b.patchset(),
                          b.ref(),
                          b.commit(),
                          PipelineName.GATE,
                          b.tier(),
                          T0,
                          Optional.empty()));
          tx.outbox().add(entry(local.id(), OutboxKind.BUILDSET_FINISHED));
          tx.outbox().add(entry(local.id(), OutboxKind.BUILDSET_STARTED));
          tx.outbox().add(entry(review.id(), OutboxKind.SUBMIT));
          long deferred = tx.outbox().add(entry(review2.id(), OutboxKind.SUBMIT)).id();
          tx.outbox().defer(deferred, T0.plusSeconds(600), "503");
          tx.outbox().add(entry(review.id(), OutboxKind.GATE_MERGED));
          long delivered = tx.outbox().add(entry(review2.id(), OutboxKind.GATE_FAILED)).id();
          tx.outbox().markDelivered(delivered, T0);
          return null;
        });
    assertThat(pendingCounts())
        .as("deferred entries count, delivered ones do not")
        .containsExactlyInAnyOrder(
            new Outbox.PendingCount("local", OutboxKind.BUILDSET_FINISHED, 1),
            new Outbox.PendingCount("local", OutboxKind.BUILDSET_STARTED, 1),
            new Outbox.PendingCount("review", OutboxKind.SUBMIT, 2),
            new Outbox.PendingCount("review", OutboxKind.GATE_MERGED, 1));
  }

  // ---- what a queued build needs after a restart: dependency checkouts and the config source ----

  private static ChangeRef dep(String project, String change) {
    return new ChangeRef("review", project, "main", change, "3", "c0ffee" + change);
  }

  @Test
  void buildset_dependencies_are_kept_in_order_and_replaced_whole() {
    long[] ids =
        store.transaction(
            tx ->
                new long[] {
                  tx.builds().insert(buildset("demo")).id(),
                  tx.builds().insert(buildset("demo")).id()
                });
    List<ChangeRef> deps = List.of(dep("zeta", "9"), dep("alpha", "1"), dep("mid/dle", "5"));
    store.transaction(
        tx -> {
          assertThat(tx.builds().dependencies(ids[0])).isEmpty();
          tx.builds().saveDependencies(ids[0], deps);
          tx.builds().saveDependencies(ids[1], List.of(dep("alpha", "2")));
          return null;
        });
    store.transaction(
        tx -> {
          assertThat(tx.builds().dependencies(ids[0])).containsExactlyElementsOf(deps);
          assertThat(tx.builds().dependencies(ids[1])).containsExactly(dep("alpha", "2"));
          assertThat(tx.builds().dependencies(424242)).isEmpty();
          tx.builds().saveDependencies(ids[0], List.of(dep("beta", "7")));
          tx.builds().saveDependencies(ids[1], List.of());
          return null;
        });
    store.transaction(
        tx -> {
          assertThat(tx.builds().dependencies(ids[0])).containsExactly(dep("beta", "7"));
          assertThat(tx.builds().dependencies(ids[1])).isEmpty();
          return null;
        });
  }

  @Test
  void buildset_dependencies_roll_back_with_their_transaction_and_need_the_buildset() {
    long id = store.transaction(tx -> tx.builds().insert(buildset("demo")).id());
    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.builds().saveDependencies(id, List.of(dep("alpha", "1")));
                      throw new IllegalStateException("boom");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(dependencies(id)).isEmpty();
    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.builds().saveDependencies(424242, List.of(dep("alpha", "1")));
                      return null;
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("424242");
  }

  @Test
  void a_buildset_config_source_round_trips_byte_for_byte() {
    byte[] yaml =
        "pipelines:\n  check:\n    jobs: [test]\n# caf\u00e9\n"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] binary = new byte[] {0, (byte) 0xff, (byte) 0xfe, 10, 0, 13};
    byte[] large = new byte[300 * 1024];
    new java.util.Random(7).nextBytes(large);
    long[] ids =
        store.transaction(
            tx ->
                new long[] {
                  tx.builds().insert(buildset("a")).id(),
                  tx.builds().insert(buildset("b")).id(),
                  tx.builds().insert(buildset("c")).id(),
                  tx.builds().insert(buildset("d")).id()
                });
    store.transaction(
        tx -> {
          tx.builds().saveConfigSource(ids[0], yaml);
          tx.builds().saveConfigSource(ids[1], binary);
          tx.builds().saveConfigSource(ids[2], large);
          return null;
        });
    store.transaction(
        tx -> {
          assertThat(tx.builds().configSource(ids[0]))
              .hasValueSatisfying(b -> assertThat(b).isEqualTo(yaml));
          assertThat(tx.builds().configSource(ids[1]))
              .hasValueSatisfying(b -> assertThat(b).isEqualTo(binary));
          assertThat(tx.builds().configSource(ids[2]))
              .hasValueSatisfying(b -> assertThat(b).isEqualTo(large));
          assertThat(tx.builds().configSource(ids[3])).isEmpty();
          assertThat(tx.builds().configSource(424242)).isEmpty();
          tx.builds().saveConfigSource(ids[3], new byte[0]);
          tx.builds().saveConfigSource(ids[0], binary);
          return null;
        });
    store.transaction(
        tx -> {
          assertThat(tx.builds().configSource(ids[3]))
              .hasValueSatisfying(b -> assertThat(b).isEmpty());
          assertThat(tx.builds().configSource(ids[0]))
              .as("replaced")
              .hasValueSatisfying(b -> assertThat(b).isEqualTo(binary));
          return null;
        });
  }

  @Test
  void equal_config_sources_are_stored_once() {
    byte[] yaml = "pipelines: {}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    List<Long> ids =
        store.transaction(
            tx -> {
              List<Long> out = new java.util.ArrayList<>();
              for (int i = 0; i < 50; i++) {
                long id = tx.builds().insert(buildset("demo")).id();
                tx.builds().saveConfigSource(id, yaml.clone());
                out.add(id);
              }
              return out;
            });
    store.transaction(
        tx -> {
          tx.builds()
              .saveConfigSource(
                  tx.builds().insert(buildset("demo")).id(),
                  "other: 1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
          return null;
        });
    assertThat(configBlobCount()).isEqualTo(2);
    store.transaction(
        tx -> {
          ids.forEach(
              id ->
                  assertThat(tx.builds().configSource(id))
                      .hasValueSatisfying(b -> assertThat(b).isEqualTo(yaml)));
          return null;
        });
  }

  @Test
  void a_config_source_is_a_copy_rolls_back_with_its_transaction_and_needs_the_buildset() {
    long id = store.transaction(tx -> tx.builds().insert(buildset("demo")).id());
    byte[] mine = {1, 2, 3};
    store.transaction(
        tx -> {
          tx.builds().saveConfigSource(id, mine);
          return null;
        });
    mine[0] = 9;
    byte[] read = configSource(id).orElseThrow();
    assertThat(read).containsExactly(1, 2, 3);
    read[1] = 9;
    assertThat(configSource(id).orElseThrow()).containsExactly(1, 2, 3);

    long other = store.transaction(tx -> tx.builds().insert(buildset("demo")).id());
    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.builds().saveConfigSource(other, new byte[] {4});
                      throw new IllegalStateException("boom");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(configSource(other)).isEmpty();
    assertThat(configBlobCount()).isEqualTo(1);
    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.builds().saveConfigSource(424242, new byte[] {5});
                      return null;
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("424242");
  }

  private java.util.Map<String, List<TriggerEvent.ApprovalsChanged>> gateQueues() {
    return store.transaction(tx -> tx.gate().queues());
  }

  private List<TriggerEvent.ApprovalsChanged> gateApprovals() {
    return store.transaction(tx -> tx.gate().approvals());
  }

  private List<org.seakeeper.core.store.GateState.Rejected> gateRejected() {
    return store.transaction(tx -> tx.gate().rejected());
  }

  private static TriggerEvent.ApprovalsChanged approved(
      String project, String change, String patchset) {
    return new TriggerEvent.ApprovalsChanged(
        "review",
        project,
        "main",
        change,
        patchset,
        "c" + change + patchset,
        java.util.Map.of("Code-Review", 2),
        "seq-" + change);
  }

  @Test
  void gate_queues_keep_their_order_and_are_replaced_or_removed_whole() {
    store.transaction(
        tx -> {
          tx.gate()
              .saveQueue(
                  "core",
                  List.of(
                      approved("core", "3", "1"),
                      approved("ext", "1", "2"),
                      approved("core", "2", "1")));
          tx.gate().saveQueue("docs", List.of(approved("docs", "9", "1")));
          return null;
        });
    assertThat(gateQueues()).containsOnlyKeys("core", "docs");
    assertThat(gateQueues().get("core"))
        .containsExactly(
            approved("core", "3", "1"), approved("ext", "1", "2"), approved("core", "2", "1"));
    store.transaction(
        tx -> {
          tx.gate().saveQueue("core", List.of(approved("core", "2", "1")));
          tx.gate().saveQueue("docs", List.of());
          return null;
        });
    assertThat(gateQueues()).containsOnlyKeys("core");
    assertThat(gateQueues().get("core")).containsExactly(approved("core", "2", "1"));
  }

  @Test
  void gate_approvals_and_rejections_are_kept_per_change_and_roll_back_with_the_transaction() {
    store.transaction(
        tx -> {
          tx.gate().saveApprovals(approved("core", "1", "1"));
          tx.gate().saveApprovals(approved("core", "2", "1"));
          tx.gate().saveApprovals(approved("core", "1", "2"));
          tx.gate()
              .reject(new org.seakeeper.core.store.GateState.Rejected("review", "core", "2", "1"));
          return null;
        });
    assertThat(gateApprovals())
        .containsExactly(approved("core", "1", "2"), approved("core", "2", "1"));
    assertThat(gateRejected())
        .containsExactly(
            new org.seakeeper.core.store.GateState.Rejected("review", "core", "2", "1"));
    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.gate().forgetApprovals("review", "core", "1");
                      tx.gate().unreject("review", "core", "2");
                      throw new IllegalStateException("boom");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(gateApprovals()).hasSize(2);
    store.transaction(
        tx -> {
          tx.gate().forgetApprovals("review", "core", "1");
          tx.gate().forgetApprovals("review", "core", "2");
          return null;
        });
    assertThat(gateApprovals()).isEmpty();
    assertThat(gateRejected())
        .extracting(org.seakeeper.core.store.GateState.Rejected::change)
        .containsExactly("2");
    store.transaction(
        tx -> {
          tx.gate().unreject("review", "core", "2");
          return null;
        });
    assertThat(gateRejected()).isEmpty();
  }

  // ---- embargoed builds (docs/contracts.md §6: neither listed nor readable without the token)

  /** An embargo of a new inbox event, and one buildset of that event with {@code jobs} builds. */
  private Embargo embargoWithBuilds(String id, int jobs) {
    return store.transaction(
        tx -> {
          EventRecord ev =
              tx.inbox()
                  .add(
                      new TriggerEvent.Embargoed(
                          TriggerEvent.EMBARGOED,
                          "demo",
                          "local",
                          "refs/heads/main",
                          "c0ffee",
                          id,
                          "admin"),
                      T0)
                  .orElseThrow();
          Embargo e =
              new Embargo(
                  id,
                  ev.id(),
                  "local",
                  "demo",
                  "refs/heads/main",
                  "ba5e",
                  "c0ffee",
                  "admin",
                  T0,
                  Optional.empty());
          tx.embargoes().add(e);
          Buildset s =
              tx.builds()
                  .insert(
                      new Buildset(
                          0,
                          ev.id(),
                          TriggerEvent.EMBARGOED,
                          "demo",
                          Optional.empty(),
                          Optional.empty(),
                          "refs/embargoed/" + id,
                          "c0ffee",
                          PipelineName.RELEASE,
                          Tier.PRIVILEGED,
                          T0,
                          Optional.empty()));
          for (int i = 0; i < jobs; i++) {
            tx.builds().insert(build(s.id(), "secret" + i, BuildStatus.RUNNING));
          }
          return e;
        });
  }

  private void publicBuilds(int n) {
    store.transaction(
        tx -> {
          EventRecord ev =
              tx.inbox()
                  .add(
                      new TriggerEvent.RefUpdated(
                          "local",
                          "demo",
                          "refs/heads/main",
                          "0000",
                          "abcd",
                          "seq" + tx.inbox().count()),
                      T0)
                  .orElseThrow();
          Buildset b = buildset("demo");
          Buildset s =
              tx.builds()
                  .insert(
                      new Buildset(
                          0,
                          ev.id(),
                          b.connection(),
                          b.project(),
                          b.change(),
                          b.patchset(),
                          b.ref(),
                          b.commit(),
                          b.pipeline(),
                          b.tier(),
                          b.createdAt(),
                          b.finishedAt()));
          for (int i = 0; i < n; i++) {
            tx.builds().insert(build(s.id(), "open" + i, BuildStatus.QUEUED));
          }
          return null;
        });
  }

  private boolean publish(String id, Instant at) {
    Boolean done = store.transaction(tx -> tx.embargoes().publish(id, at));
    return done;
  }

  @Test
  void embargo_marks_round_trip_and_publish_once() {
    Embargo e = embargoWithBuilds("e-1", 2);
    Embargo f =
        store.transaction(
            tx -> {
              EventRecord ev =
                  tx.inbox()
                      .add(
                          new TriggerEvent.Embargoed(
                              TriggerEvent.EMBARGOED,
                              "demo",
                              "local",
                              "refs/tags/v1",
                              "beef",
                              "e-2",
                              "admin"),
                          T0.plusSeconds(1))
                      .orElseThrow();
              Embargo m =
                  new Embargo(
                      "e-2",
                      ev.id(),
                      "local",
                      "demo",
                      "refs/tags/v1",
                      "ba5e",
                      "beef",
                      "admin",
                      T0.plusSeconds(1),
                      Optional.empty());
              tx.embargoes().add(m);
              return m;
            });
    store.transaction(
        tx -> {
          assertThat(tx.embargoes().get("e-1")).contains(e);
          assertThat(tx.embargoes().get("nope")).isEmpty();
          assertThat(tx.embargoes().all()).containsExactly(f, e);
          assertThat(tx.embargoes().buildsets("e-1")).hasSize(1);
          assertThat(tx.embargoes().buildsets("e-2")).isEmpty();
          assertThatThrownBy(() -> tx.embargoes().add(e)).isInstanceOf(RuntimeException.class);
          return null;
        });
    Instant at = T0.plusSeconds(60);
    assertThat(publish("e-1", at)).isTrue();
    assertThat(publish("e-1", at.plusSeconds(1))).as("published once").isFalse();
    assertThat(publish("nope", at)).isFalse();
    assertThat(store.transaction(tx -> tx.embargoes().get("e-1")).orElseThrow().publishedAt())
        .contains(at.truncatedTo(ChronoUnit.MILLIS));
  }

  @Test
  void the_public_view_neither_lists_counts_nor_finds_embargoed_builds_until_published() {
    publicBuilds(3);
    Embargo e = embargoWithBuilds("e-1", 4);
    publicBuilds(3);
    List<Build> all = store.queries().list(BuildQuery.latest(100));
    assertThat(all).as("the full view (scheduler, admin) sees everything").hasSize(10);
    List<Build> hidden = all.stream().filter(b -> b.job().orElse("").startsWith("secret")).toList();
    assertThat(hidden).hasSize(4);
    long hiddenSet = hidden.getFirst().buildsetId();

    var open = store.queries().publicView();
    assertThat(open.list(BuildQuery.latest(100)))
        .hasSize(6)
        .noneMatch(b -> b.job().orElse("").startsWith("secret"));
    assertThat(open.build(hidden.getFirst().id())).isEmpty();
    assertThat(open.buildset(hiddenSet)).isEmpty();
    assertThat(open.build(all.getFirst().id())).isPresent();
    assertThat(open.countByStatus())
        .containsEntry(BuildStatus.QUEUED, 6L)
        .doesNotContainKey(BuildStatus.RUNNING);
    assertThat(
            open.list(
                new BuildQuery(
                    Optional.of("local"),
                    Optional.of("demo"),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(BuildStatus.RUNNING),
                    Optional.empty(),
                    100)))
        .isEmpty();
    assertThat(
            store
                .queries()
                .list(
                    new BuildQuery(
                        Optional.of("local"),
                        Optional.of("demo"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(BuildStatus.RUNNING),
                        Optional.empty(),
                        100)))
        .hasSize(4);
    assertThat(open.publicView()).as("the public view of the public view").isSameAs(open);

    // paging is filtered in the query: pages of 2 are full and cover exactly the public builds
    List<Long> paged = new java.util.ArrayList<>();
    Optional<Long> before = Optional.empty();
    while (true) {
      List<Build> page =
          open.list(
              new BuildQuery(
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty(),
                  before,
                  2));
      if (page.isEmpty()) {
        break;
      }
      assertThat(page).hasSize(2);
      page.forEach(b -> paged.add(b.id()));
      before = Optional.of(page.getLast().id());
    }
    assertThat(paged)
        .containsExactlyElementsOf(
            open.list(BuildQuery.latest(100)).stream().map(Build::id).toList());

    // a retry of an embargoed build (a new build of the same buildset) stays hidden
    Build retry =
        store.transaction(
            tx -> tx.builds().insert(build(hiddenSet, "secret0", BuildStatus.QUEUED)));
    assertThat(open.build(retry.id())).isEmpty();

    store.transaction(tx -> tx.embargoes().publish(e.id(), T0.plusSeconds(5)));
    assertThat(open.list(BuildQuery.latest(100))).hasSize(11);
    assertThat(open.build(hidden.getFirst().id())).isPresent();
    assertThat(open.buildset(hiddenSet)).isPresent();
    assertThat(open.countByStatus())
        .containsEntry(BuildStatus.RUNNING, 4L)
        .containsEntry(BuildStatus.QUEUED, 7L);
  }

  /**
   * A job as the config parser resolves it, with text that is hard to keep: markup, quotes, control
   * characters, non-ASCII, an emoji and an unpaired surrogate (a YAML escape can make one).
   */
  protected static org.seakeeper.core.model.Job runJob(
      String script, java.util.Map<String, String> vars) {
    return new org.seakeeper.core.model.Job(
        "test[jdk=21]",
        script,
        java.time.Duration.ofMinutes(12),
        "host",
        List.of("build"),
        List.of("target/*.jar", "out/**"),
        List.of("deploy-token", "npm-token"),
        vars,
        2,
        0,
        new org.seakeeper.core.model.When(
            List.of(org.seakeeper.core.model.Glob.of("main")),
            List.of(org.seakeeper.core.model.Glob.of("src/**")),
            List.of(org.seakeeper.core.model.Glob.of("docs/**"))),
        "publishes \"it\"",
        Optional.empty());
  }

  protected static final java.util.Map<String, String> HARD_VARIABLES =
      orderedVariables(
          "GREETING", "<script>alert(1)</script>",
          "QUOTE", "say \"hi\" \\ back",
          "CONTROL", "tab\there\u0001\u0000end\nline",
          "CAFE", "caf\u00e9 \u2603 \ud83d\ude00",
          "LONE", "half \ud800 pair");

  private static java.util.Map<String, String> orderedVariables(String... kv) {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private Optional<org.seakeeper.core.build.BuildRun> run(long buildId) {
    return store.transaction(tx -> tx.builds().run(buildId));
  }

  @Test
  void a_build_run_round_trips_is_replaced_and_is_found_only_for_its_build() {
    long[] ids =
        store.transaction(
            tx -> {
              long s = tx.builds().insert(buildset("demo")).id();
              return new long[] {
                tx.builds().insert(build(s, "test", BuildStatus.RUNNING)).id(),
                tx.builds().insert(build(s, "other", BuildStatus.QUEUED)).id()
              };
            });
    org.seakeeper.core.build.BuildRun run =
        org.seakeeper.core.build.BuildRun.of(
            runJob("set -x\necho \"<b>$GREETING</b>\"\n", HARD_VARIABLES),
            List.of("deploy-token", "npm-token"),
            true);
    assertThat(run.config().variables()).containsEntry("LONE", "half \ufffd pair");
    assertThat(run.config().cut()).isEmpty();
    store.transaction(
        tx -> {
          assertThat(tx.builds().run(ids[0])).isEmpty();
          tx.builds().saveRun(ids[0], run);
          return null;
        });
    assertThat(run(ids[0])).contains(run);
    assertThat(run(ids[0]).orElseThrow().config().variables().keySet())
        .as("declaration order")
        .containsExactly("GREETING", "QUOTE", "CONTROL", "CAFE", "LONE");
    assertThat(store.queries().run(ids[0])).contains(run);
    assertThat(store.queries().publicView().run(ids[0])).contains(run);
    assertThat(run(ids[1])).isEmpty();
    assertThat(store.queries().run(ids[1])).isEmpty();
    assertThat(store.queries().run(424242)).isEmpty();

    org.seakeeper.core.build.BuildRun none =
        org.seakeeper.core.build.BuildRun.of(runJob("true", java.util.Map.of()), List.of(), false);
    store.transaction(
        tx -> {
          tx.builds().saveRun(ids[0], none);
          return null;
        });
    assertThat(run(ids[0])).as("replaced").contains(none);
    assertThat(none.secrets()).isEmpty();
    assertThat(none.network()).isFalse();
    assertThat(none.checkoutDepth()).isZero();
    assertThat(none.timeout()).isEqualTo(java.time.Duration.ofMinutes(12));

    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.builds().saveRun(ids[1], run);
                      throw new IllegalStateException("boom");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(run(ids[1])).as("rolled back with its transaction").isEmpty();
    assertThatThrownBy(
            () ->
                store.transaction(
                    tx -> {
                      tx.builds().saveRun(424242, run);
                      return null;
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("424242");
  }

  @Test
  void a_huge_config_is_kept_cut_to_its_bound_and_round_trips() {
    String script = "echo '\"quoted\" \u00e9\t'\n".repeat(60_000);
    java.util.Map<String, String> vars = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 5_000; i++) {
      vars.put("V" + i, "<x>" + "\u2603".repeat(40));
    }
    org.seakeeper.core.build.BuildRun run =
        org.seakeeper.core.build.BuildRun.of(runJob(script, vars), List.of("deploy-token"), true);
    assertThat(run.config().script())
        .startsWith("echo '\"quoted\"")
        .endsWith(
            "\n# [Seakeeper cut the script here: it has " + script.length() + " characters]\n")
        .hasSizeLessThan(script.length());
    assertThat(run.config().variables()).hasSizeBetween(1, 4_999);
    assertThat(run.config().cut())
        .anySatisfy(c -> assertThat(c).startsWith("script: " + script.length() + " characters"))
        .anySatisfy(c -> assertThat(c).startsWith("variables: 5000 entries, the first "));
    long id =
        store.transaction(
            tx -> {
              long s = tx.builds().insert(buildset("demo")).id();
              long b = tx.builds().insert(build(s, "test", BuildStatus.RUNNING)).id();
              tx.builds().saveRun(b, run);
              return b;
            });
    assertThat(run(id)).contains(run);
  }

  @Test
  void an_embargoed_builds_run_is_not_in_the_public_view_until_published() {
    Embargo e = embargoWithBuilds("e-run", 1);
    long id =
        store.queries().list(BuildQuery.latest(10)).stream()
            .filter(b -> b.job().equals(Optional.of("secret0")))
            .findFirst()
            .orElseThrow()
            .id();
    org.seakeeper.core.build.BuildRun run =
        org.seakeeper.core.build.BuildRun.of(
            runJob("make release", java.util.Map.of()), List.of("deploy-token"), true);
    store.transaction(
        tx -> {
          tx.builds().saveRun(id, run);
          return null;
        });
    assertThat(store.queries().run(id)).contains(run);
    assertThat(store.queries().publicView().run(id)).isEmpty();
    publish(e.id(), T0.plusSeconds(5));
    assertThat(store.queries().publicView().run(id)).contains(run);
  }
}
