package org.seakeeper.core.gate;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code Depends-On:} footers of a commit message (Zuul's cross-repo dependencies). A value
 * is a Gerrit change URL ({@code https://host/c/project/+/123}, {@code https://host/#/c/123/},
 * {@code https://host/123}) or a bare Change-Id ({@code I} and 40 hex digits). Footers are read
 * from the last paragraph of the message, as git trailers are; the keyword is case-insensitive.
 * Pure and stateless.
 */
public final class DependsOn {
  private DependsOn() {}

  /**
   * One dependency as written.
   *
   * @param host the URL's host (with port), empty for a bare Change-Id
   * @param project the project named in the URL ({@code /c/project/+/N}), when it names one
   * @param change the change number (URL) or the Change-Id
   * @param raw the footer's value as written
   */
  public record Ref(Optional<String> host, Optional<String> project, String change, String raw) {
    public boolean byChangeId() {
      return host.isEmpty();
    }

    @Override
    public String toString() {
      return raw;
    }
  }

  /** The footers found, and one message per value that is neither a change URL nor a Change-Id. */
  public record Parsed(List<Ref> refs, List<String> problems) {}

  private static final Pattern FOOTER = Pattern.compile("(?i)^depends-on:\\s*(\\S.*?)\\s*$");
  private static final Pattern CHANGE_ID = Pattern.compile("I[0-9a-f]{40}");
  private static final Pattern NEW_UI = Pattern.compile("^/(?:c/)?(.+)/\\+/(\\d+)(?:/.*)?$");
  private static final Pattern OLD_UI = Pattern.compile("^/?(?:#/)?(?:c/)?(\\d+)/?(?:\\d+/?)?$");

  public static Parsed parse(String message) {
    List<Ref> refs = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (String line : footerLines(message)) {
      Matcher m = FOOTER.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String value = m.group(1);
      Optional<Ref> ref = value(value);
      if (ref.isPresent()) {
        if (refs.stream().noneMatch(r -> r.raw().equals(value))) {
          refs.add(ref.get());
        }
      } else {
        problems.add(
            "Depends-On: "
                + value
                + ": not a change URL (https://host/c/project/+/123) nor a Change-Id (I followed by"
                + " 40 hex digits)");
      }
    }
    return new Parsed(List.copyOf(refs), List.copyOf(problems));
  }

  /** The lines of the message's last paragraph (its footers). */
  private static List<String> footerLines(String message) {
    String[] paragraphs = message.strip().split("\\R\\s*\\R");
    String last = paragraphs[paragraphs.length - 1];
    return last.lines().map(String::strip).toList();
  }

  /** One footer value, or empty when it is neither form. */
  static Optional<Ref> value(String value) {
    if (CHANGE_ID.matcher(value).matches()) {
      return Optional.of(new Ref(Optional.empty(), Optional.empty(), value, value));
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
        || uri.getHost() == null) {
      return Optional.empty();
    }
    String host = uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String fragment = uri.getRawFragment();
    if (fragment != null && (path.isEmpty() || path.equals("/"))) {
      path = fragment.startsWith("/") ? fragment : "/" + fragment; // https://host/#/c/123/
    }
    Matcher nu = NEW_UI.matcher(path);
    if (nu.matches()) {
      String project =
          java.net.URLDecoder.decode(nu.group(1), java.nio.charset.StandardCharsets.UTF_8);
      return Optional.of(new Ref(Optional.of(host), Optional.of(project), nu.group(2), value));
    }
    Matcher old = OLD_UI.matcher(path);
    if (old.matches()) {
      return Optional.of(new Ref(Optional.of(host), Optional.empty(), old.group(1), value));
    }
    return Optional.empty();
  }
}
