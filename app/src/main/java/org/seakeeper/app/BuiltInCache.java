package org.seakeeper.app;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;
import org.seakeeper.depcache.DependencyCache;
import org.seakeeper.depcache.DependencyCacheConfig;
import org.seakeeper.depcache.MissBudget;
import org.seakeeper.sandbox.CacheAccess;

/**
 * The built-in dependency cache as the sandbox reaches it: one socket per execution, the tier from
 * the executor that opened it, each untrusted job with its own budget of misses. Off for the tiers
 * whose pool says {@code dependency_cache: false}.
 */
public final class BuiltInCache implements CacheAccess, AutoCloseable {
  private final DependencyCache cache;
  private final Set<Tier> off;
  private final Path dir;

  private BuiltInCache(DependencyCache cache, Set<Tier> off, Path dir) {
    this.cache = cache;
    this.off = Set.copyOf(off);
    this.dir = dir.toAbsolutePath().normalize();
  }

  /**
   * The cache's Maven files a job of {@code tier} may read directly: an untrusted job only those
   * untrusted jobs fetched (it cannot list what trusted builds use), other tiers both.
   */
  java.util.List<Path> mavenFiles(Tier tier) {
    Path untrusted = dir.resolve("untrusted").resolve("maven");
    return tier == Tier.UNTRUSTED
        ? java.util.List.of(untrusted)
        : java.util.List.of(dir.resolve("trusted").resolve("maven"), untrusted);
  }

  /** The tiers whose pool says {@code dependency_cache: false}: their jobs get no cache. */
  public static Set<Tier> offTiers(Optional<ServerConfig> server) {
    java.util.EnumSet<Tier> off = java.util.EnumSet.noneOf(Tier.class);
    server.ifPresent(
        s ->
            s.executors()
                .forEach(
                    (t, pool) -> {
                      if (pool.dependencyCacheOff()) {
                        off.add(t);
                      }
                    }));
    return off;
  }

  /**
   * Starts the cache {@code settings} describe (its files under {@code defaultDir} unless it names
   * a {@code dir}); empty when the operator turned it off.
   */
  public static Optional<BuiltInCache> start(
      ServerConfig.DependencyCache settings, Path defaultDir, Set<Tier> off, MeterRegistry registry)
      throws IOException {
    if (!settings.enabled()) {
      return Optional.empty();
    }
    Path dir = settings.dir().map(Path::of).orElse(defaultDir);
    DependencyCacheConfig c = DependencyCacheConfig.defaults(dir);
    URI pypi = URI.create(settings.pypi());
    c =
        c.withUpstreams(
                settings.maven().stream().map(URI::create).toList(),
                Optional.of(URI.create(settings.npm())),
                Optional.of(pypi),
                java.util.List.of())
            .withSizes(
                settings.maxSizeBytes(), Math.min(c.trustedFloor(), settings.maxSizeBytes() / 4));
    DependencyCache cache = new DependencyCache(c, registry);
    cache.start();
    return Optional.of(new BuiltInCache(cache, off, dir));
  }

  /**
   * The same started on another thread, so a command's start does not wait for it; a job that opens
   * it waits. A cache that cannot start is reported to {@code warnings} and jobs get none.
   */
  public static CacheAccess startInBackground(
      ServerConfig.DependencyCache settings,
      Path defaultDir,
      Set<Tier> off,
      MeterRegistry registry,
      java.util.function.Consumer<String> warnings,
      java.util.List<AutoCloseable> toClose) {
    java.util.concurrent.CompletableFuture<Optional<BuiltInCache>> started =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return start(settings, defaultDir, off, registry);
              } catch (IOException | RuntimeException e) {
                warnings.accept("the dependency cache did not start: " + e.getMessage());
                return Optional.empty();
              }
            },
            r -> Thread.ofVirtual().start(r));
    toClose.add(() -> started.join().ifPresent(BuiltInCache::close));
    return (id, tier, socket) -> {
      Optional<BuiltInCache> c = started.join();
      return c.isEmpty() ? Optional.empty() : c.get().open(id, tier, socket);
    };
  }

  @Override
  public Optional<Session> open(String executionId, Tier tier, Path socket) throws IOException {
    if (off.contains(tier)) {
      return Optional.empty();
    }
    DependencyCache.Listener l =
        cache.openJob(
            executionId,
            tier,
            socket,
            tier == Tier.UNTRUSTED ? MissBudget.DEFAULT_UNTRUSTED_JOB : MissBudget.UNLIMITED);
    return Optional.of(
        new Session() {
          @Override
          public Path socket() {
            return socket;
          }

          @Override
          public java.util.List<Path> mavenFiles() {
            return BuiltInCache.this.mavenFiles(tier);
          }

          @Override
          public void close() {
            l.close();
          }
        });
  }

  @Override
  public void close() {
    cache.close();
  }
}
