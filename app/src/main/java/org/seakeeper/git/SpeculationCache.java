package org.seakeeper.git;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.seakeeper.core.gate.ChangeRef;

/**
 * The speculative merges already made, per branch: from a state (the branch tip or an earlier
 * speculative commit) and a change, the next state or the conflict. A gate queue asks for the chain
 * of the changes ahead of each item, and each chain is the previous one plus one change, so {@link
 * JGitMerger} follows the longest known prefix here and merges only the rest: 50 items cost 50
 * merges instead of 1,275, a reset behind position 10 costs 40. A branch's steps are dropped when
 * its tip moves (they cannot be reused from another tip anyway); at most {@value #MAX_STEPS} steps
 * per branch and {@value #MAX_BRANCHES} branches are kept, least recently used dropped.
 * Thread-safe.
 */
final class SpeculationCache {
  static final int MAX_STEPS = 4096;
  static final int MAX_BRANCHES = 256;

  /** What merging a change onto a state gave. A closed set. */
  sealed interface Step {}

  /** The next state (the same state when the change was already merged into it). */
  record Next(ObjectId state) implements Step {}

  /** The change conflicts with the state in these files. */
  record Conflict(List<String> files) implements Step {}

  private record Key(ObjectId state, ChangeRef change) {}

  private static final class Branch {
    final ObjectId tip;
    final Map<Key, Step> steps =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Step> eldest) {
            return size() > MAX_STEPS;
          }
        };

    Branch(ObjectId tip) {
      this.tip = tip;
    }
  }

  private final Map<String, Branch> branches =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Branch> eldest) {
          return size() > MAX_BRANCHES;
        }
      };

  /** The step from {@code state} with {@code change} on {@code branch} at {@code tip}, if known. */
  synchronized Optional<Step> get(String branch, ObjectId tip, ObjectId state, ChangeRef change) {
    Branch b = branches.get(branch);
    if (b == null || !b.tip.equals(tip)) {
      return Optional.empty();
    }
    return Optional.ofNullable(b.steps.get(new Key(state.copy(), change)));
  }

  /** Remembers a step; a new tip of the branch drops the steps remembered from the old one. */
  synchronized void put(String branch, ObjectId tip, ObjectId state, ChangeRef change, Step step) {
    Branch b = branches.get(branch);
    if (b == null || !b.tip.equals(tip)) {
      b = new Branch(tip.copy());
      branches.put(branch, b);
    }
    b.steps.put(new Key(state.copy(), change), step);
  }

  /** Drops everything remembered for the branch. */
  synchronized void forget(String branch) {
    branches.remove(branch);
  }

  /** The number of steps remembered for the branch at {@code tip} (for tests). */
  synchronized int size(String branch, ObjectId tip) {
    Branch b = branches.get(branch);
    return b == null || !b.tip.equals(tip) ? 0 : b.steps.size();
  }
}
