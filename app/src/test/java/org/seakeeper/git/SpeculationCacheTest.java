package org.seakeeper.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.gate.ChangeRef;

class SpeculationCacheTest {
  static ObjectId id(int n) {
    return ObjectId.fromString(String.format("%040x", n));
  }

  static ChangeRef change(int n) {
    return new ChangeRef("c", "p", "main", "" + n, "1", id(1000 + n).name());
  }

  @Test
  void steps_are_found_from_the_same_tip_and_state_only() {
    SpeculationCache cache = new SpeculationCache();
    cache.put("repo\0main", id(1), id(1), change(1), new SpeculationCache.Next(id(2)));
    cache.put(
        "repo\0main", id(1), id(2), change(2), new SpeculationCache.Conflict(List.of("f.txt")));
    assertThat(cache.get("repo\0main", id(1), id(1), change(1)))
        .contains(new SpeculationCache.Next(id(2)));
    assertThat(cache.get("repo\0main", id(1), id(2), change(2)))
        .contains(new SpeculationCache.Conflict(List.of("f.txt")));
    assertThat(cache.get("repo\0main", id(1), id(1), change(2))).isEmpty();
    assertThat(cache.get("repo\0other", id(1), id(1), change(1))).isEmpty();
    ChangeRef nextPatchset = new ChangeRef("c", "p", "main", "1", "2", change(1).commit());
    assertThat(cache.get("repo\0main", id(1), id(1), nextPatchset)).isEmpty();
  }

  @Test
  void a_new_tip_drops_the_steps_of_the_old_one() {
    SpeculationCache cache = new SpeculationCache();
    cache.put("b", id(1), id(1), change(1), new SpeculationCache.Next(id(2)));
    assertThat(cache.get("b", id(9), id(1), change(1))).isEmpty();
    cache.put("b", id(9), id(9), change(1), new SpeculationCache.Next(id(10)));
    assertThat(cache.size("b", id(9))).isEqualTo(1);
    assertThat(cache.get("b", id(1), id(1), change(1))).isEmpty();
    cache.forget("b");
    assertThat(cache.get("b", id(9), id(9), change(1))).isEqualTo(Optional.empty());
  }

  @Test
  void a_branch_keeps_at_most_the_bound_dropping_the_least_recently_used() {
    SpeculationCache cache = new SpeculationCache();
    cache.put("b", id(1), id(1), change(0), new SpeculationCache.Next(id(2)));
    for (int i = 1; i <= SpeculationCache.MAX_STEPS; i++) {
      cache.get("b", id(1), id(1), change(0)); // keeps the first one recently used
      cache.put("b", id(1), id(10_000 + i), change(i), new SpeculationCache.Next(id(20_000 + i)));
    }
    assertThat(cache.size("b", id(1))).isEqualTo(SpeculationCache.MAX_STEPS);
    assertThat(cache.get("b", id(1), id(1), change(0))).isPresent();
    assertThat(cache.get("b", id(1), id(10_001), change(1))).isEmpty();
    assertThat(cache.get("b", id(1), id(10_002), change(2))).isPresent();
  }

  @Test
  void concurrent_callers_see_a_consistent_cache() throws Exception {
    SpeculationCache cache = new SpeculationCache();
    List<Future<?>> runs = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      int base = t * 1000;
      runs.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 500; i++) {
                  cache.put(
                      "b",
                      id(1),
                      id(base + i),
                      change(i),
                      new SpeculationCache.Next(id(base + i + 1)));
                  assertThat(cache.get("b", id(1), id(base + i), change(i)))
                      .contains(new SpeculationCache.Next(id(base + i + 1)));
                }
              }));
    }
    for (Future<?> f : runs) {
      f.get(); // rethrows a failed assertion
    }
    pool.shutdown();
    assertThat(cache.size("b", id(1))).isEqualTo(2000);
  }
}
