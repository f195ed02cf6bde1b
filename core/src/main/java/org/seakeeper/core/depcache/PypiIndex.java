package org.seakeeper.core.depcache;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PyPI simple-index project page (PEP 503 HTML) read into its file links, and written back out as
 * the cache serves it: every link points into the cache ({@code /pypi/files/PROJECT/FILE}) and
 * keeps its {@code #sha256=} fragment, so clients never leave the cache. The page is rebuilt from
 * the parsed links, never passed through, so nothing else of the upstream's page reaches clients.
 * Links without a sha256, on a host that is not allowed, or with an odd file name are dropped.
 */
public final class PypiIndex {
  private static final Pattern ANCHOR =
      Pattern.compile("<a\\b([^>]*)>(.*?)</a\\s*>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern ATTRIBUTE =
      Pattern.compile(
          "([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+)))?");
  private static final Pattern SHA256 = Pattern.compile("sha256=([0-9a-fA-F]{64})");

  private PypiIndex() {}

  /**
   * One file of a project: its name, upstream URL (without fragment), sha256 (hex), and the
   * optional attributes PEP 503/592/658 define ({@code coreMetadataSha256} when the upstream
   * publishes {@code FILE.metadata}).
   */
  public record Link(
      String file,
      URI url,
      String sha256,
      Optional<String> requiresPython,
      Optional<String> yanked,
      Optional<String> coreMetadataSha256) {}

  /**
   * The links of a project page fetched from {@code pageUrl}; relative links resolve against it,
   * and only links whose URL {@code allowed} accepts are kept.
   */
  public static List<Link> parse(String html, URI pageUrl, Predicate<URI> allowed) {
    List<Link> links = new ArrayList<>();
    Matcher a = ANCHOR.matcher(html);
    while (a.find()) {
      String href = null;
      Optional<String> requiresPython = Optional.empty();
      Optional<String> yanked = Optional.empty();
      Optional<String> metadata = Optional.empty();
      Matcher attr = ATTRIBUTE.matcher(a.group(1));
      while (attr.find()) {
        String name = attr.group(1).toLowerCase(Locale.ROOT);
        String value =
            attr.group(2) != null
                ? attr.group(2)
                : attr.group(3) != null ? attr.group(3) : attr.group(4);
        value = value == null ? null : unescape(value);
        switch (name) {
          case "href" -> href = value;
          case "data-requires-python" -> requiresPython = Optional.ofNullable(value);
          case "data-yanked" -> yanked = Optional.of(value == null ? "" : value);
          case "data-core-metadata", "data-dist-info-metadata" -> {
            if (value != null) {
              Matcher m = SHA256.matcher(value);
              if (m.matches()) {
                metadata = Optional.of(m.group(1).toLowerCase(Locale.ROOT));
              }
            }
          }
          default -> {}
        }
      }
      if (href == null) {
        continue;
      }
      parseLink(href, pageUrl, allowed, requiresPython, yanked, metadata).ifPresent(links::add);
    }
    return links;
  }

  private static Optional<Link> parseLink(
      String href,
      URI pageUrl,
      Predicate<URI> allowed,
      Optional<String> requiresPython,
      Optional<String> yanked,
      Optional<String> metadata) {
    URI resolved;
    try {
      resolved = pageUrl.resolve(new URI(href.strip()));
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
    String fragment = resolved.getRawFragment();
    if (fragment == null) {
      return Optional.empty();
    }
    Matcher hash = SHA256.matcher(fragment);
    if (!hash.matches()) {
      return Optional.empty();
    }
    URI url;
    try {
      url =
          new URI(
              resolved.getScheme()
                  + "://"
                  + resolved.getRawAuthority()
                  + resolved.getRawPath()
                  + (resolved.getRawQuery() == null ? "" : "?" + resolved.getRawQuery()));
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
    if (!allowed.test(url)) {
      return Optional.empty();
    }
    String path = url.getRawPath();
    String file =
        URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
    if (!PypiNames.validFile(file) || file.endsWith(".metadata")) {
      return Optional.empty();
    }
    return Optional.of(
        new Link(
            file, url, hash.group(1).toLowerCase(Locale.ROOT), requiresPython, yanked, metadata));
  }

  /** The link for {@code file}, if the page lists it. */
  public static Optional<Link> find(List<Link> links, String file) {
    return links.stream().filter(l -> l.file().equals(file)).findFirst();
  }

  /** The cache's own path of a file of {@code project}. */
  public static String filePath(String project, String file) {
    return "/pypi/files/" + project + "/" + file;
  }

  /** The page as PEP 503 HTML, every link into the cache. */
  public static String html(String project, List<Link> links) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html>\n<head>\n")
        .append("<meta name=\"pypi:repository-version\" content=\"1.0\">\n")
        .append("<title>Links for ")
        .append(escape(project))
        .append("</title>\n</head>\n<body>\n<h1>Links for ")
        .append(escape(project))
        .append("</h1>\n");
    for (Link l : links) {
      b.append("<a href=\"")
          .append(escape(filePath(project, l.file())))
          .append("#sha256=")
          .append(l.sha256())
          .append('"');
      l.requiresPython()
          .ifPresent(r -> b.append(" data-requires-python=\"").append(escape(r)).append('"'));
      l.yanked().ifPresent(y -> b.append(" data-yanked=\"").append(escape(y)).append('"'));
      l.coreMetadataSha256()
          .ifPresent(m -> b.append(" data-core-metadata=\"sha256=").append(m).append('"'));
      b.append('>').append(escape(l.file())).append("</a><br/>\n");
    }
    return b.append("</body>\n</html>\n").toString();
  }

  /** The page as PEP 691 JSON (API version 1.0), every URL into the cache. */
  public static String json(String project, List<Link> links) {
    StringBuilder b = new StringBuilder();
    b.append("{\"meta\":{\"api-version\":\"1.0\"},\"name\":")
        .append(jsonString(project))
        .append(",\"files\":[");
    for (int i = 0; i < links.size(); i++) {
      Link l = links.get(i);
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"filename\":")
          .append(jsonString(l.file()))
          .append(",\"url\":")
          .append(jsonString(filePath(project, l.file())))
          .append(",\"hashes\":{\"sha256\":\"")
          .append(l.sha256())
          .append("\"}");
      l.requiresPython().ifPresent(r -> b.append(",\"requires-python\":").append(jsonString(r)));
      l.yanked()
          .ifPresent(y -> b.append(",\"yanked\":").append(y.isEmpty() ? "true" : jsonString(y)));
      l.coreMetadataSha256()
          .ifPresent(m -> b.append(",\"core-metadata\":{\"sha256\":\"").append(m).append("\"}"));
      b.append('}');
    }
    return b.append("]}").toString();
  }

  /**
   * Whether a client's Accept header prefers PEP 691 JSON ({@code
   * application/vnd.pypi.simple.v1+json}) over HTML; absent or unparseable means HTML.
   */
  public static boolean wantsJson(String accept) {
    if (accept == null) {
      return false;
    }
    double json = 0;
    double html = 0;
    for (String range : accept.split(",")) {
      String[] parts = range.strip().split(";");
      String type = parts[0].strip().toLowerCase(Locale.ROOT);
      double q = 1;
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].strip();
        if (p.startsWith("q=")) {
          try {
            q = Double.parseDouble(p.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      switch (type) {
        case "application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.latest+json" ->
            json = Math.max(json, q);
        case "application/vnd.pypi.simple.v1+html",
            "application/vnd.pypi.simple.latest+html",
            "text/html",
            "*/*" ->
            html = Math.max(html, q);
        default -> {}
      }
    }
    return json > 0 && json > html;
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  static String unescape(String s) {
    if (s.indexOf('&') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int semi = c == '&' ? s.indexOf(';', i) : -1;
      if (semi > i && semi - i <= 10) {
        String entity = s.substring(i + 1, semi);
        String decoded =
            switch (entity) {
              case "amp" -> "&";
              case "lt" -> "<";
              case "gt" -> ">";
              case "quot" -> "\"";
              case "apos" -> "'";
              default -> numeric(entity);
            };
        if (decoded != null) {
          b.append(decoded);
          i = semi + 1;
          continue;
        }
      }
      b.append(c);
      i++;
    }
    return b.toString();
  }

  private static String numeric(String entity) {
    try {
      if (entity.startsWith("#x") || entity.startsWith("#X")) {
        return Character.toString(Integer.parseInt(entity.substring(2), 16));
      }
      if (entity.startsWith("#")) {
        return Character.toString(Integer.parseInt(entity.substring(1)));
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return null;
  }
}
