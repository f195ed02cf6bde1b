package org.seakeeper.core.gate;

import java.util.List;
import org.seakeeper.core.model.RepoRef;

/**
 * Computes speculative states: the target branch with the given changes merged on top, in order, as
 * a commit executors can check out. Implemented with JGit in a scratch repository. Thread-safe.
 */
public interface Merger {
  /** The outcome of one speculative merge. A closed set. */
  sealed interface Result {}

  /** All merged; {@code commit} is the state to test. */
  record Merged(String commit, List<ChangeRef> included) implements Result {}

  /** {@code change} does not merge onto what precedes it; {@code files} conflicted. */
  record Conflict(ChangeRef change, List<String> files) implements Result {}

  /** The branch tip, then each change merged in order. */
  Result speculate(RepoRef repo, String branch, List<ChangeRef> changes);

  /**
   * A hint before {@link #speculate} is called for several prefixes of {@code changes}: a merger
   * that remembers its states may compute them all at once (one write instead of one per call). Has
   * no visible effect of its own and never fails; the default does nothing.
   */
  default void prepare(RepoRef repo, String branch, List<ChangeRef> changes) {}
}
