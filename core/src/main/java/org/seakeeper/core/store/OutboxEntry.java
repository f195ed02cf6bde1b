package org.seakeeper.core.store;

import java.time.Instant;
import java.util.Optional;

/**
 * One result to report: {@code kind} is one of the constants below. Immutable.
 *
 * @param id assigned by the store; 0 before insertion
 */
public record OutboxEntry(long id, long buildsetId, String kind, Instant createdAt, Optional<Instant> deliveredAt) {
  /** A buildset finished (every pipeline; a gate buildset's verdict is the queue's, below). */
  public static final String BUILDSET_FINISHED = "buildset-finished";
  /**
   * The first build of a buildset started; added only when the reporter asked for it
   * ({@link org.seakeeper.core.report.Reporter#reportsStart}).
   */
  public static final String BUILDSET_STARTED = "buildset-started";
  /** A gate item failed for good (merge conflict, or its run failed at the head): the failed run's buildset. */
  public static final String GATE_FAILED = "gate-failed";
  /** A gate item passed and was submitted: the passing run's buildset. */
  public static final String GATE_MERGED = "gate-merged";
  /**
   * Submit the change of this gate buildset (its passed run) through the review system: an effect
   * the scheduler carries out, never a report.
   */
  public static final String SUBMIT = "submit";

  public OutboxEntry withId(long newId) {
    return new OutboxEntry(newId, buildsetId, kind, createdAt, deliveredAt);
  }
}
