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
    assertThat(q.enqueue(new ChangeRef("review", "core", "main", "B", "2", "x"))).as("a change is queued once").isFalse();
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
}
