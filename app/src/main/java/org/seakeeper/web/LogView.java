package org.seakeeper.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.store.LogStore;

/**
 * A build's log on its page, one window at a time: at most {@link #WINDOW} bytes starting at a
 * line, read from the log store with one ranged read (a 100 MB log costs the page no more than a
 * small one). Each line is a {@code <span class="l" id="oOFFSET">} (its byte offset in the log:
 * stable while the log grows, and known without counting the lines before it), rendered by {@link
 * Ansi}. Search and "first error" scan the whole log through a small buffer.
 */
final class LogView {
  /** The most log one page (or one "earlier" step of the page's script) shows. */
  static final int WINDOW = 256 * 1024;

  /** The most matches a search lists. */
  static final int MAX_MATCHES = 100;

  /** The longest part of one line that search and "first error" look at. */
  static final int MAX_SCAN_LINE = 16 * 1024;

  /** A line that looks like the reason a build failed. */
  static final Pattern ERROR_LINE =
      Pattern.compile(
          "(?i)(\\berror\\b|\\berror:|\\bfailed\\b|\\bfailure\\b|\\bfatal\\b|\\bpanic\\b|"
              + "\\bexception\\b|\\btraceback\\b|^\\s*FAIL\\b)");

  private static final Pattern CSI = Pattern.compile("\u001b\\[[0-?]*[ -/]*[@-~]");

  private final LogStore logs;

  LogView(LogStore logs) {
    this.logs = logs;
  }

  /**
   * One window of a log.
   *
   * @param start the offset of its first line
   * @param end the offset just after its last byte
   * @param size the log's size when read
   * @param html the lines as HTML
   * @param tail whether it is the log's last part (where the live stream goes on)
   */
  record Window(long start, long end, long size, int lines, String html, boolean tail) {}

  /**
   * The window starting at the first line at or after {@code from}, or (empty) the log's last part.
   * A running build's window ends at its last complete line (the live stream goes on there).
   */
  Window window(Build b, OptionalLong from) {
    long size = logs.size(b.id()).orElse(0L);
    long base;
    int len;
    boolean tail = from.isEmpty() || size <= WINDOW;
    if (size <= WINDOW) {
      base = 0;
      len = (int) size;
    } else if (tail) {
      base = size - WINDOW - 1; // one byte more: is the window's first byte a line start?
      len = WINDOW + 1;
    } else {
      long f = Math.clamp(from.getAsLong(), 0, size - 1);
      base = Math.max(0, f - 1);
      len = (int) Math.min(WINDOW + (f > 0 ? 1 : 0), size - base);
    }
    byte[] bytes = len == 0 ? new byte[0] : logs.read(b.id(), base, len).orElse(new byte[0]);
    int s = 0;
    if (base > 0 || (!tail && from.getAsLong() > 0)) {
      int nl = indexOf(bytes, 0);
      s = nl < 0 ? Math.min(1, bytes.length) : nl + 1;
    }
    int e = bytes.length;
    boolean complete = base + bytes.length >= size && b.status().terminal();
    if (!complete) {
      int last = lastIndexOf(bytes, e - 1);
      if (last >= s) {
        e = last + 1;
      } else if (!b.status().terminal() && base + bytes.length >= size) {
        e = s; // a running build's unfinished first line: the stream sends it
      }
    }
    StringBuilder html = new StringBuilder(Math.max(16, (e - s) * 5 / 4));
    Ansi ansi = new Ansi();
    int lines = 0;
    int p = s;
    while (p < e) {
      int nl = indexOf(bytes, p);
      int stop = nl < 0 || nl >= e ? e : nl;
      line(html, ansi, base + p, new String(bytes, p, stop - p, StandardCharsets.UTF_8));
      lines++;
      p = stop + 1;
    }
    return new Window(base + s, base + e, size, lines, html.toString(), tail);
  }

  /** One line of the log as the page shows it (the page's script makes the same markup). */
  static void line(StringBuilder html, Ansi ansi, long offset, String text) {
    String t = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    html.append("<span class=\"l\" id=\"o")
        .append(offset)
        .append("\"><a class=\"n\" href=\"?from=")
        .append(offset)
        .append("#o")
        .append(offset)
        .append("\" tabindex=\"-1\" aria-hidden=\"true\"></a>")
        .append(ansi.line(t))
        .append("\n</span>");
  }

  /** A line found by a scan: its offset and (the start of) its text. */
  record Found(long offset, String text) {}

  /**
   * Lines containing {@code query} (case-insensitive), in order, at most {@link #MAX_MATCHES}; the
   * flag says whether there were more.
   */
  record Matches(List<Found> found, boolean more) {}

  Matches search(long buildId, String query) {
    String q = query.toLowerCase(Locale.ROOT);
    List<Found> found = new ArrayList<>();
    boolean[] more = {false};
    scan(
        buildId,
        (offset, text) -> {
          if (text.toLowerCase(Locale.ROOT).contains(q)) {
            if (found.size() == MAX_MATCHES) {
              more[0] = true;
              return false;
            }
            found.add(new Found(offset, text));
          }
          return true;
        });
    return new Matches(found, more[0]);
  }

  /** The first line that looks like an error ({@link #ERROR_LINE}). */
  Optional<Found> firstError(long buildId) {
    Found[] hit = {null};
    scan(
        buildId,
        (offset, text) -> {
          if (ERROR_LINE.matcher(CSI.matcher(text).replaceAll("")).find()) {
            hit[0] = new Found(offset, text);
            return false;
          }
          return true;
        });
    return Optional.ofNullable(hit[0]);
  }

  interface LineVisitor {
    /** Sees one line (at most {@link #MAX_SCAN_LINE} bytes of it); false stops the scan. */
    boolean visit(long offset, String text);
  }

  /** Reads the log from its start through a 64 KiB buffer, line by line. */
  void scan(long buildId, LineVisitor visitor) {
    Optional<InputStream> opened = logs.stream(buildId, 0);
    if (opened.isEmpty()) {
      return;
    }
    try (InputStream in = opened.get()) {
      byte[] buf = new byte[64 * 1024];
      byte[] line = new byte[MAX_SCAN_LINE];
      int len = 0;
      long lineStart = 0;
      long pos = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++, pos++) {
          byte c = buf[i];
          if (c == '\n') {
            if (!visitor.visit(lineStart, new String(line, 0, len, StandardCharsets.UTF_8))) {
              return;
            }
            len = 0;
            lineStart = pos + 1;
          } else if (len < line.length) {
            line[len++] = c;
          }
        }
      }
      if (len > 0) {
        visitor.visit(lineStart, new String(line, 0, len, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(byte[] b, int from) {
    for (int i = Math.min(from, b.length - 1); i >= 0; i--) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
