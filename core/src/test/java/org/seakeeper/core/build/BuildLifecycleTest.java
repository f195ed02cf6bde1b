package org.seakeeper.core.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.seakeeper.core.build.BuildStatus.CANCELLED;
import static org.seakeeper.core.build.BuildStatus.CONFIG_ERROR;
import static org.seakeeper.core.build.BuildStatus.DEQUEUED;
import static org.seakeeper.core.build.BuildStatus.ERROR;
import static org.seakeeper.core.build.BuildStatus.FAILURE;
import static org.seakeeper.core.build.BuildStatus.INTERRUPTED;
import static org.seakeeper.core.build.BuildStatus.MERGE_CONFLICT;
import static org.seakeeper.core.build.BuildStatus.QUEUED;
import static org.seakeeper.core.build.BuildStatus.RUNNING;
import static org.seakeeper.core.build.BuildStatus.SKIPPED;
import static org.seakeeper.core.build.BuildStatus.SUCCESS;
import static org.seakeeper.core.build.BuildStatus.TIMED_OUT;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;

/** The build state machine: the whole table, driven through {@link Build#moveTo}. */
class BuildLifecycleTest {
  private static final Instant BORN = Instant.parse("2026-11-26T10:00:00Z");
  private static final Buildset SET =
      new Buildset(
          7,
          3,
          "local",
          "demo",
          Optional.of("12"),
          Optional.of("2"),
          "refs/changes/12/12/2",
          "c0ffee",
          PipelineName.CHECK,
          Tier.UNTRUSTED,
          BORN,
          Optional.empty());

  /**
   * The table as the Javadoc draws it, written out here so that a change to it is a change to this
   * test.
   */
  private static final Map<BuildStatus, Set<BuildStatus>> TABLE =
      new EnumMap<>(
          Map.of(
              QUEUED,
                  EnumSet.of(
                      RUNNING,
                      CANCELLED,
                      SKIPPED,
                      CONFIG_ERROR,
                      ERROR,
                      DEQUEUED,
                      MERGE_CONFLICT,
                      SUCCESS),
              RUNNING,
                  EnumSet.of(
                      SUCCESS, FAILURE, TIMED_OUT, ERROR, CANCELLED, INTERRUPTED, DEQUEUED)));

  private static Set<BuildStatus> expectedNext(BuildStatus from) {
    return TABLE.getOrDefault(from, EnumSet.noneOf(BuildStatus.class));
  }

  /** A build in {@code status}, reached from birth by allowed moves only, one second apart. */
  private static Build reach(BuildStatus status) {
    Map<BuildStatus, List<BuildStatus>> paths = new EnumMap<>(BuildStatus.class);
    paths.put(QUEUED, List.of());
    ArrayDeque<BuildStatus> todo = new ArrayDeque<>(List.of(QUEUED));
    while (!todo.isEmpty()) {
      BuildStatus s = todo.poll();
      for (BuildStatus n : expectedNext(s)) {
        if (!paths.containsKey(n)) {
          List<BuildStatus> p = new ArrayList<>(paths.get(s));
          p.add(n);
          paths.put(n, p);
          todo.add(n);
        }
      }
    }
    Build b = Build.queued(SET, Optional.of("unit"), List.of(), BORN);
    Instant at = BORN;
    for (BuildStatus s : paths.get(status)) {
      at = at.plusSeconds(1);
      b = b.moveTo(s, at, "to " + s.id());
    }
    return b;
  }

  @Test
  void every_build_is_born_queued_without_timestamps_but_its_queued_at() {
    Build b = Build.queued(SET, Optional.of("unit"), List.of("lint"), BORN);
    assertThat(b.status()).isEqualTo(QUEUED).isEqualTo(BuildLifecycle.INITIAL);
    assertThat(b.attempt()).isEqualTo(1);
    assertThat(b.queuedAt()).isEqualTo(BORN);
    assertThat(b.startedAt()).isEmpty();
    assertThat(b.finishedAt()).isEmpty();
    assertThat(b.commit()).isEqualTo(SET.commit());
    assertThat(b.needs()).containsExactly("lint");
    assertThat(Build.queued(SET, "5pec", Optional.of("unit"), List.of(), BORN).commit())
        .isEqualTo("5pec");
  }

  @Test
  void the_table_is_the_one_drawn_and_every_status_is_reachable_from_birth() {
    for (BuildStatus s : BuildStatus.values()) {
      assertThat(BuildLifecycle.next(s)).as("moves out of %s", s).isEqualTo(expectedNext(s));
      assertThat(reach(s).status()).isEqualTo(s);
      assertThat(s.terminal())
          .as("%s is terminal exactly when nothing leaves it", s)
          .isEqualTo(expectedNext(s).isEmpty());
    }
  }

