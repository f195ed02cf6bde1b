package org.seakeeper.core.config;

/**
 * One problem found in a config file, an expected outcome rather than an exception. Immutable.
 *
 * <p>Printed gcc-style so editors can jump to it: {@code PATH:LINE:COL: error: MESSAGE}.
 */
public record Problem(Severity severity, Pos pos, String message) implements Comparable<Problem> {
  /** How bad a problem is: any error makes the whole file invalid, warnings do not. */
  public enum Severity {
    ERROR,
    WARNING;

    public String label() {
      return this == ERROR ? "error" : "warning";
    }
  }

  public Problem {
    if (severity == null || pos == null || message == null || message.isBlank()) {
      throw new IllegalArgumentException("a problem needs a severity, a position and a message");
    }
  }

  public static Problem error(Pos pos, String message) {
    return new Problem(Severity.ERROR, pos, message);
  }

  public static Problem warning(Pos pos, String message) {
    return new Problem(Severity.WARNING, pos, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** The gcc-style line for the file shown as {@code path}. */
  public String format(String path) {
    return path + ":" + pos.line() + ":" + pos.col() + ": " + severity.label() + ": " + message;
  }

  @Override
  public int compareTo(Problem o) {
    int c = pos.compareTo(o.pos);
    return c != 0 ? c : message.compareTo(o.message);
  }
}
