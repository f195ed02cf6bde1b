package org.seakeeper.core.model;

/**
 * Text a change controls (job and matrix names, details quoting them, commit messages) made safe to
 * show where a line must stay one line: newline, carriage return and tab are written {@code \n},
 * {@code \r}, {@code \t}; other control characters, bidi overrides and other invisible format
 * characters as {@code \}{@code uXXXX}; a backslash as two, so an escaped text cannot pass for
 * another. The server log and review messages use it. Stateless.
 */
public final class Printable {
  private Printable() {}

  /** {@code s} with everything that could break or disguise a line escaped; null stays null. */
  public static String escape(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep =
          switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\\' -> "\\\\";
            default ->
                c < 0x20
                        || c == 0x7f
                        || (c >= 0x80 && c < 0xa0)
                        || Character.getType(c) == Character.FORMAT
                        || c == '\u2028'
                        || c == '\u2029'
                    ? String.format("\\u%04X", (int) c)
                    : null;
          };
      if (rep != null && b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (b != null) {
        if (rep != null) {
          b.append(rep);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? s : b.toString();
  }
}
