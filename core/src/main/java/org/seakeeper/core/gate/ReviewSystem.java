package org.seakeeper.core.gate;

/**
 * What gating needs from a review system (Gerrit): merging a change that passed the gate.
 * Thread-safe.
 */
public interface ReviewSystem {
  /** The outcome of a submit: done, or refused with the review system's reason. */
  record SubmitResult(boolean merged, String message) {}

  /** Submits (merges) the change's patch set as the CI account. */
  SubmitResult submit(ChangeRef change);

  /** No review system: nothing can be submitted (local repos offer no gate). */
  ReviewSystem NONE =
      c ->
          new SubmitResult(
              false, "connection " + c.connection() + " has no review system to submit through");
}
