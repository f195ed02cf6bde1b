package org.seakeeper.depcache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.seakeeper.core.depcache.Ecosystem;

/**
 * The cache's meters (docs/contracts.md §8): {@code
 * seakeeper_dependency_cache_requests_total{ecosystem, result}} with result hit, miss, refused or
 * error; {@code seakeeper_dependency_cache_bytes_total{ecosystem,source}} with source cache (served
 * from cached copies) or upstream (downloaded); and {@code
 * seakeeper_dependency_cache_checksum_failures_total{ecosystem}} for downloads discarded because
 * they did not match the published digest. Requests refused before an ecosystem is known have
 * {@code ecosystem="none"}.
 */
final class CacheMetrics {
  static final String NONE = "none";
  private final MeterRegistry registry;

  CacheMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Ecosystem e : Ecosystem.values()) {
      for (String r : new String[] {"hit", "miss", "refused", "error"}) {
        request(e.label(), r, 0);
      }
      bytes(e, "cache", 0);
      bytes(e, "upstream", 0);
      checksumFailure(e, 0);
    }
    request(NONE, "refused", 0);
  }

  void request(String ecosystem, String result, int count) {
    Counter.builder("seakeeper.dependency.cache.requests")
        .description("Requests to the dependency cache by ecosystem and result")
        .tag("ecosystem", ecosystem)
        .tag("result", result)
        .register(registry)
        .increment(count);
  }

  void request(String ecosystem, String result) {
    request(ecosystem, result, 1);
  }

  void bytes(Ecosystem ecosystem, String source, long bytes) {
    Counter.builder("seakeeper.dependency.cache.bytes")
        .description("Bytes served from the dependency cache or downloaded from upstreams")
        .tag("ecosystem", ecosystem.label())
        .tag("source", source)
        .register(registry)
        .increment(bytes);
  }

  void checksumFailure(Ecosystem ecosystem, int count) {
    Counter.builder("seakeeper.dependency.cache.checksum.failures")
        .description("Downloads discarded because they did not match the published digest")
        .tag("ecosystem", ecosystem.label())
        .register(registry)
        .increment(count);
  }
}
