package org.seakeeper.core.scheduler;

import java.util.List;
import java.util.Map;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.Tier;

/**
 * The trusted settings the scheduler works with, taken from the server config. Immutable.
 *
 * @param maxParallel executor slots per tier
 * @param trusted base jobs, images and the default timeout that repo configs resolve against
 * @param releaseTags tags that start {@code release} (default {@code v*})
 * @param periodic when {@code periodic} runs for every project's default branch
 * @param projects the projects served, for periodic runs
 */
public record SchedulerSettings(Map<Tier, Integer> maxParallel, TrustedContext trusted, Glob releaseTags, Cron periodic, List<ProjectRef> projects) {
  public SchedulerSettings {
    maxParallel = Map.copyOf(maxParallel);
    projects = List.copyOf(projects);
  }

  /** A project of a connection. */
  public record ProjectRef(String connection, String project) {}

  public int slots(Tier tier) {
    return maxParallel.getOrDefault(tier, 1);
  }
}