  @Test
  void every_allowed_transition_moves_the_build() {
    int driven = 0;
    for (BuildStatus from : BuildStatus.values()) {
      for (BuildStatus to : expectedNext(from)) {
        Build b = reach(from);
        Instant at = BORN.plusSeconds(100);
        Build moved = b.moveTo(to, at, "why " + to.id());
        assertThat(moved.status()).isEqualTo(to);
        assertThat(moved.detail()).isEqualTo("why " + to.id());
        assertThat(moved.finishedAt())
            .as("%s -> %s", from, to)
            .isEqualTo(to.terminal() ? Optional.of(at) : Optional.empty());
        assertThat(moved)
            .usingRecursiveComparison()
            .ignoringFields("status", "detail", "startedAt", "finishedAt")
            .isEqualTo(b);
        assertThat(BuildLifecycle.allowed(from, to)).isTrue();
        driven++;
      }
    }
    assertThat(driven).isEqualTo(15);
  }

  @Test
  void every_other_pair_is_rejected() {
    int rejected = 0;
    for (BuildStatus from : BuildStatus.values()) {
      for (BuildStatus to : BuildStatus.values()) {
        if (expectedNext(from).contains(to)) {
          continue;
        }
        Build b = reach(from);
        assertThat(BuildLifecycle.allowed(from, to)).as("%s -> %s", from, to).isFalse();
        assertThatThrownBy(() -> b.moveTo(to, BORN.plusSeconds(100), "no"))
            .as("%s -> %s", from, to)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(from.id())
            .hasMessageContaining(to.id());
        rejected++;
      }
    }
    assertThat(rejected).isEqualTo(BuildStatus.values().length * BuildStatus.values().length - 15);
  }

  @Test
  void started_at_is_set_by_the_start_and_by_nothing_else() {
    for (BuildStatus from : BuildStatus.values()) {
      for (BuildStatus to : expectedNext(from)) {
        Build b = reach(from);
        Instant at = BORN.plusSeconds(100);
        Build moved = b.moveTo(to, at, null);
        if (to == RUNNING) {
          assertThat(moved.startedAt()).as("%s -> %s", from, to).contains(at);
        } else {
          assertThat(moved.startedAt())
              .as("%s -> %s keeps started_at", from, to)
              .isEqualTo(b.startedAt());
        }
      }
    }
    Build started = reach(QUEUED).moveTo(RUNNING, BORN.plusSeconds(5), null);
    assertThat(started.moveTo(SUCCESS, BORN.plusSeconds(9), "exit 0").startedAt())
        .contains(BORN.plusSeconds(5));
  }

  @Test
  void a_build_that_never_ran_has_no_started_at_whichever_way_it_ended() {
    for (BuildStatus to : expectedNext(QUEUED)) {
      if (to == RUNNING) {
        continue;
      }
      Build ended = reach(QUEUED).moveTo(to, BORN.plusSeconds(3), "ended");
      assertThat(ended.startedAt()).as("queued -> %s", to).isEmpty();
      assertThat(ended.finishedAt()).contains(BORN.plusSeconds(3));
    }
  }

  @Test
  void a_record_that_ends_at_once_is_born_queued_and_moved_through_the_table() {
    Build error =
        Build.ended(SET, Optional.empty(), List.of(), ERROR, "cannot read the repository", BORN);
    assertThat(error.status()).isEqualTo(ERROR);
    assertThat(error.queuedAt()).isEqualTo(BORN);
    assertThat(error.startedAt()).isEmpty();
    assertThat(error.finishedAt()).contains(BORN);
    assertThat(error.detail()).isEqualTo("cannot read the repository");
    assertThat(error.job()).isEmpty();
    assertThat(
            Build.ended(
                SET, "5pec", Optional.of("unit"), List.of("lint"), SKIPPED, "a need failed", BORN))
        .satisfies(
            b -> {
              assertThat(b.status()).isEqualTo(SKIPPED);
              assertThat(b.commit()).isEqualTo("5pec");
              assertThat(b.startedAt()).isEmpty();
            });
    assertThatThrownBy(
            () -> Build.ended(SET, Optional.empty(), List.of(), FAILURE, "never ran", BORN))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () -> Build.ended(SET, Optional.empty(), List.of(), QUEUED, "not an end", BORN))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void a_retry_is_a_new_queued_build_with_the_next_attempt() {
    Build failed = reach(ERROR);
    Build next = failed.nextAttempt(BORN.plusSeconds(50));
    assertThat(next.status()).isEqualTo(QUEUED);
    assertThat(next.attempt()).isEqualTo(failed.attempt() + 1);
    assertThat(next.id()).isZero();
    assertThat(next.queuedAt()).isEqualTo(BORN.plusSeconds(50));
    assertThat(next.startedAt()).isEmpty();
    assertThat(next.finishedAt()).isEmpty();
    assertThat(next.detail()).isEmpty();
  }
}
