package org.seakeeper.web;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.BuildQuery;

/**
 * {@code /changes/{change}?connection=&project=}: every buildset of a change, newest patch set
 * first, each with its jobs; links back to the review system when the connection names its web URL
 * (a Gerrit connection's {@code url}).
 */
final class ChangePage {
  private final BuildQueries queries;
  private final Links links;
  private final Map<String, Object> status;

  ChangePage(BuildQueries queries, Links links, Map<String, Object> status) {
    this.queries = queries;
    this.links = links;
    this.status = status;
  }

  void render(Context ctx, Viewer viewer) {
    String change = ctx.pathParam("change");
    Optional<String> project = param(ctx, "project");
    Optional<String> connection = param(ctx, "connection");
    List<Build> builds =
        queries.list(
            new BuildQuery(
                connection,
                project,
                Optional.of(change),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                BuildQuery.MAX_LIMIT));
    if (builds.isEmpty()) {
      throw new ApiError(404, "not_found", "No builds of change '" + change + "' are known.");
    }
    Instant now = Instant.now();
    // patch set (newest first) -> buildset (newest first) -> builds (in order)
    Map<String, Map<Long, List<Build>>> byPatchset =
        new TreeMap<>(
            Comparator.comparingLong(ChangePage::number).reversed().thenComparing(s -> s));
    for (Build b : builds) {
      byPatchset
          .computeIfAbsent(b.patchset().orElse(""), k -> new TreeMap<>(Comparator.reverseOrder()))
          .computeIfAbsent(b.buildsetId(), k -> new ArrayList<>())
          .add(b);
    }
    Build any = builds.getFirst();
    String title = "Change " + change;
    StringBuilder b = new StringBuilder("<h1>").append(Html.esc(title)).append("</h1>\n");
    Map<String, String> projects = new LinkedHashMap<>();
    builds.forEach(x -> projects.put(x.connection() + " / " + x.project(), x.connection()));
    b.append("<dl><dt>Project</dt><dd>")
        .append(Html.esc(String.join(", ", projects.keySet())))
        .append("</dd>");
    reviewUrl(any, any.patchset())
        .ifPresent(
            u ->
                b.append("<dt>Review</dt><dd>")
                    .append(Html.link(u, "Open the change in " + any.connection()))
                    .append("</dd>"));
    builds.stream()
        .flatMap(x -> x.owner().stream())
        .findFirst()
        .ifPresent(o -> b.append("<dt>Owner</dt><dd>").append(Html.esc(o)).append("</dd>"));
    b.append("<dt>Patch sets</dt><dd>")
        .append(Html.esc(String.join(", ", byPatchset.keySet())))
        .append("</dd></dl>\n");
    Viewer.Target target = Viewer.Target.change(any.connection(), any.project(), change);
    if (viewer.may(Viewer.Action.RECHECK, target)) {
      b.append("<p class=\"actions\">")
          .append(
              Html.action(viewer, links.local("/api/v1/trigger"), "Recheck", recheckFields(builds)))
          .append("</p>\n");
    }
    for (var ps : byPatchset.entrySet()) {
      String id = "ps-" + ps.getKey();
      b.append("<section aria-labelledby=\"")
          .append(Html.esc(id))
          .append("\"><h2 id=\"")
          .append(Html.esc(id))
          .append("\">Patch set ")
          .append(Html.esc(ps.getKey().isEmpty() ? "(none)" : ps.getKey()))
          .append("</h2>\n");
      for (var set : ps.getValue().entrySet()) {
        List<Build> jobs = set.getValue();
        jobs.sort(Comparator.comparingLong(Build::id));
        Build first = jobs.getFirst();
        b.append("<h3>Buildset ")
            .append(set.getKey())
            .append(": ")
            .append(Html.esc(first.pipeline().id()))
            .append(" <span class=\"muted\">(tier ")
            .append(Html.esc(first.tier().id()))
            .append(", commit <code>")
            .append(Html.esc(first.commit()))
            .append("</code>, queued ")
            .append(Html.esc(Html.time(Optional.of(first.queuedAt()))))
            .append(")</span>");
        if (first.pipeline() == PipelineName.GATE) {
          b.append(" ").append(Html.link(links.local("/status#p-gate"), "gate queue"));
        }
        b.append("</h3>\n<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Build</th>")
            .append("<th scope=\"col\">Job</th><th scope=\"col\">Attempt</th>")
            .append("<th scope=\"col\">Status</th><th scope=\"col\">Waited</th>")
            .append("<th scope=\"col\">Ran</th></tr></thead><tbody>\n");
        for (Build x : jobs) {
          b.append("<tr><td>")
              .append(Html.link(links.local("/builds/" + x.id()), "#" + x.id()))
              .append("</td><td>")
              .append(Html.esc(x.job().orElse("(none)")))
              .append("</td><td>")
              .append(x.attempt())
              .append("</td><td>")
              .append(Pages.status(x.status()))
              .append("</td><td>")
              .append(Html.esc(Pages.waited(x, now)))
              .append("</td><td>")
              .append(Html.esc(Pages.ran(x, now)))
              .append("</td></tr>\n");
        }
        b.append("</tbody></table></div>\n");
      }
      b.append("</section>\n");
    }
    String nonce = Html.nonce();
    Pages.html(ctx, nonce, Html.page(title, nonce, links, viewer, "", b.toString()));
  }

  /** The change in its review system, when the connection's status names a web URL. */
  private Optional<String> reviewUrl(Build b, Optional<String> patchset) {
    List<?> cs = status.get("connections") instanceof List<?> l ? l : List.of();
    for (Object o : cs) {
      if (o instanceof Map<?, ?> c
          && b.connection().equals(c.get("name"))
          && c.get("url") instanceof String url
          && (url.startsWith("https://") || url.startsWith("http://"))) {
        String base = url.endsWith("/") ? url : url + "/";
        return Optional.of(
            base
                + "c/"
                + b.project()
                + "/+/"
                + Pages.encode(b.change().orElse(""))
                + patchset.map(p -> "/" + Pages.encode(p)).orElse(""));
      }
    }
    return Optional.empty();
  }

  /** What a recheck of the change's newest patch set posts to {@code /api/v1/trigger}. */
  static Map<String, String> recheckFields(List<Build> builds) {
    Build newest = builds.stream().max(Comparator.comparingLong(Build::id)).orElseThrow();
    Map<String, String> f = new LinkedHashMap<>();
    f.put("connection", newest.connection());
    f.put("project", newest.project());
    f.put("pipeline", "check");
    f.put("ref", newest.ref());
    newest.change().ifPresent(c -> f.put("change", c));
    f.put("return_to", "/changes/" + newest.change().orElse(""));
    return f;
  }

  private static long number(String s) {
    return BuildListParams.parseLong(s).orElse(-1L);
  }

  private static Optional<String> param(Context ctx, String name) {
    return Optional.ofNullable(ctx.queryParam(name)).filter(s -> !s.isEmpty());
  }
}
