package org.seakeeper.core.executor;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import org.seakeeper.core.model.Tier;

/**
 * One executor per tier (docs/contracts.md §1): the scheduler places a build only on the executor
 * of its tier, and each executor refuses requests of another tier as well. Immutable.
 */
public final class TierExecutors {
  private final Map<Tier, Executor> byTier;

  private TierExecutors(Map<Tier, Executor> byTier) {
    this.byTier = byTier;
  }

  /** An executor for every tier, made by {@code factory} (called once per tier). */
  public static TierExecutors of(Function<Tier, ? extends Executor> factory) {
    Map<Tier, Executor> m = new EnumMap<>(Tier.class);
    for (Tier t : Tier.values()) {
      m.put(
          t, java.util.Objects.requireNonNull(factory.apply(t), "no executor for tier " + t.id()));
    }
    return new TierExecutors(m);
  }

  /** The executors of a map that names every tier. */
  public static TierExecutors of(Map<Tier, ? extends Executor> byTier) {
    return of(
        t -> {
          Executor e = byTier.get(t);
          if (e == null) {
            throw new IllegalArgumentException("no executor for tier " + t.id());
          }
          return e;
        });
  }

  /** The executor of {@code tier}'s pool. */
  public Executor forTier(Tier tier) {
    return byTier.get(tier);
  }
}
