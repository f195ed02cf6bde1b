package org.seakeeper.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.LogStore;

/**
 * The HTML pages (docs/api.md, "HTML pages"): {@code /} (redirects to {@code /status}), {@code
 * /status} (pipelines, gate queues, executors, connections), {@code /builds} (history with filters
 * and per-job trends), {@code /builds/{id}} (one build and its log, paged and followed live),
 * {@code /builds/{id}/first-error} (redirects to the log's first error line) and {@code
 * /changes/{change}} (every buildset of a change). Server-rendered, readable without JavaScript;
 * one small nonce'd script adds the live parts. Every value from a build or the status is escaped
 * ({@link Html#esc}, {@link Ansi}). Actions are drawn only where the request's {@link Viewer} may
 * do them.
 */
final class PageRoutes {
  /** The most log a page shows at once; the raw log link has all of it. */
  static final int MAX_PAGE_LOG = LogView.WINDOW;

  private final Function<Context, BuildQueries> view;
  private final Links links;
  private final Supplier<Map<String, Object>> status;
  private final Function<Context, Viewer> viewers;
  private final LogView logView;

  /**
   * @param view the queries a request may use: the public view unless it carries the admin token
   * @param status the server's status (the body of {@code GET /api/v1/status})
   * @param viewers who a request is, for which actions to draw
   */
  PageRoutes(
      Function<Context, BuildQueries> view,
      LogStore logs,
      Links links,
      Supplier<Map<String, Object>> status,
      Function<Context, Viewer> viewers) {
    this.view = view;
    this.links = links;
    this.status = status;
    this.viewers = viewers;
    this.logView = new LogView(logs);
  }

  void install(RoutesConfig routes) {
    routes.get("/", ctx -> ctx.redirect(links.local("/status"), HttpStatus.FOUND));
    routes.get(
        "/status",
        ctx ->
            new StatusPage(view.apply(ctx), links, status.get()).render(ctx, viewers.apply(ctx)));
    routes.get(
        "/builds", ctx -> new HistoryPage(view.apply(ctx), links).render(ctx, viewers.apply(ctx)));
    routes.get("/builds/{id}", this::build);
    routes.get("/builds/{id}/first-error", this::firstError);
    routes.get(
        "/changes/{change}",
        ctx ->
            new ChangePage(view.apply(ctx), links, status.get()).render(ctx, viewers.apply(ctx)));
  }

  private void firstError(Context ctx) {
    Build x = ApiRoutes.build(view.apply(ctx), ctx);
    String page = links.local("/builds/" + x.id());
    ctx.redirect(
        logView
            .firstError(x.id())
            .map(f -> page + "?from=" + Math.max(0, f.offset() - 2048) + "#o" + f.offset())
            .orElse(page + "?noerror=1#log-tools"),
        HttpStatus.FOUND);
  }

