package org.seakeeper.core.config;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What trusted config (the server config) offers to repo configs: base jobs, images and the default
 * timeout. Offline (the CLI without {@code --config}) base jobs and images are unknown, which is a
 * warning, not an error. Immutable.
 */
public record TrustedContext(
    boolean offline, Map<String, JobDecl> baseJobs, Set<String> images, Duration defaultTimeout) {
  /** The image every installation has: the host's own tools, read-only. */
  public static final String HOST_IMAGE = "host";

  public TrustedContext {
    baseJobs = Map.copyOf(baseJobs);
    images = Set.copyOf(images);
  }

  public static TrustedContext offlineDefaults() {
    return new TrustedContext(true, Map.of(), Set.of(HOST_IMAGE), Duration.ofHours(1));
  }

  public boolean knowsImage(String name) {
    return HOST_IMAGE.equals(name) || images.contains(name);
  }
}
