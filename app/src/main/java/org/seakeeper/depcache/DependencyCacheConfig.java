package org.seakeeper.depcache;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.seakeeper.core.depcache.UpstreamUrls;

/**
 * What the dependency cache needs (docs/contracts.md §8): where it keeps files and how much, the
 * upstreams, how long indexes and metadata stay fresh, and the limits on upstream fetches.
 *
 * @param dir where cached files live ({@code dir/trusted}, {@code dir/untrusted}, {@code dir/tmp})
 * @param maxSize bytes the cached files may add up to; least recently used files go first
 * @param trustedFloor bytes of files kept for trusted builds that untrusted misses cannot evict
 * @param maven Maven repositories, tried in order (empty: Maven is not served)
 * @param npm the npm registry, if npm is served
 * @param pypi the PyPI simple index base ({@code https://pypi.org/simple/}), if PyPI is served
 * @param pypiFileHosts origins besides the index's own that its file links may point at (for {@code
 *     https://pypi.org/simple/}: {@code https://files.pythonhosted.org}); links elsewhere are
 *     dropped from the pages served
 * @param metadataTtl how long {@code maven-metadata.xml}, packuments and project pages are served
 *     without asking the upstream again
 * @param connectTimeout connecting to an upstream
 * @param requestTimeout waiting for an upstream's response headers, and the longest an upstream may
 *     send no body bytes
 * @param downloadTimeout the longest one upstream download may take in all
 * @param maxResponseBytes the largest upstream response taken (larger ones are cut off, not kept)
 * @param publicBase the cache's URL as clients see it, for npm {@code dist.tarball} links; empty:
 *     from the request's Host header ({@code http://HOST/})
 */
public record DependencyCacheConfig(
    Path dir,
    long maxSize,
    long trustedFloor,
    List<URI> maven,
    Optional<URI> npm,
    Optional<URI> pypi,
    List<URI> pypiFileHosts,
    Duration metadataTtl,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration downloadTimeout,
    long maxResponseBytes,
    Optional<URI> publicBase) {

  public static final URI MAVEN_CENTRAL = URI.create("https://repo.maven.apache.org/maven2/");
  public static final URI NPM_REGISTRY = URI.create("https://registry.npmjs.org/");
  public static final URI PYPI = URI.create("https://pypi.org/simple/");
  private static final URI PYPI_FILES = URI.create("https://files.pythonhosted.org/");

  public DependencyCacheConfig {
    Objects.requireNonNull(dir, "dir");
    maven = List.copyOf(maven);
    pypiFileHosts = List.copyOf(pypiFileHosts);
    if (maxSize <= 0 || trustedFloor < 0 || trustedFloor > maxSize) {
      throw new IllegalArgumentException("need 0 <= trusted floor <= max size, max size > 0");
    }
    if (maxResponseBytes <= 0) {
      throw new IllegalArgumentException("max response bytes must be positive");
    }
  }

  /**
   * The defaults of docs/contracts.md §8 under {@code dir}: 20 GiB, a quarter kept for trusted
   * builds, the public Maven Central, npm and PyPI registries, a 5-minute metadata TTL.
   */
  public static DependencyCacheConfig defaults(Path dir) {
    return new DependencyCacheConfig(
        dir,
        20L << 30,
        5L << 30,
        List.of(MAVEN_CENTRAL),
        Optional.of(NPM_REGISTRY),
        Optional.of(PYPI),
        List.of(),
        Duration.ofMinutes(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofMinutes(10),
        2L << 30,
        Optional.empty());
  }

  /** The same with other upstreams (empty list / empty: that ecosystem is not served). */
  public DependencyCacheConfig withUpstreams(
      List<URI> maven, Optional<URI> npm, Optional<URI> pypi, List<URI> pypiFileHosts) {
    return new DependencyCacheConfig(
        dir,
        maxSize,
        trustedFloor,
        maven,
        npm,
        pypi,
        pypiFileHosts,
        metadataTtl,
        connectTimeout,
        requestTimeout,
        downloadTimeout,
        maxResponseBytes,
        publicBase);
  }

  /** The same with another size limit and trusted floor. */
  public DependencyCacheConfig withSizes(long maxSize, long trustedFloor) {
    return new DependencyCacheConfig(
        dir,
        maxSize,
        trustedFloor,
        maven,
        npm,
        pypi,
        pypiFileHosts,
        metadataTtl,
        connectTimeout,
        requestTimeout,
        downloadTimeout,
        maxResponseBytes,
        publicBase);
  }

  /** The same with other timeouts and response size limit. */
  public DependencyCacheConfig withLimits(
      Duration metadataTtl,
      Duration connectTimeout,
      Duration requestTimeout,
      Duration downloadTimeout,
      long maxResponseBytes) {
    return new DependencyCacheConfig(
        dir,
        maxSize,
        trustedFloor,
        maven,
        npm,
        pypi,
        pypiFileHosts,
        metadataTtl,
        connectTimeout,
        requestTimeout,
        downloadTimeout,
        maxResponseBytes,
        publicBase);
  }

  /** The same with a public base URL for links the cache writes. */
  public DependencyCacheConfig withPublicBase(Optional<URI> publicBase) {
    return new DependencyCacheConfig(
        dir,
        maxSize,
        trustedFloor,
        maven,
        npm,
        pypi,
        pypiFileHosts,
        metadataTtl,
        connectTimeout,
        requestTimeout,
        downloadTimeout,
        maxResponseBytes,
        publicBase);
  }

  /** The origins PyPI file links may point at: the index's own, the configured ones, and PyPI's. */
  List<String> pypiFileOrigins() {
    java.util.ArrayList<String> origins = new java.util.ArrayList<>();
    pypi.ifPresent(
        p -> {
          origins.add(UpstreamUrls.origin(p));
          if (UpstreamUrls.origin(p).equals(UpstreamUrls.origin(PYPI))) {
            origins.add(UpstreamUrls.origin(PYPI_FILES));
          }
        });
    pypiFileHosts.forEach(h -> origins.add(UpstreamUrls.origin(h)));
    return List.copyOf(origins);
  }
}
