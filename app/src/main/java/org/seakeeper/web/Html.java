package org.seakeeper.web;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Optional;

/**
 * Small helpers for the server-rendered pages. Every value from a build (job names, details, logs,
 * refs) is untrusted: it goes through {@link #esc} and nowhere else.
 */
final class Html {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private static final String STYLE =
      """
      :root{--fg:#1f2328;--muted:#57606a;--line:#d0d7de;--bg:#fff;--code:#f6f8fa;--link:#0550ae}
      *{box-sizing:border-box}
      body{font-family:system-ui,sans-serif;margin:0;color:var(--fg);background:var(--bg);line-height:1.45}
      a{color:var(--link)}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,
      .log:focus-visible,summary:focus-visible{outline:3px solid #0969da;outline-offset:2px}
      header.top{display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center;padding:.6em 1.5em;
      background:#24292f;color:#fff}header.top a{color:#fff}header.top .brand{font-weight:bold}
      header.top nav a{margin-right:1em}header.top .who{margin-left:auto;color:#d0d7de}
      .skip{position:absolute;left:-999px}.skip:focus{left:1em;top:.5em;background:#fff;color:#000;padding:.3em;z-index:9}
      main{padding:1em 1.5em;max-width:100rem}
      h1{font-size:1.5em;margin:.2em 0 .6em}h2{font-size:1.2em;margin:1.2em 0 .4em}
      table{border-collapse:collapse;max-width:100%}
      td,th{padding:.25em .6em;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
      .scroll{overflow-x:auto}
      pre{background:var(--code);padding:.8em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
      .status{font-weight:bold}.success{color:#116329}.running,.queued{color:#7d4e00}
      .failure,.error,.timed_out,.config_error,.merge_conflict,.interrupted{color:#b62324}
      .cancelled,.skipped,.dequeued{color:#57606a}
      dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}
      dt{font-weight:bold}dd{margin:0}form{margin-bottom:1em}form.inline{display:inline;margin:0}
      label{margin-right:.6em;white-space:nowrap}input,select,button{font:inherit;padding:.15em .3em}
      .muted,.note{color:var(--muted)}
      .notice{border:1px solid var(--line);border-left:6px solid #1a7f37;padding:.4em .8em}
      .notice.refused{border-left-color:#cf222e;color:#b62324}
      .log{max-height:75vh;overflow:auto;padding:.5em .8em;counter-reset:line;font-size:.85em;line-height:1.35}
      .log .l{display:block;padding-left:4.5em;text-indent:-4.5em}
      .log .l{counter-increment:line}.log .n{display:inline-block;width:4em;margin-right:.5em;
      text-align:right;color:var(--muted);text-decoration:none;text-indent:0;user-select:none}
      .log .n::before{content:counter(line)}.log.far .n::before{content:"\\00b7"}
      .log .l:target,.log .l.target{background:#fff8c5}
      .toolbar{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:center;margin:.5em 0}
      .toolbar form{margin:0}
      .queue{list-style:none;padding:0;margin:0}
      .queue>li{border:1px solid var(--line);border-left:6px solid #0969da;border-radius:4px;padding:.5em .8em;margin:.4em 0}
      .queue>li.failing{border-left-color:#cf222e}.queue>li.passed{border-left-color:#1a7f37}
      .queue .ahead{color:var(--muted);font-size:.9em}
      .jobs{list-style:none;padding:0;margin:.3em 0 0}.jobs li{display:flex;flex-wrap:wrap;gap:.2em .8em;align-items:center}
      .jobs .job{min-width:12em}progress{width:10em}
      .cards{display:flex;flex-wrap:wrap;gap:1em}.card{border:1px solid var(--line);border-radius:4px;padding:.5em 1em}
      .up{color:#116329}.degraded{color:#7d4e00}.down{color:#b62324}
      svg.spark{vertical-align:middle}svg.spark .bar{fill:#0969da}svg.spark .bad{fill:#cf222e}
      @media (max-width:40em){main{padding:.6em}dl{grid-template-columns:auto}td,th{padding:.2em .3em}
      .log .l{padding-left:0;text-indent:0}.log .n{display:none}}
      """
          + Ansi.CSS;

  /** The pages' script (enhancements only: every page works without it). */
  private static final String SCRIPT = readScript();

  private static String readScript() {
    try (var in = Html.class.getResourceAsStream("ui.js")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException | NullPointerException e) {
      throw new IllegalStateException("ui.js is missing from the classpath", e);
    }
  }

  private Html() {}

