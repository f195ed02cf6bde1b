package org.seakeeper.core.config;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" suggestions by edit distance. Stateless. */
public final class Suggest {
  private Suggest() {}

  /** The closest candidate within a small edit distance of {@code word}, if any. */
  public static Optional<String> closest(String word, Collection<String> candidates) {
    int allowed = Math.max(1, Math.min(3, word.length() / 3));
    String best = null;
    int bestDistance = allowed + 1;
    for (String c : candidates) {
      // A file may name thousands of jobs: skip the candidates that cannot be close, cheaply.
      if (Math.abs(c.length() - word.length()) >= bestDistance) {
        continue;
      }
      int d = distance(word, c, bestDistance - 1);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** " (did you mean 'x'?)" or "" when nothing is close. */
  public static String hint(String word, Collection<String> candidates) {
    return closest(word, candidates).map(c -> " (did you mean '" + c + "'?)").orElse("");
  }

  /** Edit distance where swapping two neighbours counts as one edit (optimal string alignment). */
  static int distance(String a, String b) {
    return distance(a, b, Integer.MAX_VALUE - 1);
  }

  /**
   * {@link #distance(String, String)} ignoring case, or {@code max + 1} as soon as it must exceed
   * {@code max}. Keeps three rows only: it runs once per candidate name.
   */
  static int distance(String a, String b, int max) {
    int[] before = new int[b.length() + 1];
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    int prevMin = 0;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      int rowMin = i;
      char ai = Character.toLowerCase(a.charAt(i - 1));
      for (int j = 1; j <= b.length(); j++) {
        char bj = Character.toLowerCase(b.charAt(j - 1));
        int v = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + (ai == bj ? 0 : 1));
        if (i > 1
            && j > 1
            && ai == Character.toLowerCase(b.charAt(j - 2))
            && Character.toLowerCase(a.charAt(i - 2)) == bj) {
          v = Math.min(v, before[j - 2] + 1);
        }
        cur[j] = v;
        rowMin = Math.min(rowMin, v);
      }
      // A transposition reaches back two rows, so stop only when two rows are both over.
      if (rowMin > max && prevMin > max) {
        return max + 1;
      }
      prevMin = rowMin;
      int[] t = before;
      before = prev;
      prev = cur;
      cur = t;
    }
    return Math.min(prev[b.length()], max + 1);
  }
}
