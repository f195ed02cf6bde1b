package org.seakeeper.core.model;

import java.util.regex.Pattern;

/**
 * A path glob as in {@code .gitignore}-like matchers: {@code *} matches within one path segment,
 * {@code **} across segments, {@code ?} one character. Immutable and thread-safe.
 */
public record Glob(String text, Pattern regex) {
  public static Glob of(String text) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*') {
        if (i + 1 < text.length() && text.charAt(i + 1) == '*') {
          i++;
          if (i + 1 < text.length() && text.charAt(i + 1) == '/') {
            i++;
            b.append("(?:.*/)?");
          } else {
            b.append(".*");
          }
        } else {
          b.append("[^/]*");
        }
      } else if (c == '?') {
        b.append("[^/]");
      } else {
        b.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new Glob(text, Pattern.compile(b.toString()));
  }

  public boolean matches(String path) {
    return regex.matcher(path).matches();
  }

  @Override
  public String toString() {
    return text;
  }
}
