package org.seakeeper.core.store;

import java.util.Optional;

/**
 * What an outbox entry asks the outside world to be told or done. Each kind is stored as its {@link
 * #id()}, the strings the outbox has always held, so older rows still read.
 */
public enum OutboxKind {
  /** A buildset finished (every pipeline; a gate buildset's verdict is the queue's, below). */
  BUILDSET_FINISHED("buildset-finished"),
  /**
   * The first build of a buildset started; added only when the reporter asked for it ({@link
   * org.seakeeper.core.report.Reporter#reportsStart}).
   */
  BUILDSET_STARTED("buildset-started"),
  /**
   * A gate item failed for good (merge conflict, or its run failed at the head): the failed run's
   * buildset.
   */
  GATE_FAILED("gate-failed"),
  /** A gate item passed and was submitted: the passing run's buildset. */
  GATE_MERGED("gate-merged"),
  /** Submit this gate buildset's change through the review system (its run passed at the head). */
  SUBMIT("submit");

  private final String id;

  OutboxKind(String id) {
    this.id = id;
  }

  /** The stored form, e.g. {@code buildset-finished}. */
  public String id() {
    return id;
  }

  /** The kind of a stored id, or empty for an unknown one. */
  public static Optional<OutboxKind> parse(String id) {
    for (OutboxKind k : values()) {
      if (k.id.equals(id)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return id;
  }
}
