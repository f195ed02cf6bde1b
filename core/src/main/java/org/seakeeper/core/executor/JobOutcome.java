package org.seakeeper.core.executor;

import java.time.Duration;

/**
 * How one execution of a job ended. A closed set: callers switch over it exhaustively.
 * Infrastructure errors are the only outcome that may be retried; a failing script never is.
 */
public sealed interface JobOutcome {
  /** The script exited 0. */
  record Succeeded() implements JobOutcome {}

  /** The script exited non-zero (or was killed by a signal, as 128+N). */
  record Failed(int exitCode) implements JobOutcome {}

  /** The time limit passed; the whole process tree was killed. */
  record TimedOut(Duration limit) implements JobOutcome {}

  /** Someone cancelled it; the whole process tree was killed. */
  record Cancelled() implements JobOutcome {}

  /**
   * The job went past a limit the server sets on what a change controls (its artifacts' count, size
   * or collection time, ...): a failure of the change, never retried.
   */
  record LimitExceeded(String limit) implements JobOutcome {}

  /** The executor could not run the job (sandbox failed to start, workspace could not be made). */
  record InfraError(String reason) implements JobOutcome {}

  default boolean succeeded() {
    return this instanceof Succeeded;
  }

  /** A short word for tables and logs. */
  default String label() {
    return switch (this) {
      case Succeeded s -> "success";
      case Failed f -> "failure";
      case LimitExceeded l -> "failure";
      case TimedOut t -> "timed_out";
      case Cancelled c -> "cancelled";
      case InfraError e -> "error";
    };
  }
}
