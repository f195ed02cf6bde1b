package org.seakeeper.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.core.store.LogStore;

/** The public reads of {@code /api/v1}: build lists, one build, its log (with Range) and log stream. */
final class ApiRoutes {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

  private final Function<Context, BuildQueries> view;
  private final LogStore logs;
  private final Links links;
  private final LogStreams streams;

  /** @param view the queries a request may use: the public view unless it carries the admin token */
  ApiRoutes(Function<Context, BuildQueries> view, LogStore logs, Links links, LogStreams streams) {
    this.view = view;
    this.logs = logs;
    this.links = links;
    this.streams = streams;
  }

  void install(RoutesConfig routes) {
    routes.get("/api/v1/builds", this::list);
    routes.get("/api/v1/builds/{id}", ctx -> ctx.json(BuildJson.of(build(view.apply(ctx), ctx), links)));
    routes.get("/api/v1/builds/{id}/log", this::log);
    routes.get("/api/v1/builds/{id}/log/stream", ctx -> streams.stream(ctx, build(view.apply(ctx), ctx)));
  }

  /** The build named by the {@code {id}} path parameter, or a 404 {@link ApiError}. */
  static Build build(BuildQueries queries, Context ctx) {
    String raw = ctx.pathParam("id");
    return BuildListParams.parseLong(raw).flatMap(queries::build).orElseThrow(() -> ApiError.unknownBuild(raw));
  }

  private void list(Context ctx) {
    BuildQuery q = BuildListParams.parse(ctx);
    List<Build> builds = view.apply(ctx).list(q);
    String next = null;
    if (builds.size() == q.limit()) {
      next = links.absolute("/api/v1/builds?" + nextQuery(ctx, builds.getLast().id()));
      ctx.header("Link", "<" + next + ">; rel=\"next\"");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("builds", builds.stream().map(b -> BuildJson.of(b, links)).toList());
    body.put("next", next);
    ctx.json(body);
  }

  /** The current query string with {@code before} set to {@code lastId}. */
  static String nextQuery(Context ctx, long lastId) {
    StringBuilder sb = new StringBuilder();
    ctx.queryParamMap().forEach((k, vs) -> {
      if (!k.equals("before")) {
        for (String v : vs) {
          sb.append(encode(k)).append('=').append(encode(v)).append('&');
        }
      }
    });
    return sb.append("before=").append(lastId).toString();
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  private void log(Context ctx) {
    Build b = build(view.apply(ctx), ctx);
    ctx.header("Accept-Ranges", "bytes");
    ctx.contentType("text/plain; charset=utf-8");
    String range = ctx.header("Range");
    if (range == null) {
      ctx.result(logs.read(b.id(), 0).orElse(new byte[0]));
      return;
    }
    Matcher m = RANGE.matcher(range.strip());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      // RFC 9110: a Range we do not understand is ignored, and the whole log is sent.
      ctx.result(logs.read(b.id(), 0).orElse(new byte[0]));
      return;
    }
    if (!m.group(1).isEmpty() && m.group(2).isEmpty()) {
      long from = Long.parseLong(m.group(1));
      byte[] rest = logs.read(b.id(), from).orElse(new byte[0]);
      if (rest.length > 0) {
        partial(ctx, rest, from, from + rest.length);
      } else {
        unsatisfiable(ctx, length(b.id()));
      }
      return;
    }
    byte[] all = logs.read(b.id(), 0).orElse(new byte[0]);
    long first;
    long last;
    if (m.group(1).isEmpty()) {
      long suffix = Long.parseLong(m.group(2));
      first = Math.max(0, all.length - suffix);
      last = all.length - 1;
    } else {
      first = Long.parseLong(m.group(1));
      last = Math.min(Long.parseLong(m.group(2)), all.length - 1L);
    }
    if (first >= all.length || first > last) {
      unsatisfiable(ctx, all.length);
      return;
    }
    byte[] slice = java.util.Arrays.copyOfRange(all, (int) first, (int) last + 1);
    partial(ctx, slice, first, all.length);
  }

  private static void partial(Context ctx, byte[] bytes, long first, long total) {
    ctx.status(206);
    ctx.header("Content-Range", "bytes " + first + "-" + (first + bytes.length - 1) + "/" + total);
    ctx.result(bytes);
  }

  private void unsatisfiable(Context ctx, long total) {
    ctx.header("Content-Range", "bytes */" + total);
    throw new ApiError(416, "range_not_satisfiable", "The log has " + total + " bytes; the requested range starts past its end.");
  }

  private long length(long buildId) {
    return logs.read(buildId, 0).map(a -> (long) a.length).orElse(0L);
  }
}
