package org.seakeeper.web;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.BuildQuery;

/**
 * {@code /status}: every pipeline's live buildsets, gate queues drawn in order (what each item is
 * tested on, each job's progress against its usual duration, why a queued job waits), executors per
 * tier and the connections' health. Built from {@code GET /api/v1/status}'s map and the build
 * queries the request may use; its {@code <main>} refreshes itself with the page's script.
 */
final class StatusPage {
  /** The most running or queued builds drawn. */
  static final int MAX_ACTIVE = 1000;

  private final BuildQueries queries;
  private final Links links;
  private final Map<String, Object> status;
  private final Pages.Estimates estimates;
  private final Instant now = Instant.now();

  StatusPage(BuildQueries queries, Links links, Map<String, Object> status) {
    this.queries = queries;
    this.links = links;
    this.status = status;
    this.estimates = new Pages.Estimates(queries);
  }

  void render(Context ctx, Viewer viewer) {
    List<Build> active = new ArrayList<>(byStatus(BuildStatus.RUNNING));
    active.addAll(byStatus(BuildStatus.QUEUED));
    Map<String, Integer> runningPerTier = new HashMap<>();
    Map<String, Integer> queuedPerTier = new HashMap<>();
    for (Build b : active) {
      (b.status() == BuildStatus.RUNNING ? runningPerTier : queuedPerTier)
          .merge(b.tier().id(), 1, Integer::sum);
    }
    Map<Long, List<Build>> sets = new LinkedHashMap<>();
    active.stream()
        .sorted(Comparator.comparingLong(Build::buildsetId).thenComparingLong(Build::id))
        .forEach(b -> sets.computeIfAbsent(b.buildsetId(), k -> new ArrayList<>()).add(b));

    StringBuilder b = new StringBuilder("<h1>Status</h1>\n");
    b.append("<p class=\"note\">")
        .append(active.stream().filter(x -> x.status() == BuildStatus.RUNNING).count())
        .append(" running, ")
        .append(active.stream().filter(x -> x.status() == BuildStatus.QUEUED).count())
        .append(" queued · as of ")
        .append(Html.esc(Html.time(Optional.of(now))))
        .append("</p>\n");
    if (status.get("warning") instanceof String w) {
      b.append("<p class=\"note\" role=\"note\">").append(Html.esc(w)).append("</p>\n");
    }

    Set<Long> drawn = new HashSet<>();
    List<?> queues = status.get("queues") instanceof List<?> l ? l : List.of();
    for (PipelineName p : PipelineName.values()) {
      List<Long> ids =
          sets.entrySet().stream()
              .filter(e -> e.getValue().getFirst().pipeline() == p)
              .map(Map.Entry::getKey)
              .toList();
      boolean gate = p == PipelineName.GATE;
      b.append("<section aria-labelledby=\"p-")
          .append(Html.esc(p.id()))
          .append("\"><h2 id=\"p-")
          .append(Html.esc(p.id()))
          .append("\">")
          .append(Html.esc(p.id()))
          .append("</h2>\n");
      if (gate) {
        for (Object q : queues) {
          if (q instanceof Map<?, ?> queue) {
            b.append(queue(queue, sets, drawn, runningPerTier, viewer));
          }
        }
      }
      List<Long> rest = ids.stream().filter(id -> !drawn.contains(id)).toList();
      if (rest.isEmpty() && !(gate && !queues.isEmpty())) {
        b.append("<p class=\"muted\">Nothing running or queued.</p>\n");
      }
      for (Long id : rest) {
        b.append("<div class=\"card buildset\">")
            .append(buildset(sets.get(id), runningPerTier))
            .append("</div>\n");
      }
      b.append("</section>\n");
    }
    b.append(tiers(runningPerTier, queuedPerTier));
    b.append(connections());
    String nonce = Html.nonce();
    Pages.html(
        ctx, nonce, Html.page("Status", nonce, links, viewer, " data-refresh=\"5\"", b.toString()));
  }

