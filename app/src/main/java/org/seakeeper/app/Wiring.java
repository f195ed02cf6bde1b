package org.seakeeper.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;
import org.seakeeper.sandbox.BubblewrapExecutor;
import org.seakeeper.sandbox.CacheAccess;
import org.seakeeper.sandbox.Cgroups;
import org.seakeeper.sandbox.HostUsers;
import org.seakeeper.sandbox.SandboxProbe;
import org.seakeeper.sandbox.SandboxSettings;
import org.seakeeper.sandbox.Workspaces;

/**
 * The composition root: the one place that builds adapters and hands them to each other. No other
 * class creates executors, stores or connections.
 */
public final class Wiring {
  private Wiring() {}

  /**
   * A bubblewrap executor for a tier's pool (it runs only that tier's requests), with settings from
   * the server config if any.
   */
  public static BubblewrapExecutor bubblewrap(
      Optional<ServerConfig> server,
      Tier tier,
      Path workRoot,
      Path artifactsRoot,
      Consumer<String> warnings) {
    return bubblewrap(server, tier, workRoot, artifactsRoot, warnings, CacheAccess.NONE);
  }

  /** As above; jobs reach the built-in dependency cache through {@code cache}. */
  public static BubblewrapExecutor bubblewrap(
      Optional<ServerConfig> server,
      Tier tier,
      Path workRoot,
      Path artifactsRoot,
      Consumer<String> warnings,
      CacheAccess cacheAccess) {
    Map<String, Path> images = new LinkedHashMap<>();
    long memory = SandboxSettings.DEFAULT_MEMORY;
    int pids = SandboxSettings.DEFAULT_PIDS;
    Optional<Path> cache = Optional.empty();
    if (server.isPresent()) {
      server.get().images().forEach((k, v) -> images.put(k, Path.of(v)));
      ServerConfig.Pool pool = server.get().executors().get(tier);
      memory = pool.memoryBytes();
      pids = pool.pidsMax();
      cache = pool.dependencyCache().map(Path::of);
    }
    SandboxSettings settings =
        new SandboxSettings(
            SandboxProbe.findBwrap(), workRoot, artifactsRoot, images, memory, pids, cache);
    return new BubblewrapExecutor(
        tier,
        settings,
        new HostUsers(),
        new Workspaces(workRoot),
        Cgroups.system(),
        warnings,
        cacheAccess);
  }
}