  /**
   * Escapes text for HTML element content and quoted attribute values; control characters (an ANSI
   * escape in a job or branch name) and direction overrides are shown, never passed on.
   */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        case '\n', '\t' -> sb.append(c);
        default ->
            sb.append(
                c < 0x20 || c >= 0x7f && c <= 0x9f || c >= 0x202a && c <= 0x206f
                    ? Ansi.visible(c)
                    : String.valueOf(c));
      }
    }
    return sb.toString();
  }

  /** A fresh nonce for the Content-Security-Policy of one page. */
  static String nonce() {
    byte[] b = new byte[18];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The CSP of a page: nothing but our own nonce'd style and script, and fetches to ourselves. */
  static String csp(String nonce) {
    return "default-src 'none'; style-src 'nonce-"
        + nonce
        + "'; script-src 'nonce-"
        + nonce
        + "'; connect-src 'self'; "
        + "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
  }

  /** A whole page; {@code title} is escaped here, {@code body} must already be safe HTML. */
  static String page(String title, String nonce, Links links, String body) {
    return page(title, nonce, links, Viewer.ANONYMOUS, "", body);
  }

  /**
   * A whole page with the site's header, for {@code viewer}; {@code mainAttributes} (safe HTML) go
   * on the {@code <main>} element, {@code body} (safe HTML) inside it.
   */
  static String page(
      String title, String nonce, Links links, Viewer viewer, String mainAttributes, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>"
        + esc(title)
        + " - Seakeeper</title><style nonce=\""
        + nonce
        + "\">"
        + STYLE
        + "</style></head><body>\n"
        + "<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
        + "<header class=\"top\"><a class=\"brand\" href=\""
        + esc(links.local("/status"))
        + "\">Seakeeper</a><nav aria-label=\"Site\"><a href=\""
        + esc(links.local("/status"))
        + "\">Status</a><a href=\""
        + esc(links.local("/builds"))
        + "\">Builds</a><a href=\""
        + esc(links.local("/api/v1/status"))
        + "\">Status (JSON)</a></nav><span class=\"who\">"
        + esc(viewer.name().map(n -> "Signed in as " + n).orElse("Not signed in"))
        + "</span></header>\n<main id=\"main\""
        + mainAttributes
        + ">\n"
        + viewer.notice().map(Notices::html).orElse("")
        + body
        + "\n</main>\n<script nonce=\""
        + nonce
        + "\">\n"
        + SCRIPT
        + "</script>\n</body></html>\n";
  }

  /** A duration as {@code 1h 02m}, {@code 3m 07s}, {@code 12s}. */
  static String duration(java.time.Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s >= 3600) {
      return String.format("%dh %02dm", s / 3600, (s % 3600) / 60);
    }
    if (s >= 60) {
      return String.format("%dm %02ds", s / 60, s % 60);
    }
    return s + "s";
  }

  /** An action's form: a POST to {@code path} with the viewer's CSRF token, one button. */
  static String action(Viewer viewer, String path, String label) {
    return action(viewer, path, label, java.util.Map.of());
  }

  /** As above, with hidden fields (the target of a trigger or a queue command). */
  static String action(
      Viewer viewer, String path, String label, java.util.Map<String, String> fields) {
    StringBuilder hidden = new StringBuilder();
    fields.forEach((k, v) -> hidden.append(hidden(k, v)));
    return "<form class=\"inline\" method=\"post\" action=\""
        + esc(path)
        + "\">"
        + hidden
        + csrf(viewer)
        + "<button type=\"submit\">"
        + esc(label)
        + "</button></form>";
  }

  /** A form's hidden field, escaped. */
  static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\"" + esc(name) + "\" value=\"" + esc(value) + "\">";
  }

  /** The viewer's CSRF token as a form's hidden field; empty for a viewer with no session. */
  static String csrf(Viewer viewer) {
    return viewer.csrfToken().map(t -> hidden(Access.CSRF_FIELD, t)).orElse("");
  }

  static String time(Optional<Instant> t) {
    return t.map(TIME::format).orElse("");
  }

  /**
   * A span between two instants, e.g. {@code 1h 02m}, {@code 3m 07s}, {@code 12s}; empty when
   * unknown.
   */
  static String span(Optional<Instant> from, Optional<Instant> to) {
    if (from.isEmpty() || to.isEmpty()) {
      return "";
    }
    Duration d = Duration.between(from.get(), to.get());
    if (d.isNegative()) {
      return "";
    }
    long s = d.toSeconds();
    if (s >= 3600) {
      return String.format("%dh %02dm", s / 3600, (s % 3600) / 60);
    }
    if (s >= 60) {
      return String.format("%dm %02ds", s / 60, s % 60);
    }
    return s + "s";
  }

  static String link(String href, String text) {
    return "<a href=\"" + esc(href) + "\">" + esc(text) + "</a>";
  }
}
