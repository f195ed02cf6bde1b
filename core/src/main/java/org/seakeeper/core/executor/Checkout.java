package org.seakeeper.core.executor;

import java.util.Optional;

/**
 * What to put in a job's fresh workspace: a git repository at a commit, or (commit empty) a plain
 * directory copied as it is. The location is opaque to the core; executors interpret it. Immutable.
 */
public record Checkout(String location, Optional<String> commit) {
  public static Checkout gitCommit(String repo, String commit) {
    return new Checkout(repo, Optional.of(commit));
  }

  public static Checkout directory(String dir) {
    return new Checkout(dir, Optional.empty());
  }
}
