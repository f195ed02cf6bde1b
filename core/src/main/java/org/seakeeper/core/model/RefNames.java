package org.seakeeper.core.model;

import java.util.Optional;
import java.util.Set;

/**
 * Strict checks on full ref names, so that no name can pass for another (docs/contracts.md §1):
 * git's {@code check-ref-format} rules, plus no Unicode format or space characters (which display
 * differently from what they are) and no short name that looks like a ref namespace of its own
 * ({@code refs/heads/refs/tags/v1}, {@code refs/heads/tags/v1}). Stateless.
 */
public final class RefNames {
  public static final String HEADS = "refs/heads/";
  public static final String TAGS = "refs/tags/";
  public static final String FOR = "refs/for/";
  public static final String CHANGES = "refs/changes/";
  static final int MAX_LENGTH = 1024;

  /** First segments of a short name that would read as another namespace. */
  private static final Set<String> NAMESPACES = Set.of("refs", "heads", "tags", "remotes", "HEAD");

  private RefNames() {}

  /** Why {@code ref} is not a well-formed full ref name, or empty when it is one. */
  public static Optional<String> problem(String ref) {
    if (ref == null || ref.isEmpty()) {
      return Optional.of("the ref name is empty");
    }
    if (ref.length() > MAX_LENGTH) {
      return Optional.of("the ref name is longer than " + MAX_LENGTH + " characters");
    }
    if (!ref.startsWith("refs/")) {
      return Optional.of("'" + printable(ref) + "' is not a full ref name (refs/...)");
    }
    if (ref.endsWith("/")
        || ref.endsWith(".")
        || ref.contains("//")
        || ref.contains("..")
        || ref.contains("@{")
        || ref.equals("@")) {
      return Optional.of(
          "'"
              + printable(ref)
              + "' is not a valid git ref name (empty segment, '..', '@{' or a trailing '.' or"
              + " '/')");
    }
    for (String segment : ref.split("/")) {
      if (segment.startsWith(".") || segment.endsWith(".lock")) {
        return Optional.of(
            "'" + printable(ref) + "' has a segment starting with '.' or ending with '.lock'");
      }
    }
    for (int i = 0; i < ref.length(); ) {
      int cp = ref.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 0x20 || cp == 0x7f || " ~^:?*[\\".indexOf(cp) >= 0) {
        return Optional.of(
            "'" + printable(ref) + "' contains a character git refuses in ref names");
      }
      int type = Character.getType(cp);
      if (type == Character.FORMAT
          || type == Character.SURROGATE
          || type == Character.UNASSIGNED
          || type == Character.PRIVATE_USE
          || Character.isSpaceChar(cp)
          || Character.isWhitespace(cp)) {
        return Optional.of(
            "'"
                + printable(ref)
                + "' contains an invisible, space or unassigned character (U+"
                + String.format("%04X", cp)
                + ")");
      }
    }
    return Optional.empty();
  }

  /**
   * Why the short name after {@code prefix} (a branch or tag name) is refused, or empty: it must be
   * non-empty and must not start with a segment that names a ref namespace.
   */
  public static Optional<String> shortNameProblem(String ref, String prefix) {
    String name = ref.substring(prefix.length());
    if (name.isEmpty()) {
      return Optional.of("'" + printable(ref) + "' names no branch or tag");
    }
    String first = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
    if (NAMESPACES.contains(first)) {
      return Optional.of(
          "'"
              + printable(ref)
              + "' is ambiguous: its name '"
              + printable(name)
              + "' starts like another ref namespace ('"
              + first
              + "')");
    }
    return Optional.empty();
  }

  /** Whether every character is printable ASCII (release tags must be, against look-alikes). */
  public static boolean ascii(String s) {
    return s.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  /** The name with control and non-ASCII characters escaped, safe for a log line. */
  public static String printable(String s) {
    StringBuilder b = new StringBuilder();
    int limit = Math.min(s.length(), 200);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return s.length() > limit ? b + "..." : b.toString();
  }
}
