package org.seakeeper.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.core.store.LogStore;

/**
 * The HTML pages: {@code /} (redirects), {@code /builds} (recent builds, with the filters of the
 * API) and {@code /builds/{id}} (one build with its log, followed live while it runs). No JS
 * framework; one small nonce'd script. Every build value is escaped.
 */
final class PageRoutes {
  /** The most log a page shows; the raw log link has all of it. */
  static final int MAX_PAGE_LOG = 1 << 20;

  private final Function<Context, BuildQueries> view;
  private final LogStore logs;
  private final Links links;

  /**
   * @param view the queries a request may use: the public view unless it carries the admin token
   */
  PageRoutes(Function<Context, BuildQueries> view, LogStore logs, Links links) {
    this.view = view;
    this.logs = logs;
    this.links = links;
  }

  void install(RoutesConfig routes) {
    routes.get("/", ctx -> ctx.redirect(links.local("/builds"), HttpStatus.FOUND));
    routes.get("/builds", this::list);
    routes.get("/builds/{id}", this::build);
  }

  private static void html(Context ctx, String nonce, String page) {
    ctx.header("Content-Security-Policy", Html.csp(nonce));
    ctx.header("Cache-Control", "no-store");
    ctx.contentType("text/html; charset=utf-8").result(page);
  }

  private void list(Context ctx) {
    BuildQuery q = BuildListParams.parse(ctx);
    List<Build> builds = view.apply(ctx).list(q);
    Instant now = Instant.now();
    StringBuilder b = new StringBuilder("<h1>Builds</h1>\n").append(filters(q));
    b.append(
            "<table><thead><tr><th>Build</th><th>Project</th><th>Change</th><th>Pipeline</th><th>Job</th><th>Status</th>")
        .append("<th>Queued</th><th>Waited</th><th>Ran</th></tr></thead><tbody>\n");
    for (Build x : builds) {
      String change =
          x.change().map(c -> c + x.patchset().map(p -> "," + p).orElse("")).orElse(x.ref());
      b.append("<tr><td>")
          .append(Html.link(links.local("/builds/" + x.id()), "#" + x.id()))
          .append("</td><td>")
          .append(Html.esc(x.project()))
          .append("</td><td>")
          .append(Html.esc(change))
          .append("</td><td>")
          .append(Html.esc(x.pipeline().id()))
          .append("</td><td>")
          .append(Html.esc(x.job().orElse("(none)")))
          .append("</td><td>")
          .append(status(x.status()))
          .append("</td><td>")
          .append(Html.esc(Html.time(Optional.of(x.queuedAt()))))
          .append("</td><td>")
          .append(Html.esc(waited(x, now)))
          .append("</td><td>")
          .append(Html.esc(ran(x, now)))
          .append("</td></tr>\n");
    }
    b.append("</tbody></table>\n");
    if (builds.isEmpty()) {
      b.append("<p>No builds match.</p>\n");
    } else if (builds.size() == q.limit()) {
      b.append("<p>")
          .append(
              Html.link(
                  links.local("/builds?" + ApiRoutes.nextQuery(ctx, builds.getLast().id())),
                  "Older builds →"))
          .append("</p>\n");
    }
    String nonce = Html.nonce();
    html(ctx, nonce, Html.page("Builds", nonce, links, b.toString()));
  }

  private String filters(BuildQuery q) {
    StringBuilder f =
        new StringBuilder("<form method=\"get\" action=\"")
            .append(Html.esc(links.local("/builds")))
            .append("\">");
    f.append(input("project", q.project())).append(input("change", q.change()));
    f.append(select("pipeline", PipelineName.ids(), q.pipeline().map(PipelineName::id)));
    f.append(
        select(
            "status",
            Arrays.stream(BuildStatus.values()).map(BuildStatus::id).toList(),
            q.status().map(BuildStatus::id)));
    return f.append(" <button type=\"submit\">Filter</button></form>\n").toString();
  }

  private static String input(String name, Optional<String> value) {
    return " <label>"
        + name
        + " <input name=\""
        + name
        + "\" value=\""
        + Html.esc(value.orElse(""))
        + "\" size=\"14\"></label>";
  }

  private static String select(String name, List<String> options, Optional<String> chosen) {
    StringBuilder s =
        new StringBuilder(
            " <label>" + name + " <select name=\"" + name + "\"><option value=\"\">any</option>");
    for (String o : options) {
      s.append("<option")
          .append(chosen.filter(o::equals).isPresent() ? " selected" : "")
          .append(">")
          .append(Html.esc(o))
          .append("</option>");
    }
    return s.append("</select></label>").toString();
  }

  private static String status(BuildStatus s) {
    return "<span class=\"status " + Html.esc(s.id()) + "\">" + Html.esc(s.id()) + "</span>";
  }

  private static String waited(Build b, Instant now) {
    return Html.span(
        Optional.of(b.queuedAt()),
        b.startedAt()
            .or(() -> b.status() == BuildStatus.QUEUED ? Optional.of(now) : b.finishedAt()));
  }

