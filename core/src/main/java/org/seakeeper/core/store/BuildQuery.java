package org.seakeeper.core.store;

import java.util.Optional;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.PipelineName;

/**
 * A filter for listing builds, newest first (docs/contracts.md §6: {@code GET /builds}). Immutable.
 *
 * @param before only builds with a smaller id (paging)
 * @param limit at most this many (1..1000)
 */
public record BuildQuery(
    Optional<String> connection,
    Optional<String> project,
    Optional<String> change,
    Optional<PipelineName> pipeline,
    Optional<BuildStatus> status,
    Optional<Long> before,
    int limit) {
  public static final int MAX_LIMIT = 1000;

  public BuildQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
    }
  }

  public static BuildQuery latest(int limit) {
    return new BuildQuery(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        limit);
  }
}
