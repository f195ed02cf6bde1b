package org.seakeeper.core.scheduler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.seakeeper.core.gate.ChangeKey;
import org.seakeeper.core.gate.ChangeRef;

/**
 * What the gate knows of each change in one of its queues, one {@link Item} per change: created
 * when first needed, removed when the change leaves its queue. Confined to the scheduler thread.
 */
final class GateItems {
  /**
   * A queued change: its current run (null when none), whether that run passed, whether its submit
   * waits for the review system's answer, how many submits of it were refused in a row, and the
   * open dependencies it had when it entered (they are ahead of it).
   */
  static final class Item {
    GateRun run;
    boolean passed;
    boolean submitting;
    int refusedSubmits;
    List<ChangeRef> dependsOn = List.of();
  }

  private final Map<ChangeKey, Item> byChange = new HashMap<>();

  /** The change's item, made when it has none. */
  Item item(ChangeKey k) {
    return byChange.computeIfAbsent(k, x -> new Item());
  }

  /** The change's item; null when it has none. */
  Item get(ChangeKey k) {
    return byChange.get(k);
  }

  boolean containsKey(ChangeKey k) {
    return byChange.containsKey(k);
  }

  /** The change left its queue: its item (null when none). */
  Item remove(ChangeKey k) {
    return byChange.remove(k);
  }

  /** A copy of every item, for iterating while items leave. */
  List<Map.Entry<ChangeKey, Item>> entries() {
    return List.copyOf(byChange.entrySet());
  }

  /** The change's current run; null when it has none. */
  GateRun run(ChangeKey k) {
    Item i = byChange.get(k);
    return i == null ? null : i.run;
  }

  /**
   * Ends the change's current run, which no longer counts as passed; returns it (null when none).
   */
  GateRun takeRun(ChangeKey k) {
    Item i = byChange.get(k);
    if (i == null) {
      return null;
    }
    GateRun r = i.run;
    i.run = null;
    i.passed = false;
    return r;
  }

  boolean passed(ChangeKey k) {
    Item i = byChange.get(k);
    return i != null && i.passed;
  }

  void unpass(ChangeKey k) {
    Item i = byChange.get(k);
    if (i != null) {
      i.passed = false;
    }
  }
}
