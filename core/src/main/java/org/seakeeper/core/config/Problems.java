package org.seakeeper.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects every problem of one validation run, so users see all of them at once.
 *
 * <p>Not thread-safe: one instance per validation.
 */
public final class Problems {
  private final List<Problem> list = new ArrayList<>();

  /** The same problems, for a cheap duplicate check: a hostile file may cause thousands. */
  private final Set<Problem> seen = new HashSet<>();

  /** Most name comparisons spent on "did you mean" hints in one run. */
  static final long MAX_HINT_WORK = 1_000_000;

  private long hintWork;

  /**
   * {@link Suggest#hint} within a budget per run: a hostile file may name thousands of unknown jobs
   * among thousands of jobs, and suggestions are a courtesy, not a check.
   */
  public String hint(String word, Collection<String> candidates) {
    if (hintWork > MAX_HINT_WORK) {
      return "";
    }
    hintWork += candidates.size();
    return Suggest.hint(word, candidates);
  }

  /** An unknown key of a mapping, with the closest known one as a hint. */
  public void unknownKey(Nodes.Entry e, String where, Collection<String> keys) {
    error(e.keyPos(), "unknown key '" + e.key() + "' in " + where + Suggest.hint(e.key(), keys));
  }

  public void error(Pos pos, String message) {
    add(Problem.error(pos, message));
  }

  public void warning(Pos pos, String message) {
    add(Problem.warning(pos, message));
  }

  public void add(Problem p) {
    if (seen.add(p)) {
      list.add(p);
    }
  }

  public boolean hasErrors() {
    return list.stream().anyMatch(Problem::isError);
  }

  /** The problems sorted by position. */
  public List<Problem> sorted() {
    return list.stream().sorted().toList();
  }
}
