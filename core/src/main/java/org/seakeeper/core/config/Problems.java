package org.seakeeper.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem of one validation run, so users see all of them at once.
 *
 * <p>Not thread-safe: one instance per validation.
 */
public final class Problems {
  private final List<Problem> list = new ArrayList<>();

  public void error(Pos pos, String message) {
    add(Problem.error(pos, message));
  }

  public void warning(Pos pos, String message) {
    add(Problem.warning(pos, message));
  }

  public void add(Problem p) {
    if (!list.contains(p)) {
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
