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
      body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
      a{color:#0645ad}table{border-collapse:collapse}
      td,th{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
      pre{background:#f6f8fa;padding:.8em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
      .status{font-weight:bold}.success{color:#1a7f37}.running,.queued{color:#9a6700}
      .failure,.error,.timed_out,.config_error,.merge_conflict,.interrupted{color:#cf222e}
      .cancelled,.skipped,.dequeued{color:#6e7781}dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}
      dt{font-weight:bold}dd{margin:0}form{margin-bottom:1em}nav{margin-bottom:1em}
      """;

  private Html() {}

  /** Escapes text for HTML element content and quoted attribute values. */
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
        default -> sb.append(c);
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
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>"
        + esc(title)
        + " - Seakeeper</title><style nonce=\""
        + nonce
        + "\">"
        + STYLE
        + "</style></head><body>\n"
        + "<nav><a href=\""
        + esc(links.local("/builds"))
        + "\">Builds</a> · <a href=\""
        + esc(links.local("/api/v1/status"))
        + "\">Status (JSON)</a></nav>\n"
        + body
        + "\n</body></html>\n";
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
