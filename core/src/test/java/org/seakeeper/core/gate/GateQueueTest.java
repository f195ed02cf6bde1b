package org.seakeeper.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GateQueueTest {
  static ChangeRef c(String n) {
    return new ChangeRef("review", "core", "main", n, "1", "sha" + n);
  }

  @Test
  void each_item_is_tested_on_the_changes_ahead_of_it() {
    GateQueue q = new GateQueue("integrated");
    q.enqueue(c("A"));
    q.enqueue(c("B"));
    q.enqueue(c("C"));
    assertThat(q.ahead(c("A"))).isEmpty();
    assertThat(q.ahead(c("C"))).containsExactly(c("A"), c("B"));
    assertThat(q.enqueue(new ChangeRef("review", "core", "main", "B", "2", "x")))
        .as("a change is queued once")
        .isFalse();
  }

  @Test
  void a_failure_removes_the_item_and_resets_those_behind_it_and_halves_the_window() {
    GateQueue q = new GateQueue("integrated", 10);
    q.enqueue(c("A"));
    q.enqueue(c("B"));
    q.enqueue(c("C"));
    var reset = q.fail(c("B"));
    assertThat(reset).extracting(GateQueue.Item::change).containsExactly(c("C"));
    assertThat(q.ahead(c("C"))).containsExactly(c("A"));
    assertThat(q.current(c("C"), 0)).isFalse();
    assertThat(q.current(c("C"), 1)).isTrue();
    assertThat(q.current(c("A"), 0)).isTrue();
    assertThat(q.window()).isEqualTo(5);
  }

  @Test
  void the_window_grows_on_merges_and_never_shrinks_below_the_floor() {
    GateQueue q = new GateQueue("integrated", 4);
    for (String n : new String[] {"A", "B", "C", "D", "E", "F"}) {
      q.enqueue(c(n));
    }
    assertThat(q.active()).hasSize(4);
    q.merged(c("A"));
    assertThat(q.window()).isEqualTo(5);
    q.fail(c("B"));
    q.fail(c("C"));
    assertThat(q.window()).isEqualTo(GateQueue.MIN_WINDOW);
  }

  @Test
  void promote_moves_a_change_to_the_head_and_resets_everything() {
    GateQueue q = new GateQueue("integrated");
    q.enqueue(c("A"));
    q.enqueue(c("B"));
    var reset = q.promote(c("B"));
    assertThat(q.items()).extracting(GateQueue.Item::change).containsExactly(c("B"), c("A"));
    assertThat(reset).hasSize(2);
    assertThat(q.remove(c("B"))).extracting(GateQueue.Item::change).containsExactly(c("A"));
    assertThat(q.remove(c("Z"))).isEmpty();
  }

  @Test
  void a_failing_item_is_left_out_of_the_states_behind_it_until_it_fails_for_good_at_the_head() {
    GateQueue q = new GateQueue("integrated", 10);
    q.enqueue(c("A"));
    q.enqueue(c("B"));
    q.enqueue(c("C"));
    assertThat(q.markFailing(c("B"))).extracting(GateQueue.Item::change).containsExactly(c("C"));
    assertThat(q.ahead(c("C"))).containsExactly(c("A"));
    assertThat(q.items().get(1).failing()).isTrue();
    assertThat(q.current(c("B"), 0)).as("B's failed run stays its current one").isTrue();
    q.merged(c("A"));
    assertThat(q.fail(c("B"))).as("C was tested without B already").isEmpty();
    assertThat(q.current(c("C"), 1)).isTrue();
  }

  @Test
  void a_change_ahead_leaving_gives_a_failing_item_another_run() {
    GateQueue q = new GateQueue("integrated", 10);
    q.enqueue(c("A"));
    q.enqueue(c("B"));
    q.enqueue(c("C"));
    q.markFailing(c("C"));
    assertThat(q.fail(c("A"))).extracting(GateQueue.Item::change).containsExactly(c("B"), c("C"));
    assertThat(q.items()).noneMatch(GateQueue.Item::failing);
    assertThat(q.ahead(c("C"))).containsExactly(c("B"));
  }
}
