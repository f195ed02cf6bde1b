package org.seakeeper.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.seakeeper.core.model.Tier;

/**
 * How a job reaches the built-in dependency cache (docs/contracts.md §8): a unix socket of its own,
 * made for one execution and bound into its sandbox, which the job sees as {@code
 * SEAKEEPER_CACHE_URL} (a loopback port in its own network namespace, forwarded to the socket). The
 * tier of the requests and the job's budget come from the socket, never from the job.
 */
public interface CacheAccess {
  /** No cache: jobs get none. */
  CacheAccess NONE = (id, tier, socket) -> Optional.empty();

  /**
   * Opens a socket at {@code socket} for one execution of {@code tier}; empty when the cache is off
   * for that tier.
   */
  Optional<Session> open(String executionId, Tier tier, Path socket) throws IOException;

  /** One execution's socket; closing it removes the socket and ends the job's budget. */
  interface Session extends AutoCloseable {
    Path socket();

    /**
     * Directories of the cache's complete, verified Maven files (a Maven repository layout) that
     * this execution's tier may read, bound read-only into the job and offered to Maven as {@code
     * file:} repositories before the cache's URL, so a warm build reads its jars without a request
     * per file. Empty: none.
     */
    default java.util.List<Path> mavenFiles() {
      return java.util.List.of();
    }

    @Override
    void close();
  }
}
