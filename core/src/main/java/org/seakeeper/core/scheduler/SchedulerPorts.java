package org.seakeeper.core.scheduler;

import org.seakeeper.core.artifact.ArtifactKeeper;
import org.seakeeper.core.effect.EffectPorts;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.executor.TierExecutors;
import org.seakeeper.core.report.Reporter;
import org.seakeeper.core.secret.SecretStore;
import org.seakeeper.core.store.LogStore;
import org.seakeeper.core.store.Store;

/**
 * The adapters the scheduler works through. Immutable holder.
 *
 * @param executors one executor per tier; a build runs only on its tier's executor
 * @param secrets where granted secrets are read ({@link SecretStore#NONE}: jobs that declare
 *     secrets end in {@code config_error})
 * @param effects how network calls run (away from the scheduler's thread, with a timeout) and how
 *     outages are retried; {@link EffectPorts#inline()} unless {@link #withEffects} says otherwise
 * @param artifacts where a finished job's artifacts go (docs/contracts.md §10); {@link
 *     ArtifactKeeper#NONE} unless {@link #withArtifacts} says otherwise
 */
public record SchedulerPorts(
    Store store,
    RepoAccess repos,
    TierExecutors executors,
    LogStore logs,
    Reporter reporter,
    SchedulerMetrics metrics,
    SecretStore secrets,
    EffectPorts effects,
    ArtifactKeeper artifacts) {
  /** Ports that keep no artifacts. */
  public SchedulerPorts(
      Store store,
      RepoAccess repos,
      TierExecutors executors,
      LogStore logs,
      Reporter reporter,
      SchedulerMetrics metrics,
      SecretStore secrets,
      EffectPorts effects) {
    this(store, repos, executors, logs, reporter, metrics, secrets, effects, ArtifactKeeper.NONE);
  }

  /** Ports whose calls run inline (tests, {@code seakeeper run}). */
  public SchedulerPorts(
      Store store,
      RepoAccess repos,
      TierExecutors executors,
      LogStore logs,
      Reporter reporter,
      SchedulerMetrics metrics,
      SecretStore secrets) {
    this(store, repos, executors, logs, reporter, metrics, secrets, EffectPorts.inline());
  }

  /** The same ports, acting through {@code e}. */
  public SchedulerPorts withEffects(EffectPorts e) {
    return new SchedulerPorts(
        store, repos, executors, logs, reporter, metrics, secrets, e, artifacts);
  }

  /** The same ports, keeping finished jobs' artifacts through {@code a}. */
  public SchedulerPorts withArtifacts(ArtifactKeeper a) {
    return new SchedulerPorts(
        store, repos, executors, logs, reporter, metrics, secrets, effects, a);
  }

  /** Ports without a secret store. */
  public SchedulerPorts(
      Store store,
      RepoAccess repos,
      TierExecutors executors,
      LogStore logs,
      Reporter reporter,
      SchedulerMetrics metrics) {
    this(store, repos, executors, logs, reporter, metrics, SecretStore.NONE);
  }

  /** One executor object for every tier, with secrets: for tests that do not look at tiers. */
  public SchedulerPorts(
      Store store,
      RepoAccess repos,
      Executor executor,
      LogStore logs,
      Reporter reporter,
      SchedulerMetrics metrics,
      SecretStore secrets) {
    this(store, repos, TierExecutors.of(t -> executor), logs, reporter, metrics, secrets);
  }

  /** One executor object for every tier: for tests that do not look at tiers. */
  public SchedulerPorts(
      Store store,
      RepoAccess repos,
      Executor executor,
      LogStore logs,
      Reporter reporter,
      SchedulerMetrics metrics) {
    this(store, repos, TierExecutors.of(t -> executor), logs, reporter, metrics, SecretStore.NONE);
  }
}