  private List<Build> byStatus(BuildStatus s) {
    return queries.list(
        new BuildQuery(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(s),
            Optional.empty(),
            MAX_ACTIVE));
  }

  /** A gate queue as Zuul draws it: items in order, each with what is ahead of it and its jobs. */
  private String queue(
      Map<?, ?> q,
      Map<Long, List<Build>> active,
      Set<Long> drawn,
      Map<String, Integer> runningPerTier,
      Viewer viewer) {
    String name = str(q.get("name"));
    StringBuilder b =
        new StringBuilder("<h3>Queue ")
            .append(Html.esc(name))
            .append(" <span class=\"muted\">(window ")
            .append(Html.esc(str(q.get("window"))))
            .append(")</span></h3>\n");
    List<?> items = q.get("items") instanceof List<?> l ? l : List.of();
    if (items.isEmpty()) {
      return b.append("<p class=\"muted\">Empty.</p>\n").toString();
    }
    b.append("<ol class=\"queue\" aria-label=\"Gate queue ")
        .append(Html.esc(name))
        .append(", head first\">\n");
    for (Object o : items) {
      if (!(o instanceof Map<?, ?> item)) {
        continue;
      }
      boolean passed = Boolean.TRUE.equals(item.get("passed"));
      boolean failing = Boolean.TRUE.equals(item.get("failing"));
      String change = str(item.get("change"));
      String project = str(item.get("project"));
      String state = failing ? "failing" : passed ? "passed" : "testing";
      b.append("<li class=\"item ")
          .append(state)
          .append("\"><strong>")
          .append(Html.esc(str(item.get("position"))))
          .append(".</strong> ")
          .append(
              Html.link(
                  links.local(
                      "/changes/" + Pages.encode(change) + "?project=" + Pages.encode(project)),
                  change + "," + str(item.get("patchset"))))
          .append(" <span class=\"muted\">")
          .append(Html.esc(project))
          .append("</span> <span class=\"status ")
          .append(failing ? "failure" : passed ? "success" : "running")
          .append("\">")
          .append(state)
          .append("</span>");
      List<?> ahead = item.get("tested_on") instanceof List<?> l ? l : List.of();
      b.append("<div class=\"ahead\">tested on ")
          .append(
              Html.esc(
                  ahead.isEmpty()
                      ? "the branch tip"
                      : "the branch tip + "
                          + String.join(" + ", ahead.stream().map(StatusPage::str).toList())))
          .append("</div>");
      Object bs = item.get("buildset");
      if (bs instanceof Number n) {
        long id = n.longValue();
        drawn.add(id);
        List<Build> jobs = active.get(id);
        if (jobs == null) {
          jobs = buildsetBuilds(id, project, change);
        }
        if (!jobs.isEmpty()) {
          b.append(jobs(jobs, runningPerTier));
        }
      } else {
        b.append("<div class=\"muted\">waiting for its speculative merge</div>");
      }
      String connection = str(item.get("connection"));
      if (connection.isEmpty()
          && active.get(bs instanceof Number n ? n.longValue() : -1) instanceof List<Build> l
          && !l.isEmpty()) {
        connection = l.getFirst().connection();
      }
      java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
      fields.put("connection", connection);
      fields.put("project", project);
      fields.put("change", change);
      fields.put("return_to", "/status");
      Viewer.Target t = Viewer.Target.change(connection, project, change);
      StringBuilder actions = new StringBuilder();
      if (viewer.may(Viewer.Action.PROMOTE, t)) {
        actions.append(
            Html.action(viewer, links.local("/api/v1/queues/promote"), "Promote", fields));
      }
      if (viewer.may(Viewer.Action.DEQUEUE, t)) {
        actions.append(
            Html.action(viewer, links.local("/api/v1/queues/dequeue"), "Dequeue", fields));
      }
      if (!actions.isEmpty()) {
        b.append("<div class=\"actions\">").append(actions).append("</div>");
      }
      b.append("</li>\n");
    }
    return b.append("</ol>\n").toString();
  }