  private static String ran(Build b, Instant now) {
    return Html.span(
        b.startedAt(),
        b.finishedAt()
            .or(() -> b.status() == BuildStatus.RUNNING ? Optional.of(now) : Optional.empty()));
  }

  private void build(Context ctx) {
    Build x = ApiRoutes.build(view.apply(ctx), ctx);
    Instant now = Instant.now();
    String title = "Build #" + x.id() + " " + x.job().orElse("(no job)");
    StringBuilder b =
        new StringBuilder("<h1>")
            .append(Html.esc(title))
            .append(" ")
            .append(status(x.status()).replace("<span ", "<span id=\"status\" "))
            .append("</h1>\n<dl>\n");
    row(b, "Project", x.connection() + " / " + x.project());
    x.change()
        .ifPresent(c -> row(b, "Change", c + x.patchset().map(p -> ", patch set " + p).orElse("")));
    row(b, "Ref", x.ref());
    row(b, "Commit", x.commit());
    row(b, "Pipeline", x.pipeline().id() + " (tier " + x.tier().id() + ")");
    row(b, "Attempt", Integer.toString(x.attempt()));
    row(b, "Buildset", Long.toString(x.buildsetId()));
    if (!x.needs().isEmpty()) {
      row(b, "Needs", String.join(", ", x.needs()));
    }
    row(b, "Queued", Html.time(Optional.of(x.queuedAt())));
    row(
        b,
        "Started",
        Html.time(x.startedAt())
            + (x.startedAt().isPresent() ? " (waited " + waited(x, now) + ")" : ""));
    row(
        b,
        "Finished",
        Html.time(x.finishedAt())
            + (x.finishedAt().isPresent() ? " (ran " + ran(x, now) + ")" : ""));
    x.logSha256().ifPresent(sha -> row(b, "Log SHA-256", sha));
    b.append("</dl>\n");
    if (!x.detail().isEmpty()) {
      b.append("<h2>Detail</h2>\n<pre id=\"detail\">")
          .append(Html.esc(x.detail()))
          .append("</pre>\n");
    }
    String logPath = links.local("/api/v1/builds/" + x.id() + "/log");
    b.append("<p>")
        .append(Html.link(logPath, "Raw log"))
        .append(" · ")
        .append(Html.link(links.local("/api/v1/builds/" + x.id()), "API (JSON)"))
        .append("</p>\n");
    b.append(log(x));
    String nonce = Html.nonce();
    if (!x.status().terminal()) {
      b.append(followScript(nonce));
    }
    html(ctx, nonce, Html.page(title, nonce, links, b.toString()));
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append("<dt>")
        .append(Html.esc(name))
        .append("</dt><dd>")
        .append(Html.esc(value))
        .append("</dd>\n");
  }

  /**
   * The log up to its last complete line (the stream goes on from there), at most its last {@link
   * #MAX_PAGE_LOG} bytes starting at a line; only that tail is read. A longer log gets a note and a
   * link to the raw log.
   */
  private String log(Build x) {
    long size = logs.size(x.id()).orElse(0L);
    long base =
        Math.max(
            0, size - MAX_PAGE_LOG - 1); // one byte more: is the window's first byte a line start?
    byte[] tail = logs.read(x.id(), base, (int) (size - base)).orElse(new byte[0]);
    int end = tail.length;
    if (!x.status().terminal()) {
      while (end > 0 && tail[end - 1] != '\n') {
        end--;
      }
    }
    long total = base + tail.length;
    int start = Math.max(base > 0 ? 1 : 0, end - MAX_PAGE_LOG);
    String note = "";
    if (base + start > 0) {
      while (start < end && tail[start - 1] != '\n') {
        start++;
      }
      String raw = links.local("/api/v1/builds/" + x.id() + "/log");
      note =
          "<p class=\"note\"><em>The log has "
              + total
              + " bytes; showing only its last part (up to "
              + (MAX_PAGE_LOG >> 20)
              + " MiB). The "
              + Html.link(raw, "raw log")
              + " has all of it.</em></p>\n";
    }
    String text = new String(tail, start, end - start, StandardCharsets.UTF_8);
    String stream = links.local("/api/v1/builds/" + x.id() + "/log/stream?offset=" + (base + end));
    return "<h2>Log</h2>\n"
        + note
        + "<pre id=\"log\" data-stream=\""
        + Html.esc(stream)
        + "\">"
        + Html.esc(text)
        + "</pre>\n";
  }

  /** Follows the live log while the build runs; plain DOM text nodes, never innerHTML. */
  private static String followScript(String nonce) {
    return "<script nonce=\""
        + nonce
        + "\">\n"
        + "(function () {\n"
        + "  var log = document.getElementById('log'), status ="
        + " document.getElementById('status');\n"
        + "  if (!window.EventSource) { return; }\n"
        + "  var es = new EventSource(log.dataset.stream);\n"
        + "  es.addEventListener('line', function (e) {"
        + " log.appendChild(document.createTextNode(e.data + '\\n"
        + "')); });\n"
        + "  es.addEventListener('end', function (e) { status.textContent = e.data;"
        + " status.className = 'status ' + e.data; es.close(); });\n"
        + "})();\n"
        + "</script>\n";
  }
}
