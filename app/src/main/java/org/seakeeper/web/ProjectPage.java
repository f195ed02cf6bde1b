package org.seakeeper.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.seakeeper.core.access.Action;
import org.seakeeper.core.access.Decision;
import org.seakeeper.core.access.Identity;
import org.seakeeper.core.access.Target;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.BuildQuery;

/**
 * {@code /projects/{project}} (the name may hold slashes, as Gerrit's {@code team/app}): a
 * project's recent builds with a link to its whole history, the connections that serve it, and, for
 * who may, a link to its secrets and the <em>Run pipeline</em> form ({@code post}, {@code
 * periodic}, {@code release}), which posts to {@code POST /api/v1/trigger} and comes back here with
 * the outcome. A private project is a 404 to anyone without a role on it, the same answer as for a
 * project nobody serves.
 */
final class ProjectPage {
  /** How many recent builds the page lists. */
  static final int RECENT = 10;

  /** What the form offers ({@code check} is the change page's recheck). */
  static final List<PipelineName> TRIGGERED =
      List.of(PipelineName.POST, PipelineName.PERIODIC, PipelineName.RELEASE);

  private final Access access;
  private final Function<Context, BuildQueries> view;
  private final Links links;
  private final Supplier<Map<String, Object>> status;
  private final Function<Context, Viewer> viewers;

  ProjectPage(
      Access access,
      Function<Context, BuildQueries> view,
      Links links,
      Supplier<Map<String, Object>> status,
      Function<Context, Viewer> viewers) {
    this.access = access;
    this.view = view;
    this.links = links;
    this.status = status;
    this.viewers = viewers;
  }

  void install(RoutesConfig routes) {
    // after SecretsPage's /projects/<project>/secrets, which Javalin then matches first
    routes.get("/projects/<project>", this::render);
  }

  /** The page's path for {@code project}: each segment encoded, the slashes kept. */
  static String path(String project) {
    StringBuilder b = new StringBuilder("/projects");
    for (String segment : project.split("/", -1)) {
      b.append('/').append(Pages.encode(segment).replace("+", "%20"));
    }
    return b.toString();
  }

  /** A link to the project's page, its name as the text. */
  static String link(Links links, String project) {
    return Html.link(links.local(path(project)), project);
  }

  /**
   * The connections that serve {@code project}, as the server's status lists them (a Gerrit
   * connection's {@code "*"} serves every project), then those its builds came from.
   */
  static List<String> connections(
      Map<String, Object> status, String project, Collection<String> seen) {
    Set<String> out = new LinkedHashSet<>();
    List<?> cs = status.get("connections") instanceof List<?> l ? l : List.of();
    for (Object o : cs) {
      if (o instanceof Map<?, ?> c
          && c.get("name") instanceof String name
          && c.get("projects") instanceof Collection<?> ps
          && (ps.contains(project) || ps.contains("*"))) {
        out.add(name);
      }
    }
    out.addAll(seen);
    return List.copyOf(out);
  }

  /**
   * Whether {@code who} may not know of {@code project}: the policy hides it (private, no role on
   * it). The page then answers as for a project that does not exist.
   */
  static boolean hidden(Access access, Identity who, String project) {
    return access.policy().decide(who, Action.READ_PROJECT, Target.project(project))
        == Decision.HIDDEN;
  }

  /** The 404 page for a project nobody serves or {@code who} may not see. */
  static void notFound(Context ctx, Links links, String project) {
    AuthRoutes.page(
        ctx,
        links,
        404,
        "Not found",
        "<h1>Not found</h1>\n<p class=\"notice refused\">There is no project "
            + Html.esc(project)
            + ".</p>\n<p>"
            + Html.link(links.local("/builds"), "All builds")
            + "</p>\n");
  }

  private void render(Context ctx) {
    String project = ctx.pathParam("project");
    Identity who;
    try {
      who = access.identify(ctx);
    } catch (ApiError e) {
      AuthRoutes.page(
          ctx,
          links,
          e.status(),
          "Not allowed",
          "<h1>Not allowed</h1><p class=\"notice refused\">" + Html.esc(e.getMessage()) + "</p>");
      return;
    }
    if (hidden(access, who, project)) {
      notFound(ctx, links, project);
      return;
    }
    List<Build> recent =
        view.apply(ctx)
            .list(
                new BuildQuery(
                    Optional.empty(),
                    Optional.of(project),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    RECENT));
    Map<String, Object> now = status.get();
    List<String> connections =
        connections(now, project, recent.stream().map(Build::connection).distinct().toList());
    if (connections.isEmpty()) {
      notFound(ctx, links, project);
      return;
    }
    Viewer viewer = viewers.apply(ctx);
    Viewer.Target target =
        new Viewer.Target(connections.getFirst(), project, Optional.empty(), Optional.empty());
    String self = path(project);
    String history = "/builds?project=" + Pages.encode(project);
    String title = "Project " + project;
    StringBuilder b = new StringBuilder("<h1>").append(Html.esc(title)).append("</h1>\n<dl>");
    b.append("<dt>Connections</dt><dd>")
        .append(Html.esc(String.join(", ", connections)))
        .append("</dd>");
    if (access.policy().isPrivate(project)) {
      b.append("<dt>Visibility</dt><dd>private: only who has a role on it sees it</dd>");
    }
    b.append("</dl>\n<p class=\"toolbar\" id=\"project-links\">")
        .append(Html.link(links.local(history), "All builds of " + project));
    if (viewer.may(Viewer.Action.SECRETS, target)) {
      b.append(Html.link(links.local(self + "/secrets"), "Secrets"));
    }
    b.append("</p>\n");
    if (viewer.may(Viewer.Action.TRIGGER, target)) {
      b.append(runForm(viewer, project, connections, self));
    }
    b.append(recentBuilds(recent, history));
    String nonce = Html.nonce();
    Pages.html(ctx, nonce, Html.page(title, nonce, links, viewer, "", b.toString()));
  }

