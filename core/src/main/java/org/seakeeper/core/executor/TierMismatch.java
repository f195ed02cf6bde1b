package org.seakeeper.core.executor;

import org.seakeeper.core.model.Tier;

/**
 * What an executor bound to one tier says when handed a request of another: it refuses (an
 * infrastructure error) and runs nothing. Defence in depth behind the scheduler's placement.
 * Stateless.
 */
public final class TierMismatch {
  private TierMismatch() {}

  /** The refusal reason, naming both tiers. */
  public static String message(Tier executorTier, ExecutionRequest request) {
    return "refused: this executor serves the "
        + executorTier.id()
        + " tier and never runs a "
        + request.tier().id()
        + " job ("
        + request.id()
        + ")";
  }
}