  /** Every build of a buildset that has none running or queued (e.g. an item that passed). */
  private List<Build> buildsetBuilds(long id, String project, String change) {
    return queries
        .list(
            new BuildQuery(
                Optional.empty(),
                Optional.of(project),
                Optional.of(change),
                Optional.of(PipelineName.GATE),
                Optional.empty(),
                Optional.empty(),
                200))
        .stream()
        .filter(x -> x.buildsetId() == id)
        .sorted(Comparator.comparingLong(Build::id))
        .toList();
  }

  private String buildset(List<Build> builds, Map<String, Integer> runningPerTier) {
    Build first = builds.getFirst();
    StringBuilder b = new StringBuilder("<div><strong>");
    Optional<String> changeLink = Pages.changeLink(links, first);
    b.append(
            changeLink.isPresent()
                ? Html.link(changeLink.get(), Pages.change(first))
                : Html.esc(first.ref()))
        .append("</strong> <span class=\"muted\">")
        .append(Html.esc(first.connection() + " / "))
        .append(ProjectPage.link(links, first.project()))
        .append(" · ")
        .append(
            Html.esc(
                first.commit().length() > 10 ? first.commit().substring(0, 10) : first.commit()))
        .append(" · tier ")
        .append(Html.esc(first.tier().id()))
        .append("</span></div>");
    return b.append(jobs(builds, runningPerTier)).toString();
  }

  private String jobs(List<Build> builds, Map<String, Integer> runningPerTier) {
    StringBuilder b = new StringBuilder("<ul class=\"jobs\">");
    for (Build x : builds) {
      b.append("<li><span class=\"job\">")
          .append(Html.link(links.local("/builds/" + x.id()), x.job().orElse("(buildset)")))
          .append("</span> ")
          .append(Pages.status(x.status()))
          .append(" ");
      switch (x.status()) {
        case RUNNING -> b.append(Pages.progress(x, now, estimates));
        case QUEUED ->
            b.append("<span class=\"muted\">")
                .append(Html.esc(waiting(x, builds, runningPerTier)))
                .append(" (")
                .append(Html.esc(Pages.waited(x, now)))
                .append(")</span>");
        default ->
            b.append("<span class=\"muted\">")
                .append(Html.esc(Pages.ran(x, now)))
                .append("</span>");
      }
      b.append("</li>");
    }
    return b.append("</ul>").toString();
  }

  /** Why a queued build has not started. */
  String waiting(Build x, List<Build> sameSet, Map<String, Integer> runningPerTier) {
    List<String> pending = new ArrayList<>();
    for (String need : x.needs()) {
      boolean done =
          sameSet.stream()
              .filter(o -> o.job().filter(need::equals).isPresent())
              .allMatch(o -> o.status().terminal());
      if (!done) {
        pending.add(need);
      }
    }
    if (!pending.isEmpty()) {
      return "waiting for dependency " + String.join(", ", pending);
    }
    int max = maxParallel(x.tier().id());
    int running = runningPerTier.getOrDefault(x.tier().id(), 0);
    if (max > 0 && running >= max) {
      return "waiting for "
          + article(x.tier().id())
          + " slot ("
          + running
          + " of "
          + max
          + " busy)";
    }
    return "waiting to be started";
  }

  private static String article(String tier) {
    return (tier.startsWith("u") ? "an " : "a ") + tier;
  }

  private int maxParallel(String tier) {
    if (status.get("tiers") instanceof Map<?, ?> tiers
        && tiers.get(tier) instanceof Map<?, ?> t
        && t.get("max_parallel") instanceof Number n) {
      return n.intValue();
    }
    return -1;
  }

