package org.seakeeper.web;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildRun;
import org.seakeeper.core.build.RunConfig;

/**
 * The build page's "What the job was given" section (issue 13): the names of the secrets handed
 * over (never values), image, timeout, checkout depth and, in a {@code <details>} block, the job's
 * config as it ran (after {@code extends:}). A build that never started says so. Every value is
 * escaped ({@link Html#esc}); readable without JavaScript.
 */
final class RunSection {
  private RunSection() {}

  static String html(Build x, Optional<BuildRun> run) {
    StringBuilder b =
        new StringBuilder(
            "<section aria-labelledby=\"run-heading\">\n<h2 id=\"run-heading\">What the job was"
                + " given</h2>\n");
    if (run.isEmpty()) {
      String why;
      if (x.startedAt().isPresent()) {
        why =
            "Not recorded: this build ran before Seakeeper kept what a job is given (secrets,"
                + " network, config).";
      } else if (x.status().terminal()) {
        why = "This build never started: no secrets were handed over and nothing ran.";
      } else {
        why = "Not started yet: what the job is given is shown once it starts.";
      }
      return b.append("<p class=\"note\" id=\"run-none\">")
          .append(Html.esc(why))
          .append("</p>\n</section>\n")
          .toString();
    }
    BuildRun r = run.get();
    b.append("<dl id=\"run\">\n");
    row(
        b,
        "Secrets handed over",
        r.secrets().isEmpty() ? "none" : codes(r.secrets()) + " (names only; values never shown)");
    row(b, "Image", "<code>" + Html.esc(r.image()) + "</code>");
    row(b, "Timeout", Html.esc(Html.duration(r.timeout())));
    row(b, "Checkout depth", Html.esc(depth(r.checkoutDepth())));
    b.append("</dl>\n");
    return b.append(config(r.config())).append("</section>\n").toString();
  }

  /** The network as the run had it (the page's "Network" row). */
  static String network(BuildRun r) {
    return r.network() ? "on" : "none (only the dependency cache, where the tier has it)";
  }

  private static String depth(int n) {
    return n == 0 ? "all history" : n == 1 ? "1 commit" : n + " commits";
  }

  private static String config(RunConfig c) {
    StringBuilder b =
        new StringBuilder(
            "<details id=\"run-config\">\n<summary>The job's config as it ran (after"
                + " <code>extends:</code>)</summary>\n<dl>\n");
    row(b, "Job", "<code>" + Html.esc(c.name()) + "</code>");
    row(b, "Image", "<code>" + Html.esc(c.image()) + "</code>");
    row(b, "Timeout", Html.esc(Html.duration(c.timeout())));
    list(b, "Needs", c.needs());
    list(b, "Secrets", c.secrets());
    list(b, "Artifacts", c.artifacts());
    row(b, "Retries", Html.esc(Integer.toString(c.retries())));
    row(b, "Checkout depth", Html.esc(depth(c.checkoutDepth())));
    list(b, "When: branches", c.branches());
    list(b, "When: files", c.files());
    list(b, "When: ignore_files", c.ignoreFiles());
    if (!c.description().isEmpty()) {
      row(b, "Description", Html.esc(c.description()));
    }
    b.append("</dl>\n");
    if (!c.variables().isEmpty()) {
      b.append(
          "<table id=\"run-variables\"><caption>Variables</caption>\n"
              + "<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Value</th></tr></thead>"
              + "\n<tbody>\n");
      for (Map.Entry<String, String> v : c.variables().entrySet()) {
        b.append("<tr><td><code>")
            .append(Html.esc(v.getKey()))
            .append("</code></td><td><code>")
            .append(Html.esc(v.getValue()))
            .append("</code></td></tr>\n");
      }
      b.append("</tbody></table>\n");
    }
    b.append("<h3>Script</h3>\n<pre id=\"run-script\">")
        .append(Html.esc(c.script()))
        .append("</pre>\n");
    if (!c.cut().isEmpty()) {
      b.append("<p class=\"note\" id=\"run-cut\">Kept shortened (at most ")
          .append(RunConfig.MAX_JSON_BYTES >> 10)
          .append(" KiB are kept): ")
          .append(Html.esc(String.join("; ", c.cut())))
          .append(".</p>\n");
    }
    return b.append("</details>\n").toString();
  }

  private static void list(StringBuilder b, String name, List<String> items) {
    if (!items.isEmpty()) {
      row(b, name, codes(items));
    }
  }

  private static String codes(List<String> items) {
    StringBuilder s = new StringBuilder();
    for (String i : items) {
      if (!s.isEmpty()) {
        s.append(", ");
      }
      s.append("<code>").append(Html.esc(i)).append("</code>");
    }
    return s.toString();
  }

  private static void row(StringBuilder b, String name, String html) {
    b.append("<dt>").append(Html.esc(name)).append("</dt><dd>").append(html).append("</dd>\n");
  }
}
