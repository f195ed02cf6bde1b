package org.seakeeper.core.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A path glob as in {@code .gitignore}-like matchers: {@code *} matches within one path segment,
 * {@code **} across segments ({@code **}{@code /} also matches no directory at all), {@code ?} one
 * character other than {@code /}; everything else matches itself.
 *
 * <p>Globs come from changes anyone can push, so matching is linear: the glob compiles to a small
 * automaton (one state per glob character) that is run over the path once, keeping the set of
 * states it may be in (Thompson's construction), never backtracking. A match costs at most (path
 * length) × (glob length) steps whatever the pattern: a 10,000-character name against {@code
 * **a**a**a**...b} takes milliseconds, not years. Immutable and thread-safe.
 */
public final class Glob {
  private static final byte CHAR = 0;
  private static final byte NOT_SLASH = 1;
  private static final byte ANY = 2;
  private static final byte SPLIT = 3;
  private static final byte MATCH = 4;

  private final String text;
  // The automaton: node i is kind[i]; CHAR/NOT_SLASH/ANY consume one character and go to out[i];
  // SPLIT goes to out[i] and alt[i] without consuming; MATCH accepts.
  private final byte[] kind;
  private final char[] ch;
  private final int[] out;
  private final int[] alt;
  private final int start;

  private Glob(String text, byte[] kind, char[] ch, int[] out, int[] alt, int start) {
    this.text = text;
    this.kind = kind;
    this.ch = ch;
    this.out = out;
    this.alt = alt;
    this.start = start;
  }

  /** The glob's text as written. */
  public String text() {
    return text;
  }

  public static Glob of(String text) {
    Builder b = new Builder();
    int next = b.node(MATCH, '\0', -1, -1);
    // Built from the end, so that each piece knows what follows it.
    List<String> tokens = tokens(text);
    for (int t = tokens.size() - 1; t >= 0; t--) {
      String tok = tokens.get(t);
      switch (tok) {
        case "*" -> next = loop(b, NOT_SLASH, next);
        case "**" -> next = loop(b, ANY, next);
        case "**/" -> {
          // (?:.*/)? : either nothing, or anything that ends with a slash.
          int slash = b.node(CHAR, '/', next, -1);
          int any = loop(b, ANY, slash);
          next = b.node(SPLIT, '\0', any, next);
        }
        case "?" -> next = b.node(NOT_SLASH, '\0', next, -1);
        default -> next = b.node(CHAR, tok.charAt(0), next, -1);
      }
    }
    return new Glob(text, b.kinds(), b.chars(), b.outs(), b.alts(), next);
  }

  /**
   * {@code x*} before {@code next}: a split that either takes one {@code kind} and comes back, or
   * goes on.
   */
  private static int loop(Builder b, byte kind, int next) {
    int split = b.node(SPLIT, '\0', -1, next);
    int step = b.node(kind, '\0', split, -1);
    b.setOut(split, step);
    return split;
  }

  private static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
        i++;
        if (i + 1 < text.length() && text.charAt(i + 1) == '/') {
          i++;
          out.add("**/");
        } else {
          out.add("**");
        }
      } else {
        out.add(String.valueOf(c));
      }
    }
    return out;
  }

  /** Whether the whole {@code path} matches. Linear in the path's length times the glob's. */
  public boolean matches(String path) {
    int n = kind.length;
    int[] current = new int[n];
    int[] next = new int[n];
    int[] seen = new int[n];
    int[] stack = new int[n];
    int mark = 1;
    int size = close(start, current, 0, seen, mark, stack);
    for (int p = 0; p < path.length() && size > 0; p++) {
      char c = path.charAt(p);
      mark++;
      int nextSize = 0;
      for (int i = 0; i < size; i++) {
        int s = current[i];
        boolean step =
            switch (kind[s]) {
              case CHAR -> ch[s] == c;
              case NOT_SLASH -> c != '/';
              case ANY -> true;
              default -> false;
            };
        if (step) {
          nextSize = close(out[s], next, nextSize, seen, mark, stack);
        }
      }
      int[] t = current;
      current = next;
      next = t;
      size = nextSize;
    }
    for (int i = 0; i < size; i++) {
      if (kind[current[i]] == MATCH) {
        return true;
      }
    }
    return false;
  }

  /**
   * Adds {@code s} and every state its splits reach to {@code set} (each once per {@code mark}).
   */
  private int close(int s, int[] set, int size, int[] seen, int mark, int[] stack) {
    int top = 0;
    stack[top++] = s;
    while (top > 0) {
      int x = stack[--top];
      if (seen[x] == mark) {
        continue;
      }
      seen[x] = mark;
      if (kind[x] == SPLIT) {
        stack[top++] = alt[x];
        stack[top++] = out[x];
      } else {
        set[size++] = x;
      }
    }
    return size;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Glob g && g.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }

  /** Grows the automaton's arrays. */
  private static final class Builder {
    private final List<Byte> kinds = new ArrayList<>();
    private final StringBuilder chars = new StringBuilder();
    private final List<Integer> outs = new ArrayList<>();
    private final List<Integer> alts = new ArrayList<>();

    int node(byte kind, char c, int out, int alt) {
      kinds.add(kind);
      chars.append(c);
      outs.add(out);
      alts.add(alt);
      return kinds.size() - 1;
    }

    void setOut(int node, int out) {
      outs.set(node, out);
    }

    byte[] kinds() {
      byte[] a = new byte[kinds.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = kinds.get(i);
      }
      return a;
    }

    char[] chars() {
      return chars.toString().toCharArray();
    }

    int[] outs() {
      return outs.stream().mapToInt(Integer::intValue).toArray();
    }

    int[] alts() {
      return alts.stream().mapToInt(Integer::intValue).toArray();
    }
  }
}
