package org.seakeeper.web;

import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.BuildQuery;

/**
 * {@code /builds}: the build history with the API's filters (project, change, pipeline, status,
 * paging) plus job and branch, and per job its duration and failure rate by day. Job and branch are
 * not store filters: they are applied to the newest {@link #SCAN} builds that match the others (the
 * page says so), which is also what the trends are drawn from.
 */
final class HistoryPage {
  /** The most builds one page reads from the store for the job and branch filters and trends. */
  static final int SCAN = BuildQuery.MAX_LIMIT;

  /** Days drawn in a trend. */
  static final int DAYS = 14;

  private final BuildQueries queries;
  private final Links links;

  HistoryPage(BuildQueries queries, Links links) {
    this.queries = queries;
    this.links = links;
  }

  void render(Context ctx, Viewer viewer) {
    BuildQuery q = BuildListParams.parse(ctx);
    Optional<String> job = param(ctx, "job");
    Optional<String> branch = param(ctx, "branch");
    boolean narrowed = job.isPresent() || branch.isPresent();
    BuildQuery read =
        narrowed
            ? new BuildQuery(
                q.connection(), q.project(), q.change(), q.pipeline(), q.status(), q.before(), SCAN)
            : q;
    List<Build> scanned = queries.list(read);
    List<Build> matching =
        scanned.stream()
            .filter(b -> job.isEmpty() || b.job().filter(job.get()::equals).isPresent())
            .filter(b -> branch.isEmpty() || onBranch(b, branch.get()))
            .toList();
    List<Build> shown = matching.size() > q.limit() ? matching.subList(0, q.limit()) : matching;
    Instant now = Instant.now();
    StringBuilder b = new StringBuilder("<h1>Builds</h1>\n").append(filters(q, job, branch));
    if (narrowed) {
      b.append("<p class=\"note\">Job and branch look at the newest ")
          .append(scanned.size())
          .append(" builds that match the other filters.</p>\n");
    }
    b.append(trends(narrowed ? matching : queries.list(withLimit(q, SCAN))));
    b.append("<h2 id=\"list\">Builds</h2>\n<div class=\"scroll\"><table><thead><tr>");
    for (String h :
        List.of(
            "Build", "Project", "Change", "Pipeline", "Job", "Status", "Queued", "Waited", "Ran")) {
      b.append("<th scope=\"col\">").append(h).append("</th>");
    }
    b.append("</tr></thead><tbody>\n");
    for (Build x : shown) {
      b.append("<tr><td>")
          .append(Html.link(links.local("/builds/" + x.id()), "#" + x.id()))
          .append("</td><td>")
          .append(ProjectPage.link(links, x.project()))
          .append("</td><td>")
          .append(
              Pages.changeLink(links, x)
                  .map(l -> Html.link(l, Pages.change(x)))
                  .orElse(Html.esc(Pages.change(x))))
          .append("</td><td>")
          .append(Html.esc(x.pipeline().id()))
          .append("</td><td>")
          .append(Html.esc(x.job().orElse("(none)")))
          .append("</td><td>")
          .append(Pages.status(x.status()))
          .append("</td><td>")
          .append(Html.esc(Html.time(Optional.of(x.queuedAt()))))
          .append("</td><td>")
          .append(Html.esc(Pages.waited(x, now)))
          .append("</td><td>")
          .append(Html.esc(Pages.ran(x, now)))
          .append("</td></tr>\n");
    }
    b.append("</tbody></table></div>\n");
    if (shown.isEmpty()) {
      b.append("<p>No builds match.</p>\n");
    } else if (shown.size() == q.limit() || (narrowed && scanned.size() == SCAN)) {
      long last =
          shown.size() == q.limit() && matching.size() > q.limit()
              ? shown.getLast().id()
              : scanned.getLast().id();
      b.append("<p>")
          .append(
              Html.link(links.local("/builds?" + ApiRoutes.nextQuery(ctx, last)), "Older builds →"))
          .append("</p>\n");
    }
    String nonce = Html.nonce();
    Pages.html(ctx, nonce, Html.page("Builds", nonce, links, viewer, "", b.toString()));
  }

