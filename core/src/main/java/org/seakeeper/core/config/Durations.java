package org.seakeeper.core.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written as {@code 90s}, {@code 10m}, {@code 1h30m}. Stateless. */
public final class Durations {
  private static final Pattern FORM =
      Pattern.compile("(?:(\\d{1,4})h)?(?:(\\d{1,5})m)?(?:(\\d{1,6})s)?");

  private Durations() {}

  /** The duration, or empty when {@code text} is not of the form {@code [Nh][Nm][Ns]}. */
  public static Optional<Duration> parse(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = FORM.matcher(t);
    if (!m.matches()) {
      return Optional.empty();
    }
    long seconds = 0;
    if (m.group(1) != null) {
      seconds += Long.parseLong(m.group(1)) * 3600;
    }
    if (m.group(2) != null) {
      seconds += Long.parseLong(m.group(2)) * 60;
    }
    if (m.group(3) != null) {
      seconds += Long.parseLong(m.group(3));
    }
    return Optional.of(Duration.ofSeconds(seconds));
  }

  /** Short human form: {@code 1h30m}, {@code 10m}, {@code 45s}. */
  public static String format(Duration d) {
    long s = d.toSeconds();
    StringBuilder b = new StringBuilder();
    if (s >= 3600) {
      b.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      b.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0 || b.isEmpty()) {
      b.append(s).append('s');
    }
    return b.toString();
  }
}
