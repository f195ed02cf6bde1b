package org.seakeeper.core.build;

import java.util.Locale;
import java.util.Optional;

/**
 * The statuses of a build (docs/contracts.md §6). {@link BuildLifecycle} says which moves between
 * them are allowed; only the scheduler makes them.
 */
public enum BuildStatus {
  QUEUED,
  RUNNING,
  SUCCESS,
  FAILURE,
  ERROR,
  CANCELLED,
  TIMED_OUT,
  SKIPPED,
  INTERRUPTED,
  CONFIG_ERROR,
  MERGE_CONFLICT,
  DEQUEUED;

  /** The lower-case name used by the API and the store. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<BuildStatus> parse(String s) {
    for (BuildStatus b : values()) {
      if (b.id().equals(s)) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }

  /** Whether the build has ended for good (no transition leaves a terminal status). */
  public boolean terminal() {
    return this != QUEUED && this != RUNNING;
  }

  /** Whether it counts as passed for votes and for jobs that need it. */
  public boolean passed() {
    return this == SUCCESS;
  }
}