  /**
   * A labelled, required choice of one of {@code connections} (a form field {@code connection}).
   */
  static String connectionSelect(String id, List<String> connections) {
    StringBuilder f =
        new StringBuilder("<label for=\"")
            .append(id)
            .append("\">Connection</label> <select id=\"")
            .append(id)
            .append("\" name=\"connection\" required>");
    for (String c : connections) {
      f.append("<option value=\"")
          .append(Html.esc(c))
          .append("\">")
          .append(Html.esc(c))
          .append("</option>");
    }
    return f.append("</select> ").toString();
  }

  /** The Run pipeline form: posts to the trigger API as a page's form, returns here. */
  private String runForm(Viewer viewer, String project, List<String> connections, String self) {
    StringBuilder f =
        new StringBuilder(
                "<section aria-labelledby=\"run-heading\"><h2 id=\"run-heading\">Run a"
                    + " pipeline</h2>\n<form id=\"run\" method=\"post\" action=\"")
            .append(Html.esc(links.local("/api/v1/trigger")))
            .append("\">")
            .append(Html.hidden("project", project))
            .append(Html.hidden("return_to", self))
            .append(Html.csrf(viewer));
    if (connections.size() == 1) {
      f.append(Html.hidden("connection", connections.getFirst()));
    } else {
      f.append(connectionSelect("run-connection", connections));
    }
    f.append("<label for=\"run-pipeline\">Pipeline</label> ")
        .append("<select id=\"run-pipeline\" name=\"pipeline\" required>");
    for (PipelineName p : TRIGGERED) {
      f.append("<option value=\"").append(p.id()).append("\">").append(p.id()).append("</option>");
    }
    f.append("</select> <label for=\"run-ref\">Ref</label> ")
        .append("<input id=\"run-ref\" name=\"ref\" required maxlength=\"1000\"")
        .append(" placeholder=\"refs/heads/main\" autocomplete=\"off\" spellcheck=\"false\"")
        .append(" aria-describedby=\"run-ref-hint\"> <button type=\"submit\">Run</button>")
        .append("<p id=\"run-ref-hint\" class=\"note\">A full ref name: <code>post</code> and")
        .append(" <code>periodic</code> run on a branch (<code>refs/heads/…</code>),")
        .append(" <code>release</code> on a tag matching the release pattern")
        .append(" (<code>refs/tags/…</code>). To re-run <code>check</code> on a change, use")
        .append(" Recheck on the change's page.</p></form></section>\n");
    return f.toString();
  }

  private String recentBuilds(List<Build> recent, String history) {
    StringBuilder b =
        new StringBuilder(
            "<section aria-labelledby=\"recent-heading\"><h2 id=\"recent-heading\">Recent"
                + " builds</h2>\n");
    if (recent.isEmpty()) {
      b.append("<p id=\"no-builds\">No builds of this project yet.</p>\n");
    } else {
      Instant now = Instant.now();
      b.append("<div class=\"scroll\"><table id=\"recent\"><thead><tr>");
      for (String h : List.of("Build", "Pipeline", "Job", "Change or ref", "Status", "Queued")) {
        b.append("<th scope=\"col\">").append(h).append("</th>");
      }
      b.append("</tr></thead><tbody>\n");
      for (Build x : recent) {
        b.append("<tr><td>")
            .append(Html.link(links.local("/builds/" + x.id()), "#" + x.id()))
            .append("</td><td>")
            .append(Html.esc(x.pipeline().id()))
            .append("</td><td>")
            .append(Html.esc(x.job().orElse("(none)")))
            .append("</td><td>")
            .append(
                Pages.changeLink(links, x)
                    .map(l -> Html.link(l, Pages.change(x)))
                    .orElse(Html.esc(Pages.change(x))))
            .append("</td><td>")
            .append(Pages.status(x.status()))
            .append("</td><td>")
            .append(Html.esc(Html.time(Optional.of(x.queuedAt()))))
            .append(" <span class=\"muted\">(waited ")
            .append(Html.esc(Pages.waited(x, now)))
            .append(")</span></td></tr>\n");
      }
      b.append("</tbody></table></div>\n");
    }
    return b.append("<p>")
        .append(Html.link(links.local(history), "Every build of this project"))
        .append("</p></section>\n")
        .toString();
  }
}
