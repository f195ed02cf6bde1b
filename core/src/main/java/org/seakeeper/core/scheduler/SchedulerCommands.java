package org.seakeeper.core.scheduler;

import org.seakeeper.core.model.PipelineName;

/**
 * The only way the web API and CLI change state: commands the scheduler carries out on its own
 * thread. Each returns an outcome value; refusals carry a reason for people. Thread-safe.
 */
public interface SchedulerCommands {
  /**
   * Why the scheduler cannot be relied on now (its thread is gone, or a pass has run far too long);
   * empty while it is healthy. {@code /healthz} answers 503 with it.
   */
  default java.util.Optional<String> unhealthy() {
    return java.util.Optional.empty();
  }

  /** Cancels a queued or running build. */
  CommandResult cancel(long buildId, String by);

  /** Queues a new attempt of a finished build. */
  CommandResult retry(long buildId, String by);

  /**
   * Puts a quarantined event back into the inbox, unprocessed, its failures forgotten: it is
   * prepared and applied again. 404 for an unknown event, 409 for one that is not quarantined.
   */
  CommandResult retryEvent(long eventId, String by);

  /**
   * Ends a quarantined event: marked processed, nothing built from it. 404 for an unknown event,
   * 409 for one that is not quarantined.
   */
  CommandResult dropEvent(long eventId, String by);

  /**
   * Starts {@code pipeline} on {@code ref} of a project (docs/contracts.md §1: refs must fit the
   * pipeline).
   */
  CommandResult trigger(
      String connection, String project, PipelineName pipeline, String ref, String by);

  /**
   * Runs {@code check} again on the newest patch set of a change that Seakeeper has checked, at the
   * commit it checked (never whatever a moving ref such as {@code refs/for/main} points to now),
   * for the branch that patch set was pushed for: the same {@code Recheck} event a {@code recheck}
   * comment makes. 404 when no check of the change is known.
   */
  CommandResult recheck(String connection, String project, String change, String by);

  /** Removes a change from its gate queue (its gate builds become {@code dequeued}). */
  CommandResult dequeue(String connection, String project, String change, String by);

  /** Puts a change (back) into its gate queue, as if it had just been approved. */
  CommandResult enqueue(String connection, String project, String change, String by);

  /** Moves a queued change to the head of its gate queue; every item is re-tested. */
  CommandResult promote(String connection, String project, String change, String by);

  /**
   * The outcome of a command.
   *
   * @param code HTTP-like: 200 done, 202 accepted, 404 unknown, 409 conflict, 422 refused
   * @param error a short machine code when refused (e.g. {@code not_cancellable})
   * @param message a sentence for people
   * @param buildId the build concerned or created, 0 when none
   */
  record CommandResult(int code, String error, String message, long buildId) {
    public boolean ok() {
      return code < 300;
    }

    public static CommandResult done(String message, long buildId) {
      return new CommandResult(200, "", message, buildId);
    }

    public static CommandResult accepted(String message, long id) {
      return new CommandResult(202, "", message, id);
    }

    public static CommandResult refused(int code, String error, String message) {
      return new CommandResult(code, error, message, 0);
    }
  }
}
