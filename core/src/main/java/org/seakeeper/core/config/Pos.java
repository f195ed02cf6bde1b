package org.seakeeper.core.config;

/**
 * A 1-based line and column in a config file. Immutable value.
 *
 * @param line 1-based line
 * @param col 1-based column (in Unicode code points)
 */
public record Pos(int line, int col) implements Comparable<Pos> {
  /** The start of a file, used for problems that concern the whole file. */
  public static final Pos START = new Pos(1, 1);

  public Pos {
    if (line < 1 || col < 1) {
      throw new IllegalArgumentException("positions are 1-based: " + line + ":" + col);
    }
  }

  @Override
  public int compareTo(Pos o) {
    return line != o.line ? Integer.compare(line, o.line) : Integer.compare(col, o.col);
  }

  @Override
  public String toString() {
    return line + ":" + col;
  }
}
