package org.seakeeper.core.config;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What trusted config (the server config) offers to repo configs: base jobs, images, the default
 * timeout and the limits it sets. Offline (the CLI without {@code --config}) base jobs and images
 * are unknown, which is a warning, not an error. Immutable.
 *
 * @param maxJobs most jobs one repo config may define after {@code matrix} expansion ({@code
 *     limits.jobs_per_config}; default {@link JobResolver#MAX_JOBS})
 */
public record TrustedContext(
    boolean offline,
    Map<String, JobDecl> baseJobs,
    Set<String> images,
    Duration defaultTimeout,
    int maxJobs) {
  /** The image every installation has: the host's own tools, read-only. */
  public static final String HOST_IMAGE = "host";

  public TrustedContext {
    baseJobs = Map.copyOf(baseJobs);
    images = Set.copyOf(images);
    if (maxJobs < 1 || maxJobs > TrustedSections.Limits.MAX_JOBS_PER_CONFIG) {
      throw new IllegalArgumentException(
          "maxJobs must be between 1 and "
              + TrustedSections.Limits.MAX_JOBS_PER_CONFIG
              + ": "
              + maxJobs);
    }
  }

  /** With the default job cap ({@link JobResolver#MAX_JOBS}). */
  public TrustedContext(
      boolean offline, Map<String, JobDecl> baseJobs, Set<String> images, Duration defaultTimeout) {
    this(offline, baseJobs, images, defaultTimeout, JobResolver.MAX_JOBS);
  }

  public static TrustedContext offlineDefaults() {
    return new TrustedContext(true, Map.of(), Set.of(HOST_IMAGE), Duration.ofHours(1));
  }

  public boolean knowsImage(String name) {
    return HOST_IMAGE.equals(name) || images.contains(name);
  }
}