  private String tiers(Map<String, Integer> running, Map<String, Integer> queued) {
    StringBuilder b =
        new StringBuilder(
            "<section aria-labelledby=\"executors\"><h2 id=\"executors\">Executors</h2>\n"
                + "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Tier</th><th"
                + " scope=\"col\">Slots in use</th><th scope=\"col\">Queued</th><th"
                + " scope=\"col\">Network</th><th scope=\"col\">Runs"
                + " as</th></tr></thead><tbody>\n");
    Map<?, ?> tiers = status.get("tiers") instanceof Map<?, ?> m ? m : Map.of();
    for (var e : tiers.entrySet()) {
      String tier = str(e.getKey());
      Map<?, ?> t = e.getValue() instanceof Map<?, ?> m ? m : Map.of();
      int max = maxParallel(tier);
      int r = running.getOrDefault(tier, 0);
      b.append("<tr><th scope=\"row\">")
          .append(Html.esc(tier))
          .append("</th><td><meter min=\"0\" max=\"")
          .append(Math.max(1, max))
          .append("\" value=\"")
          .append(r)
          .append("\" aria-label=\"")
          .append(Html.esc(tier))
          .append(" slots in use\"></meter> ")
          .append(r)
          .append(" of ")
          .append(max)
          .append("</td><td>")
          .append(queued.getOrDefault(tier, 0))
          .append("</td><td>")
          .append(Boolean.TRUE.equals(t.get("network")) ? "yes" : "no")
          .append("</td><td>")
          .append(Html.esc(str(t.get("host_user"))))
          .append("</td></tr>\n");
    }
    return b.append("</tbody></table></div></section>\n").toString();
  }

  private String connections() {
    StringBuilder b =
        new StringBuilder(
            "<section aria-labelledby=\"connections\"><h2 id=\"connections\">Connections</h2>\n"
                + "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Connection</th><th"
                + " scope=\"col\">Type</th><th scope=\"col\">Health</th><th"
                + " scope=\"col\">Since</th><th scope=\"col\">Waiting effects</th><th"
                + " scope=\"col\">Last error</th></tr></thead><tbody>\n");
    List<?> cs = status.get("connections") instanceof List<?> l ? l : List.of();
    for (Object o : cs) {
      if (!(o instanceof Map<?, ?> c)) {
        continue;
      }
      Map<?, ?> h = c.get("health") instanceof Map<?, ?> m ? m : Map.of();
      String state = h.isEmpty() ? "up" : str(h.get("state"));
      long pending = 0;
      if (h.get("effects_pending") instanceof Map<?, ?> p) {
        for (Object v : p.values()) {
          pending += v instanceof Number n ? n.longValue() : 0;
        }
      }
      b.append("<tr><th scope=\"row\">")
          .append(Html.esc(str(c.get("name"))))
          .append("</th><td>")
          .append(Html.esc(str(c.get("type"))))
          .append("</td><td><span class=\"")
          .append(Html.esc(state))
          .append("\">")
          .append(Html.esc(h.isEmpty() ? "no calls yet" : state))
          .append("</span>")
          .append(
              h.get("failures_in_a_row") instanceof Number n && n.intValue() > 0
                  ? " (" + n + " failures in a row)"
                  : "")
          .append("</td><td>")
          .append(Html.esc(str(h.get("since"))))
          .append("</td><td>")
          .append(pending)
          .append("</td><td>")
          .append(Html.esc(str(h.get("last_error"))))
          .append("</td></tr>\n");
    }
    if (cs.isEmpty()) {
      b.append("<tr><td colspan=\"6\" class=\"muted\">No connections.</td></tr>\n");
    }
    b.append("</tbody></table></div>");
    if (status.get("quarantined_events") instanceof Map<?, ?> qe
        && qe.get("count") instanceof Number n
        && n.longValue() > 0) {
      b.append("<p>")
          .append(n)
          .append(" events are set aside after failing repeatedly (an admin decides).</p>");
    }
    return b.append("</section>\n").toString();
  }

  static String str(Object o) {
    return o == null ? "" : o.toString();
  }
}
