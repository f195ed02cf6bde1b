package org.seakeeper.core.build;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.seakeeper.core.model.Job;

/**
 * What a build was given when it started (issue 13, the build page): kept by the scheduler in the
 * transaction that moves the build to {@code running}, so a build that ever ran has one. It names
 * the secrets handed over and never holds their values. Immutable.
 *
 * @param secrets the names of the secrets handed to the job, in the job's order (empty: none)
 * @param network whether the job had a network namespace with connectivity
 * @param image the image it ran in
 * @param timeout its wall-clock limit
 * @param checkoutDepth how many commits its workspace held ({@code 0}: all of them)
 * @param config the job's resolved config as it ran, bounded ({@link RunConfig})
 */
public record BuildRun(
    List<String> secrets,
    boolean network,
    String image,
    Duration timeout,
    int checkoutDepth,
    RunConfig config) {
  public BuildRun {
    secrets = List.copyOf(secrets);
    Objects.requireNonNull(image);
    Objects.requireNonNull(timeout);
    Objects.requireNonNull(config);
  }

  /**
   * The facts of {@code job} started with the secrets named {@code secrets} and {@code network}.
   */
  public static BuildRun of(Job job, List<String> secrets, boolean network) {
    RunConfig config = RunConfig.of(job);
    return new BuildRun(
        secrets, network, config.image(), job.timeout(), job.checkoutDepth(), config);
  }
}
