package org.seakeeper.web;

import io.javalin.http.Context;
import java.util.Optional;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.store.BuildQuery;

/**
 * Reads the filters of {@code GET /builds} (API and page) into a {@link BuildQuery}. Empty values
 * count as absent; anything malformed is a 400 that says what is accepted.
 */
final class BuildListParams {
  static final int DEFAULT_LIMIT = 50;

  private BuildListParams() {}

  static BuildQuery parse(Context ctx) {
    Optional<PipelineName> pipeline =
        param(ctx, "pipeline")
            .map(
                p ->
                    PipelineName.parse(p)
                        .orElseThrow(
                            () ->
                                ApiError.badRequest(
                                    "Unknown pipeline '"
                                        + p
                                        + "'; expected one of "
                                        + String.join(", ", PipelineName.ids())
                                        + ".")));
    Optional<BuildStatus> status =
        param(ctx, "status")
            .map(
                s ->
                    BuildStatus.parse(s)
                        .orElseThrow(
                            () ->
                                ApiError.badRequest(
                                    "Unknown status '"
                                        + s
                                        + "'; expected one of "
                                        + statuses()
                                        + ".")));
    Optional<Long> before = param(ctx, "before").map(BuildListParams::before);
    int limit = param(ctx, "limit").map(BuildListParams::limit).orElse(DEFAULT_LIMIT);
    return new BuildQuery(
        param(ctx, "connection"),
        param(ctx, "project"),
        param(ctx, "change"),
        pipeline,
        status,
        before,
        limit);
  }

  private static Optional<String> param(Context ctx, String name) {
    return Optional.ofNullable(ctx.queryParam(name)).filter(s -> !s.isEmpty());
  }

  private static long before(String s) {
    long id = parseLong(s).orElse(-1L);
    if (id < 1) {
      throw ApiError.badRequest(
          "'before' must be a build id (a positive integer), not '" + s + "'.");
    }
    return id;
  }

  private static int limit(String s) {
    long n = parseLong(s).orElse(-1L);
    if (n < 1 || n > BuildQuery.MAX_LIMIT) {
      throw ApiError.badRequest(
          "'limit' must be an integer from 1 to " + BuildQuery.MAX_LIMIT + ", not '" + s + "'.");
    }
    return (int) n;
  }

  /** A build id from a path or query: digits only, no sign, fits in a long. */
  static Optional<Long> parseLong(String s) {
    if (s == null
        || s.isEmpty()
        || s.length() > 18
        || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(s));
  }

  private static String statuses() {
    StringBuilder sb = new StringBuilder();
    for (BuildStatus s : BuildStatus.values()) {
      sb.append(sb.isEmpty() ? "" : ", ").append(s.id());
    }
    return sb.toString();
  }
}
