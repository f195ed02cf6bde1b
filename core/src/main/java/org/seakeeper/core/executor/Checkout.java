package org.seakeeper.core.executor;

import java.util.Objects;
import java.util.Optional;

/**
 * What to put in a job's fresh workspace: a git repository at a commit, or (commit empty) a plain
 * directory copied as it is. The location is opaque to the core; executors interpret it. Immutable.
 *
 * @param depth how many commits of history, the commit included, a git checkout holds: {@code 0}
 *     for its whole history (docs/config.md, {@code checkout: {depth: N}})
 */
public record Checkout(String location, Optional<String> commit, int depth) {
  /** The history a checkout holds unless the job asks for more. */
  public static final int DEFAULT_DEPTH = org.seakeeper.core.model.Job.DEFAULT_CHECKOUT_DEPTH;

  public Checkout {
    Objects.requireNonNull(location);
    Objects.requireNonNull(commit);
    if (depth < 0) {
      throw new IllegalArgumentException("depth must not be negative: " + depth);
    }
  }

  public Checkout(String location, Optional<String> commit) {
    this(location, commit, DEFAULT_DEPTH);
  }

  public static Checkout gitCommit(String repo, String commit) {
    return new Checkout(repo, Optional.of(commit));
  }

  public static Checkout directory(String dir) {
    return new Checkout(dir, Optional.empty());
  }

  /** This checkout holding {@code n} commits of history (0: all). */
  public Checkout withDepth(int n) {
    return new Checkout(location, commit, n);
  }
}
