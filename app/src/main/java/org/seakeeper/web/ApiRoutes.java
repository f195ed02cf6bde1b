package org.seakeeper.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
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

/**
 * The public reads of {@code /api/v1}: build lists, one build, its log (with Range) and log stream.
 */
final class ApiRoutes {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

  private final Function<Context, BuildQueries> view;
  private final LogStore logs;
  private final Links links;
  private final LogStreams streams;

  /**
   * @param view the queries a request may use: the public view unless it carries the admin token
   */
  ApiRoutes(Function<Context, BuildQueries> view, LogStore logs, Links links, LogStreams streams) {
    this.view = view;
    this.logs = logs;
    this.links = links;
    this.streams = streams;
  }

  void install(RoutesConfig routes) {
    routes.get("/api/v1/builds", this::list);
    routes.get("/api/v1/builds/{id}", this::one);
    routes.get("/api/v1/builds/{id}/log", this::log);
    routes.get(
        "/api/v1/builds/{id}/log/stream", ctx -> streams.stream(ctx, build(view.apply(ctx), ctx)));
  }

  /** The build named by the {@code {id}} path parameter, or a 404 {@link ApiError}. */
  static Build build(BuildQueries queries, Context ctx) {
    String raw = ctx.pathParam("id");
    return BuildListParams.parseLong(raw)
        .flatMap(queries::build)
        .orElseThrow(() -> ApiError.unknownBuild(raw));
  }

  /** One build, with what it was given when it started ({@code run}, null before). */
  private void one(Context ctx) {
    BuildQueries queries = view.apply(ctx);
    Build b = build(queries, ctx);
    ctx.json(BuildJson.withRun(BuildJson.of(b, links), queries.run(b.id())));
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
    ctx.queryParamMap()
        .forEach(
            (k, vs) -> {
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

  /**
   * The log, or the requested range of it, copied from the log store through a small buffer: a log
   * of any size costs no more heap than that. The length is the log's size when the request came (a
   * running build's log may grow meanwhile; what came later is for the next request).
   */
  private void log(Context ctx) {
    Build b = build(view.apply(ctx), ctx);
    ctx.header("Accept-Ranges", "bytes");
    ctx.contentType("text/plain; charset=utf-8");
    long total = logs.size(b.id()).orElse(0L);
    String range = ctx.header("Range");
    Matcher m = range == null ? null : RANGE.matcher(range.strip());
    if (m == null || !m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      // No Range, or (RFC 9110) one we do not understand, which is ignored: the whole log is sent.
      send(ctx, b.id(), 0, total);
      return;
    }
    long first;
    long last;
    if (m.group(1).isEmpty()) {
      long suffix = Long.parseLong(m.group(2));
      first = Math.max(0, total - suffix);
      last = total - 1;
    } else if (m.group(2).isEmpty()) {
      first = Long.parseLong(m.group(1));
      last = total - 1;
    } else {
      first = Long.parseLong(m.group(1));
      last = Math.min(Long.parseLong(m.group(2)), total - 1);
    }
    if (first >= total || first > last) {
      unsatisfiable(ctx, total);
      return;
    }
    ctx.status(206);
    ctx.header("Content-Range", "bytes " + first + "-" + last + "/" + total);
    send(ctx, b.id(), first, last - first + 1);
  }

  /** Streams {@code count} bytes of the log from {@code from} (fewer if the log has fewer). */
  private void send(Context ctx, long buildId, long from, long count) {
    if (count <= 0) {
      ctx.result(new byte[0]);
      return;
    }
    InputStream in = logs.stream(buildId, from).orElse(null);
    ctx.result(in == null ? new ByteArrayInputStream(new byte[0]) : new Limited(in, count));
  }

  /** At most {@code left} bytes of a stream; closing it closes the stream. */
  static final class Limited extends FilterInputStream {
    private long left;

    Limited(InputStream in, long left) {
      super(in);
      this.left = left;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int c = in.read();
      if (c >= 0) {
        left--;
      }
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(Math.min(n, left));
      left -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), left);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }

  private void unsatisfiable(Context ctx, long total) {
    ctx.header("Content-Range", "bytes */" + total);
    throw new ApiError(
        416,
        "range_not_satisfiable",
        "The log has " + total + " bytes; the requested range starts past its end.");
  }
}