  private static BuildQuery withLimit(BuildQuery q, int limit) {
    return new BuildQuery(
        q.connection(), q.project(), q.change(), q.pipeline(), q.status(), q.before(), limit);
  }

  /** A branch's builds: its ref ({@code main} or {@code refs/heads/main}). */
  static boolean onBranch(Build b, String branch) {
    return b.ref().equals(branch) || b.ref().equals("refs/heads/" + branch);
  }

  /** Per job: builds, failure rate and median duration, and both by day as small bar charts. */
  private String trends(List<Build> builds) {
    Map<String, List<Build>> byJob = new TreeMap<>();
    for (Build x : builds) {
      if (x.status().terminal() && x.status() != BuildStatus.SKIPPED && x.job().isPresent()) {
        byJob.computeIfAbsent(x.job().get(), k -> new ArrayList<>()).add(x);
      }
    }
    if (byJob.isEmpty()) {
      return "";
    }
    LocalDate today = LocalDate.ofInstant(Instant.now(), ZoneOffset.UTC);
    LocalDate newest =
        builds.stream()
            .map(x -> LocalDate.ofInstant(x.queuedAt(), ZoneOffset.UTC))
            .max(LocalDate::compareTo)
            .orElse(today);
    StringBuilder b =
        new StringBuilder(
            "<section aria-labelledby=\"trends\"><h2 id=\"trends\">Jobs over time</h2>\n"
                + "<p class=\"note\">From the newest "
                + builds.size()
                + " builds above's filters match; by day (UTC), the last "
                + DAYS
                + " days up to "
                + newest
                + ".</p>\n<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Job</th>"
                + "<th scope=\"col\">Finished builds</th><th scope=\"col\">Failed</th>"
                + "<th scope=\"col\">Median duration</th><th scope=\"col\">Duration by day</th>"
                + "<th scope=\"col\">Failure rate by day</th></tr></thead><tbody>\n");
    for (var e : byJob.entrySet()) {
      List<Build> l = e.getValue();
      long failed = l.stream().filter(x -> Pages.failed(x.status())).count();
      List<Duration> ds = l.stream().flatMap(x -> Pages.duration(x).stream()).toList();
      Duration[] median = new Duration[DAYS];
      double[] rate = new double[DAYS];
      int[] count = new int[DAYS];
      for (int d = 0; d < DAYS; d++) {
        LocalDate day = newest.minusDays(DAYS - 1 - d);
        List<Build> on =
            l.stream()
                .filter(x -> LocalDate.ofInstant(x.queuedAt(), ZoneOffset.UTC).equals(day))
                .toList();
        count[d] = on.size();
        List<Duration> dd = on.stream().flatMap(x -> Pages.duration(x).stream()).toList();
        median[d] = dd.isEmpty() ? null : Pages.Estimates.median(dd);
        rate[d] =
            on.isEmpty()
                ? 0
                : on.stream().filter(x -> Pages.failed(x.status())).count() / (double) on.size();
      }
      b.append("<tr><th scope=\"row\">")
          .append(Html.esc(e.getKey()))
          .append("</th><td>")
          .append(l.size())
          .append("</td><td>")
          .append(Math.round(100.0 * failed / l.size()))
          .append("%</td><td>")
          .append(ds.isEmpty() ? "" : Html.esc(Html.duration(Pages.Estimates.median(ds))))
          .append("</td><td>")
          .append(durationChart(e.getKey(), newest, median, count))
          .append("</td><td>")
          .append(rateChart(e.getKey(), newest, rate, count))
          .append("</td></tr>\n");
    }
    return b.append("</tbody></table></div></section>\n").toString();
  }