  private void build(Context ctx) {
    BuildQueries queries = view.apply(ctx);
    Build x = ApiRoutes.build(queries, ctx);
    Optional<org.seakeeper.core.build.BuildRun> run = queries.run(x.id());
    Viewer viewer = viewers.apply(ctx);
    Instant now = Instant.now();
    String title = "Build #" + x.id() + " " + x.job().orElse("(no job)");
    StringBuilder b =
        new StringBuilder("<h1>")
            .append(Html.esc(title))
            .append(" ")
            .append(Pages.status(x.status()).replace("<span ", "<span id=\"status\" "))
            .append("</h1>\n");
    Viewer.Target target = Viewer.Target.of(x);
    StringBuilder actions = new StringBuilder();
    if (x.status().terminal() && viewer.may(Viewer.Action.RETRY, target)) {
      actions.append(
          Html.action(
              viewer, links.local("/api/v1/builds/" + x.id() + "/retry"), "Re-run", back(x)));
    }
    if (!x.status().terminal() && viewer.may(Viewer.Action.CANCEL, target)) {
      actions.append(
          Html.action(
              viewer, links.local("/api/v1/builds/" + x.id() + "/cancel"), "Cancel", back(x)));
    }
    if (!actions.isEmpty()) {
      b.append("<p class=\"actions\">").append(actions).append("</p>\n");
    }
    b.append("<dl>\n");
    row(b, "Project", Html.esc(x.connection() + " / ") + ProjectPage.link(links, x.project()));
    x.change()
        .ifPresent(
            c ->
                row(
                    b,
                    "Change",
                    Html.link(
                        Pages.changeLink(links, x).orElseThrow(),
                        c + x.patchset().map(p -> ", patch set " + p).orElse(""))));
    x.owner().ifPresent(o -> row(b, "Owner", Html.esc(o)));
    row(b, "Ref", Html.esc(x.ref()));
    row(b, "Commit", "<code>" + Html.esc(x.commit()) + "</code>");
    row(b, "Pipeline", Html.esc(x.pipeline().id()));
    row(b, "Tier", Html.esc(x.tier().id()));
    row(b, "Network", Html.esc(run.map(RunSection::network).orElseGet(() -> network(x))));
    row(b, "Attempt", Html.esc(Integer.toString(x.attempt())));
    row(b, "Buildset", Html.esc(Long.toString(x.buildsetId())));
    if (!x.needs().isEmpty()) {
      row(b, "Needs", Html.esc(String.join(", ", x.needs())));
    }
    row(b, "Queued", Html.esc(Html.time(Optional.of(x.queuedAt()))));
    row(
        b,
        "Started",
        Html.esc(
            Html.time(x.startedAt())
                + (x.startedAt().isPresent() ? " (waited " + Pages.waited(x, now) + ")" : "")));
    row(
        b,
        "Finished",
        Html.esc(
            Html.time(x.finishedAt())
                + (x.finishedAt().isPresent() ? " (ran " + Pages.ran(x, now) + ")" : "")));
    x.logSha256().ifPresent(sha -> row(b, "Log SHA-256", "<code>" + Html.esc(sha) + "</code>"));
    b.append("</dl>\n");
    if (!x.detail().isEmpty()) {
      b.append("<h2>Detail</h2>\n<pre id=\"detail\">")
          .append(new Ansi().line(x.detail()).replace("\u240a", "\n"))
          .append("</pre>\n");
    }
    b.append(RunSection.html(x, run));
    b.append(log(ctx, x));
    String nonce = Html.nonce();
    Pages.html(ctx, nonce, Html.page(title, nonce, links, viewer, "", b.toString()));
  }

  /** Whether the build's tier has network, as the server's status says. */
  private String network(Build x) {
    Object tiers = status.get().get("tiers");
    if (tiers instanceof Map<?, ?> m && m.get(x.tier().id()) instanceof Map<?, ?> t) {
      Object n = t.get("network");
      if (n instanceof Boolean on) {
        return on
            ? "yes (the " + x.tier().id() + " tier has network)"
            : "no (only the dependency cache)";
      }
    }
    return "as the " + x.tier().id() + " tier is configured";
  }

  private static void row(StringBuilder b, String name, String html) {
    b.append("<dt>").append(Html.esc(name)).append("</dt><dd>").append(html).append("</dd>\n");
  }

