package org.seakeeper.testkit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.GatePorts;
import org.seakeeper.core.gate.Merger;
import org.seakeeper.core.gate.ReviewSystem;

/**
 * A merger and review system for gate scenarios: a speculative state is a new fake commit with
 * the files of the last change; changes can be marked as conflicting; submits are recorded and
 * can be refused. Thread-safe.
 */
public final class FakeGate {
  private final FakeRepos repos;
  private final List<List<ChangeRef>> merges = new ArrayList<>();
  private final List<ChangeRef> submitted = new ArrayList<>();
  private final Set<String> conflicting = new HashSet<>();
  private int refuseSubmits;
  private boolean refuseAlways;

  public FakeGate(FakeRepos repos) {
    this.repos = repos;
  }

  public synchronized void conflicts(String change) {
    conflicting.add(change);
  }

  public synchronized void refuseSubmit(boolean refuse) {
    refuseSubmits = refuse ? 1 : 0;
  }

  /** Refuses the next {@code times} submits ("the branch moved"). */
  public synchronized void refuseSubmits(int times) {
    refuseSubmits = times;
  }

  /** Refuses every submit from now on (a review system's own submit rule that is not met). */
  public synchronized void refuseEverySubmit(boolean refuse) {
    refuseAlways = refuse;
  }

  public synchronized List<ChangeRef> submitted() {
    return List.copyOf(submitted);
  }

  /** Every speculative merge asked for, in order (each list: the changes merged, last is tested). */
  public synchronized List<List<ChangeRef>> merges() {
    return List.copyOf(merges);
  }

  public GatePorts ports() {
    Merger merger = (connection, project, branch, changes) -> {
      synchronized (this) {
        merges.add(List.copyOf(changes));
        for (ChangeRef c : changes) {
          if (conflicting.contains(c.change())) {
            return new Merger.Conflict(c, List.of("shared.txt"));
          }
        }
        ChangeRef last = changes.getLast();
        return new Merger.Merged(repos.derive(last.connection(), last.project(), last.commit()), changes);
      }
    };
    ReviewSystem review = c -> {
      synchronized (this) {
        if (refuseAlways) {
          return new ReviewSystem.SubmitResult(false, "submit requirement 'No-Unresolved-Comments' is unsatisfied");
        }
        if (refuseSubmits > 0) {
          refuseSubmits--;
          return new ReviewSystem.SubmitResult(false, "the branch moved");
        }
        submitted.add(c);
        return new ReviewSystem.SubmitResult(true, "merged");
      }
    };
    return new GatePorts(merger, review);
  }
}
