package org.seakeeper.web;

import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.BuildQuery;

/** What the pages share: the response, a build's status, change and times as HTML. */
final class Pages {
  private Pages() {}

  static void html(Context ctx, String nonce, String page) {
    ctx.header("Content-Security-Policy", Html.csp(nonce));
    ctx.header("Cache-Control", "no-store");
    ctx.contentType("text/html; charset=utf-8").result(page);
  }

  static String status(BuildStatus s) {
    return "<span class=\"status " + Html.esc(s.id()) + "\">" + Html.esc(s.id()) + "</span>";
  }

  /** {@code 1234,2}, or the ref outside a change. */
  static String change(Build x) {
    return x.change().map(c -> c + x.patchset().map(p -> "," + p).orElse("")).orElse(x.ref());
  }

  /** The change page of a build's change, or empty outside a change. */
  static Optional<String> changeLink(Links links, Build x) {
    return x.change()
        .map(
            c ->
                links.local(
                    "/changes/"
                        + encode(c)
                        + "?connection="
                        + encode(x.connection())
                        + "&project="
                        + encode(x.project())));
  }

  static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  static String waited(Build b, Instant now) {
    return Html.span(
        Optional.of(b.queuedAt()),
        b.startedAt()
            .or(() -> b.status() == BuildStatus.QUEUED ? Optional.of(now) : b.finishedAt()));
  }

  static String ran(Build b, Instant now) {
    return Html.span(
        b.startedAt(),
        b.finishedAt()
            .or(() -> b.status() == BuildStatus.RUNNING ? Optional.of(now) : Optional.empty()));
  }

  /** How long a build ran, when it started and ended. */
  static Optional<Duration> duration(Build b) {
    if (b.startedAt().isEmpty() || b.finishedAt().isEmpty()) {
      return Optional.empty();
    }
    Duration d = Duration.between(b.startedAt().get(), b.finishedAt().get());
    return d.isNegative() ? Optional.empty() : Optional.of(d);
  }

  static boolean failed(BuildStatus s) {
    return switch (s) {
      case FAILURE, ERROR, TIMED_OUT, CONFIG_ERROR, MERGE_CONFLICT, INTERRUPTED -> true;
      default -> false;
    };
  }

  /**
   * How long a job usually runs: the median of its last successful runs (same project, pipeline and
   * job), looked up once per page.
   */
  static final class Estimates {
    static final int SAMPLE = 20;
    private final BuildQueries queries;
    private final Map<String, Optional<Duration>> known = new HashMap<>();

    Estimates(BuildQueries queries) {
      this.queries = queries;
    }

    Optional<Duration> of(Build b) {
      if (b.job().isEmpty()) {
        return Optional.empty();
      }
      String key = b.connection() + "\n" + b.project() + "\n" + b.pipeline().id();
      if (!known.containsKey(key)) {
        List<Build> done =
            queries.list(
                new BuildQuery(
                    Optional.of(b.connection()),
                    Optional.of(b.project()),
                    Optional.empty(),
                    Optional.of(b.pipeline()),
                    Optional.of(BuildStatus.SUCCESS),
                    Optional.empty(),
                    200));
        Map<String, List<Duration>> byJob = new HashMap<>();
        for (Build d : done) {
          d.job()
              .ifPresent(
                  j ->
                      duration(d)
                          .ifPresent(
                              t -> {
                                List<Duration> l = byJob.computeIfAbsent(j, k -> new ArrayList<>());
                                if (l.size() < SAMPLE) {
                                  l.add(t);
                                }
                              }));
        }
        byJob.forEach((j, l) -> known.put(key + "\n" + j, Optional.of(median(l))));
        known.put(key, Optional.empty());
      }
      return known.getOrDefault(key + "\n" + b.job().get(), Optional.empty());
    }

    static Duration median(List<Duration> l) {
      List<Duration> s = new ArrayList<>(l);
      s.sort(null);
      return s.get(s.size() / 2);
    }
  }

  /** A running build's progress against its estimate, as a progress bar and words. */
  static String progress(Build b, Instant now, Estimates estimates) {
    Duration ran = Duration.between(b.startedAt().orElse(now), now);
    Optional<Duration> est = estimates.of(b);
    if (est.isEmpty() || est.get().isZero()) {
      return "<span class=\"muted\">running "
          + Html.esc(Html.duration(ran))
          + " (no estimate yet)</span>";
    }
    long max = Math.max(1, est.get().toSeconds());
    long value = Math.min(ran.toSeconds(), max);
    String words =
        "running "
            + Html.duration(ran)
            + " of about "
            + Html.duration(est.get())
            + (ran.compareTo(est.get()) > 0
                ? " (longer than usual)"
                : ", about " + Html.duration(est.get().minus(ran)) + " left");
    return "<progress max=\""
        + max
        + "\" value=\""
        + value
        + "\" aria-label=\""
        + Html.esc(b.job().orElse("build") + " progress")
        + "\"></progress> <span>"
        + Html.esc(words)
        + "</span>";
  }
}
