package org.seakeeper.core.secret;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Hides secret values in job output, the last defence behind the real controls (a job that wants to
 * leak a secret can always encode it first). Each value is masked as a whole and, for values of
 * several lines (a PEM key), line by line, since logs arrive a line at a time. Pieces shorter than
 * {@link #MIN_LENGTH} characters are not masked: they would blank out ordinary text. Immutable and
 * thread-safe.
 */
public final class SecretMasker {
  /** Shortest piece of a secret that is masked. */
  public static final int MIN_LENGTH = 4;

  /** What a masked piece becomes. */
  public static final String MARK = "[masked]";

  private final List<String> pieces;

  private SecretMasker(List<String> pieces) {
    this.pieces = pieces;
  }

  public static SecretMasker of(Collection<SecretValue> values) {
    List<String> pieces = new ArrayList<>();
    for (SecretValue v : values) {
      String text = v.text();
      add(pieces, text);
      add(pieces, text.strip());
      text.lines().forEach(l -> add(pieces, l.strip()));
    }
    pieces.sort(Comparator.comparingInt(String::length).reversed()); // longest first
    return new SecretMasker(List.copyOf(pieces));
  }

  private static void add(List<String> pieces, String s) {
    if (s.length() >= MIN_LENGTH && !s.contains("\n") && !pieces.contains(s)) {
      pieces.add(s);
    }
  }

  public boolean isEmpty() {
    return pieces.isEmpty();
  }

  /** The line with every occurrence of a secret piece replaced by {@link #MARK}. */
  public String mask(String line) {
    String out = line;
    for (String p : pieces) {
      if (out.contains(p)) {
        out = out.replace(p, MARK);
      }
    }
    return out;
  }
}