  private String log(Context ctx, Build x) {
    String self = links.local("/builds/" + x.id());
    String raw = links.local("/api/v1/builds/" + x.id() + "/log");
    OptionalLong from =
        Optional.ofNullable(ctx.queryParam("from"))
            .flatMap(BuildListParams::parseLong)
            .map(OptionalLong::of)
            .orElse(OptionalLong.empty());
    LogView.Window w = logView.window(x, from);
    StringBuilder b = new StringBuilder("<h2 id=\"log-heading\">Log</h2>\n");
    b.append("<div class=\"toolbar\" id=\"log-tools\">")
        .append("<form role=\"search\" method=\"get\" action=\"")
        .append(Html.esc(self))
        .append("\"><label for=\"log-search\">Search the log</label> ")
        .append("<input type=\"search\" id=\"log-search\" name=\"q\" maxlength=\"200\" value=\"")
        .append(Html.esc(Optional.ofNullable(ctx.queryParam("q")).orElse("")))
        .append("\" aria-keyshortcuts=\"/\"> <button type=\"submit\">Search</button></form>")
        .append(Html.link(self + "/first-error", "Jump to first error"))
        .append("<a href=\"")
        .append(Html.esc(raw))
        .append("\" download=\"build-")
        .append(x.id())
        .append(".log\">Raw log</a>")
        .append(Html.link(links.local("/api/v1/builds/" + x.id()), "API (JSON)"))
        .append("<a href=\"#log-end\">End of log</a></div>\n");
    if (ctx.queryParam("noerror") != null) {
      b.append("<p class=\"note\" role=\"status\">No line of this log looks like an error.</p>\n");
    }
    String q = Optional.ofNullable(ctx.queryParam("q")).map(String::strip).orElse("");
    if (!q.isEmpty()) {
      b.append(matches(self, q.length() > 200 ? q.substring(0, 200) : q, x));
    }
    b.append("<p class=\"note\" id=\"log-note\">");
    if (w.size() == 0) {
      b.append(x.status().terminal() ? "The log is empty." : "No log yet.");
    } else if (w.start() > 0 || w.end() < w.size()) {
      b.append("The log has ")
          .append(w.size())
          .append(" bytes; showing bytes ")
          .append(w.start())
          .append(" to ")
          .append(w.end())
          .append(" (pages of up to ")
          .append(LogView.WINDOW >> 10)
          .append(" KiB; showing only its last part when opened). The ")
          .append(Html.link(raw, "raw log"))
          .append(" has all of it.");
    } else {
      b.append("The whole log, ").append(w.size()).append(" bytes.");
    }
    b.append("</p>\n");
    if (w.start() > 0) {
      b.append("<p><a id=\"log-earlier\" href=\"")
          .append(Html.esc(self + "?from=" + Math.max(0, w.start() - LogView.WINDOW) + "#log-end"))
          .append("\">Earlier lines</a></p>\n");
    }
    b.append("<pre id=\"log\" class=\"log")
        .append(w.start() > 0 ? " far" : "")
        .append("\" tabindex=\"0\" aria-label=\"Build log\" data-start=\"")
        .append(w.start())
        .append("\" data-end=\"")
        .append(w.end())
        .append("\" data-window=\"")
        .append(LogView.WINDOW)
        .append("\" data-raw=\"")
        .append(Html.esc(raw))
        .append("\"");
    if (!x.status().terminal() && w.tail()) {
      b.append(" data-stream=\"")
          .append(
              Html.esc(links.local("/api/v1/builds/" + x.id() + "/log/stream?offset=" + w.end())))
          .append("\"");
    }
    b.append(">").append(w.html()).append("</pre>\n<span id=\"log-end\"></span>\n");
    if (w.end() < w.size() && from.isPresent()) {
      b.append("<p>")
          .append(Html.link(self + "?from=" + w.end(), "Later lines"))
          .append(" · ")
          .append(Html.link(self + "#log-end", "Last part"))
          .append("</p>\n");
    }
    if (!x.status().terminal()) {
      b.append(
          "<p id=\"live\" class=\"note\" aria-live=\"polite\">The build is still running; with"
              + " JavaScript the log follows live, without it reload the page.</p>\n");
    }
    return b.toString();
  }

  private String matches(String self, String q, Build x) {
    LogView.Matches m = logView.search(x.id(), q);
    StringBuilder b =
        new StringBuilder("<section aria-labelledby=\"matches\"><h3 id=\"matches\">")
            .append(m.found().size())
            .append(m.more() ? "+" : "")
            .append(" lines contain “")
            .append(Html.esc(q))
            .append("”</h3>\n");
    if (!m.found().isEmpty()) {
      b.append("<ol class=\"matches\">");
      for (LogView.Found f : m.found()) {
        b.append("<li><a href=\"")
            .append(Html.esc(self + "?from=" + Math.max(0, f.offset() - 2048) + "#o" + f.offset()))
            .append("\"><code>")
            .append(
                new Ansi().line(f.text().length() > 300 ? f.text().substring(0, 300) : f.text()))
            .append("</code></a></li>");
      }
      b.append("</ol>");
    }
    return b.append("</section>\n").toString();
  }

  /** Where a build's button returns to: the build's page. */
  private static java.util.Map<String, String> back(org.seakeeper.core.build.Build x) {
    return java.util.Map.of("return_to", "/builds/" + x.id());
  }
}
