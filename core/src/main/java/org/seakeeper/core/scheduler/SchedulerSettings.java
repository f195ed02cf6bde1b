package org.seakeeper.core.scheduler;

import java.util.List;
import java.util.Map;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.model.Cron;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.Tier;

/**
 * The trusted settings the scheduler works with, taken from the server config. Immutable.
 *
 * @param maxParallel executor slots per tier
 * @param trusted base jobs, images and the default timeout that repo configs resolve against
 * @param policy which events start which pipeline in which tier, and each tier's network
 * @param periodic when {@code periodic} runs for every project's default branch
 * @param projects the projects served, for periodic runs
 */
public record SchedulerSettings(
    Map<Tier, Integer> maxParallel,
    TrustedContext trusted,
    TierPolicy policy,
    Cron periodic,
    List<RepoRef> projects) {
  public SchedulerSettings {
    maxParallel = Map.copyOf(maxParallel);
    projects = List.copyOf(projects);
  }

  /** The default policy with these release tags (every branch protected, every project served). */
  public SchedulerSettings(
      Map<Tier, Integer> maxParallel,
      TrustedContext trusted,
      Glob releaseTags,
      Cron periodic,
      List<RepoRef> projects) {
    this(maxParallel, trusted, TierPolicy.defaults(releaseTags), periodic, projects);
  }

  public int slots(Tier tier) {
    return maxParallel.getOrDefault(tier, 1);
  }
}
