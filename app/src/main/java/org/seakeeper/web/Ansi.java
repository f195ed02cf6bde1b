package org.seakeeper.web;

/**
 * Renders log text with ANSI escape sequences as escaped HTML: SGR colours and bold/italic/
 * underline become {@code <span class="a-...">}, every other escape sequence (cursor moves, OSC
 * titles and hyperlinks, lone ESC) is dropped or shown as a visible symbol, never passed through.
 * C0 and C1 control characters are shown as Unicode control pictures or U+FFFD, and bidirectional
 * overrides as a visible marker, so a log can neither inject markup nor disguise what it says. The
 * state (the current colours) carries from one line to the next, as in a terminal; one renderer per
 * log window. Not thread-safe.
 *
 * <p>The page's script has the same rules in JavaScript for lines that arrive live or are paged in
 * (see {@code log.js}); tests hold both to the same cases.
 */
final class Ansi {
  private static final char ESC = 0x1b;

  private boolean bold;
  private boolean dim;
  private boolean italic;
  private boolean underline;
  private int fg = -1;
  private int bg = -1;

  /** The line (without its newline) as safe HTML, in the current state, updating the state. */
  String line(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    StringBuilder text = new StringBuilder();
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == ESC) {
        if (i + 1 < n && s.charAt(i + 1) == '[') {
          int j = i + 2;
          while (j < n && s.charAt(j) >= 0x30 && s.charAt(j) <= 0x3f) {
            j++; // parameter bytes
          }
          while (j < n && s.charAt(j) >= 0x20 && s.charAt(j) <= 0x2f) {
            j++; // intermediate bytes
          }
          if (j < n && s.charAt(j) >= 0x40 && s.charAt(j) <= 0x7e) {
            if (s.charAt(j) == 'm') {
              flush(out, text);
              sgr(s.substring(i + 2, j));
            }
            i = j + 1; // any other complete CSI sequence is dropped
            continue;
          }
          text.append('\u241b'); // an incomplete sequence: shown, not interpreted
          i++;
          continue;
        }
        if (i + 1 < n && s.charAt(i + 1) == ']') { // OSC: up to BEL or ESC \
          int j = i + 2;
          while (j < n && s.charAt(j) != 0x07 && !(s.charAt(j) == ESC)) {
            j++;
          }
          if (j < n) {
            i = (s.charAt(j) == 0x07) ? j + 1 : Math.min(n, j + 2);
            continue;
          }
          text.append('\u241b');
          i++;
          continue;
        }
        if (i + 1 < n && s.charAt(i + 1) >= 0x40 && s.charAt(i + 1) <= 0x5f) {
          i += 2; // a two-character escape (ESC M, ESC c, ...)
          continue;
        }
        text.append('\u241b');
        i++;
        continue;
      }
      text.append(visible(c));
      i++;
    }
    flush(out, text);
    return out.toString();
  }

  /** A character as it may appear on the page: controls and direction overrides made visible. */
  static String visible(char c) {
    if (c == '\t') {
      return "\t";
    }
    if (c < 0x20) {
      return String.valueOf((char) (0x2400 + c));
    }
    if (c == 0x7f) {
      return "\u2421";
    }
    if (c >= 0x80 && c <= 0x9f) {
      return "\ufffd";
    }
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
      return "[U+" + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + "]";
    }
    return String.valueOf(c);
  }

  private void flush(StringBuilder out, StringBuilder text) {
    if (text.isEmpty()) {
      return;
    }
    String cls = classes();
    if (cls.isEmpty()) {
      out.append(Html.esc(text.toString()));
    } else {
      out.append("<span class=\"")
          .append(cls)
          .append("\">")
          .append(Html.esc(text.toString()))
          .append("</span>");
    }
    text.setLength(0);
  }

  private String classes() {
    StringBuilder c = new StringBuilder();
    if (bold) {
      c.append(" a-b");
    }
    if (dim) {
      c.append(" a-d");
    }
    if (italic) {
      c.append(" a-i");
    }
    if (underline) {
      c.append(" a-u");
    }
    if (fg >= 0) {
      c.append(" a-f").append(fg);
    }
    if (bg >= 0) {
      c.append(" a-g").append(bg);
    }
    return c.isEmpty() ? "" : c.substring(1);
  }

  private void sgr(String params) {
    String[] ps = params.isEmpty() ? new String[] {"0"} : params.split("[;:]", -1);
    for (int k = 0; k < ps.length; k++) {
      int p = number(ps[k]);
      switch (p) {
        case 0 -> reset();
        case 1 -> bold = true;
        case 2 -> dim = true;
        case 3 -> italic = true;
        case 4 -> underline = true;
        case 22 -> {
          bold = false;
          dim = false;
        }
        case 23 -> italic = false;
        case 24 -> underline = false;
        case 39 -> fg = -1;
        case 49 -> bg = -1;
        case 38, 48 -> {
          int colour = -1;
          if (k + 2 < ps.length && number(ps[k + 1]) == 5) {
            int v = number(ps[k + 2]);
            colour = v >= 0 && v < 16 ? v : -1; // 256 colours: only the basic 16 are kept
            k += 2;
          } else if (k + 4 < ps.length && number(ps[k + 1]) == 2) {
            k += 4; // true colour: not kept (no inline styles under the page's CSP)
          }
          if (p == 38) {
            fg = colour;
          } else {
            bg = colour;
          }
        }
        default -> {
          if (p >= 30 && p <= 37) {
            fg = p - 30;
          } else if (p >= 90 && p <= 97) {
            fg = p - 90 + 8;
          } else if (p >= 40 && p <= 47) {
            bg = p - 40;
          } else if (p >= 100 && p <= 107) {
            bg = p - 100 + 8;
          }
        }
      }
    }
  }

  private void reset() {
    bold = false;
    dim = false;
    italic = false;
    underline = false;
    fg = -1;
    bg = -1;
  }

  private static int number(String s) {
    if (s.isEmpty()) {
      return 0;
    }
    if (s.length() > 3) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return -1;
      }
    }
    return Integer.parseInt(s);
  }

  /** The CSS for the classes above, readable on the log's light background. */
  static final String CSS =
      """
      .a-b{font-weight:bold}.a-d{opacity:.75}.a-i{font-style:italic}.a-u{text-decoration:underline}
      .a-f0{color:#24292f}.a-f1{color:#b62324}.a-f2{color:#116329}.a-f3{color:#7d4e00}
      .a-f4{color:#0550ae}.a-f5{color:#8250df}.a-f6{color:#1b7c83}.a-f7{color:#57606a}
      .a-f8{color:#57606a}.a-f9{color:#a40e26}.a-f10{color:#1a7f37}.a-f11{color:#7d4e00}
      .a-f12{color:#0969da}.a-f13{color:#8250df}.a-f14{color:#1b7c83}.a-f15{color:#24292f}
      .a-g0{background:#24292f;color:#fff}.a-g1{background:#ffebe9}.a-g2{background:#dafbe1}
      .a-g3{background:#fff8c5}.a-g4{background:#ddf4ff}.a-g5{background:#fbefff}
      .a-g6{background:#d8f3f6}.a-g7{background:#eaeef2}.a-g8{background:#57606a;color:#fff}
      .a-g9{background:#ffcecb}.a-g10{background:#aceebb}.a-g11{background:#fae17d}
      .a-g12{background:#b6e3ff}.a-g13{background:#ecd8ff}.a-g14{background:#b3f0ff}
      .a-g15{background:#fff}
      """;
}
