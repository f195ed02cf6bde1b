package org.seakeeper.sandbox;

import java.nio.file.Path;
import java.util.Map;

/**
 * How the bubblewrap executor is set up on this host. Immutable.
 *
 * @param bwrap the bubblewrap binary
 * @param workRoot where per-execution directories are made (must be traversable by tier users)
 * @param artifactsRoot where collected artifacts go, as {@code artifactsRoot/<execution id>/}
 * @param images operator-registered root filesystems by name ({@code host} is built in)
 * @param memoryBytes memory limit per job (cgroups)
 * @param pidsMax process limit per job (cgroups)
 * @param dependencyCache the unix socket of an allow-listed dependency cache, bound into every job
 *     at {@link BwrapCommand#DEPENDENCY_CACHE} (the CACHEDEPS seam); empty for none
 */
public record SandboxSettings(
    Path bwrap,
    Path workRoot,
    Path artifactsRoot,
    Map<String, Path> images,
    long memoryBytes,
    int pidsMax,
    java.util.Optional<Path> dependencyCache) {
  public static final long DEFAULT_MEMORY = 4L << 30;
  public static final int DEFAULT_PIDS = 4096;

  public SandboxSettings {
    images = Map.copyOf(images);
  }

  /** Settings without a dependency cache. */
  public SandboxSettings(
      Path bwrap,
      Path workRoot,
      Path artifactsRoot,
      Map<String, Path> images,
      long memoryBytes,
      int pidsMax) {
    this(bwrap, workRoot, artifactsRoot, images, memoryBytes, pidsMax, java.util.Optional.empty());
  }

  /**
   * Where work goes by default: a root-owned, traversable directory for root, a cache dir
   * otherwise.
   */
  public static Path defaultWorkRoot() {
    if (HostUsers.isRoot()) {
      return Path.of("/var/tmp/seakeeper-work");
    }
    return cacheHome().resolve("seakeeper").resolve("work");
  }

  /** {@code $XDG_CACHE_HOME} or {@code ~/.cache}. */
  public static Path cacheHome() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    return xdg != null && !xdg.isBlank()
        ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".cache");
  }
}