  private static String durationChart(
      String job, LocalDate newest, Duration[] median, int[] count) {
    long max = 1;
    for (Duration d : median) {
      if (d != null) {
        max = Math.max(max, d.toSeconds());
      }
    }
    StringBuilder svg = chartStart("Median duration of " + job + " by day");
    for (int d = 0; d < DAYS; d++) {
      if (median[d] == null) {
        continue;
      }
      int h = (int) Math.max(1, Math.round(24.0 * median[d].toSeconds() / max));
      svg.append("<rect class=\"bar\" x=\"")
          .append(d * 8)
          .append("\" y=\"")
          .append(24 - h)
          .append("\" width=\"6\" height=\"")
          .append(h)
          .append("\"><title>")
          .append(
              Html.esc(
                  newest.minusDays(DAYS - 1 - d)
                      + ": median "
                      + Html.duration(median[d])
                      + " of "
                      + count[d]
                      + " builds"))
          .append("</title></rect>");
    }
    return svg.append("</svg>").toString();
  }

  private static String rateChart(String job, LocalDate newest, double[] rate, int[] count) {
    StringBuilder svg = chartStart("Failure rate of " + job + " by day");
    for (int d = 0; d < DAYS; d++) {
      if (count[d] == 0) {
        continue;
      }
      int h = (int) Math.max(1, Math.round(24.0 * rate[d]));
      svg.append("<rect class=\"")
          .append(rate[d] > 0 ? "bad" : "bar")
          .append("\" x=\"")
          .append(d * 8)
          .append("\" y=\"")
          .append(24 - h)
          .append("\" width=\"6\" height=\"")
          .append(h)
          .append("\"><title>")
          .append(
              Html.esc(
                  newest.minusDays(DAYS - 1 - d)
                      + ": "
                      + Math.round(rate[d] * 100)
                      + "% of "
                      + count[d]
                      + " builds failed"))
          .append("</title></rect>");
    }
    return svg.append("</svg>").toString();
  }

  private static StringBuilder chartStart(String label) {
    return new StringBuilder("<svg class=\"spark\" width=\"")
        .append(DAYS * 8)
        .append("\" height=\"24\" viewBox=\"0 0 ")
        .append(DAYS * 8)
        .append(" 24\" role=\"img\" aria-label=\"")
        .append(Html.esc(label))
        .append("\">");
  }

  private String filters(BuildQuery q, Optional<String> job, Optional<String> branch) {
    StringBuilder f =
        new StringBuilder("<form method=\"get\" action=\"")
            .append(Html.esc(links.local("/builds")))
            .append("\" aria-label=\"Filter builds\">");
    f.append(input("project", q.project()))
        .append(input("change", q.change()))
        .append(input("job", job))
        .append(input("branch", branch));
    f.append(select("pipeline", PipelineName.ids(), q.pipeline().map(PipelineName::id)));
    f.append(
        select(
            "status",
            Arrays.stream(BuildStatus.values()).map(BuildStatus::id).toList(),
            q.status().map(BuildStatus::id)));
    return f.append(" <button type=\"submit\">Filter</button></form>\n").toString();
  }

  private static String input(String name, Optional<String> value) {
    return " <label for=\"f-"
        + name
        + "\">"
        + name
        + "</label> <input id=\"f-"
        + name
        + "\" name=\""
        + name
        + "\" value=\""
        + Html.esc(value.orElse(""))
        + "\" size=\"12\">";
  }

  private static String select(String name, List<String> options, Optional<String> chosen) {
    StringBuilder s =
        new StringBuilder(
            " <label for=\"f-"
                + name
                + "\">"
                + name
                + "</label> <select id=\"f-"
                + name
                + "\" name=\""
                + name
                + "\"><option value=\"\">any</option>");
    for (String o : options) {
      s.append("<option")
          .append(chosen.filter(o::equals).isPresent() ? " selected" : "")
          .append(">")
          .append(Html.esc(o))
          .append("</option>");
    }
    return s.append("</select>").toString();
  }

  private static Optional<String> param(Context ctx, String name) {
    return Optional.ofNullable(ctx.queryParam(name)).filter(s -> !s.isEmpty());
  }
}
