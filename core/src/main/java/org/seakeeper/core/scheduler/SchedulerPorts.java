package org.seakeeper.core.scheduler;

import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.report.Reporter;
import org.seakeeper.core.secret.SecretStore;
import org.seakeeper.core.store.LogStore;
import org.seakeeper.core.store.Store;

/** The adapters the scheduler works through. Immutable holder. */
public record SchedulerPorts(Store store, RepoAccess repos, Executor executor, LogStore logs, Reporter reporter, SchedulerMetrics metrics, SecretStore secrets) {
  /** Ports without a secret store: jobs that declare secrets end in {@code config_error}. */
  public SchedulerPorts(Store store, RepoAccess repos, Executor executor, LogStore logs, Reporter reporter, SchedulerMetrics metrics) {
    this(store, repos, executor, logs, reporter, metrics, SecretStore.NONE);
  }
}
