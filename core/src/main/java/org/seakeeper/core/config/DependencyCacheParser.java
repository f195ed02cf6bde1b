package org.seakeeper.core.config;

import java.util.List;
import java.util.Optional;
import org.seakeeper.core.model.ServerConfig;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The server file's {@code dependency_cache} section (docs/contracts.md §8): off ({@code false}) or
 * where the built-in cache keeps files, how much, and its upstreams. Stateless.
 */
final class DependencyCacheParser {
  static final List<String> KEYS = List.of("dir", "max_size", "upstreams");
  static final List<String> UPSTREAMS = List.of("maven", "npm", "pypi");

  private DependencyCacheParser() {}

  /**
   * The built-in cache: {@code false}, or {@code {dir, max_size, upstreams: {maven: [URL...], npm:
   * URL, pypi: URL}}} (docs/contracts.md §8).
   */
  static ServerConfig.DependencyCache builtIn(Node v, Problems p) {
    ServerConfig.DependencyCache d = ServerConfig.DependencyCache.DEFAULTS;
    if (Nodes.isScalar(v)) {
      Optional<String> b = Nodes.scalarText(v, "'dependency_cache'", p);
      if (b.isPresent() && b.get().equals("false")) {
        return ServerConfig.DependencyCache.OFF;
      }
      if (b.isPresent() && !b.get().equals("true")) {
        p.error(
            Nodes.pos(v),
            "'dependency_cache' is false (no cache) or a mapping with dir, max_size and"
                + " upstreams, not '"
                + b.get()
                + "'");
      }
      return d;
    }
    Optional<MappingNode> m = Nodes.mapping(v, "'dependency_cache'", p);
    if (m.isEmpty()) {
      return d;
    }
    Optional<String> dir = d.dir();
    long max = d.maxSizeBytes();
    List<String> maven = d.maven();
    String npm = d.npm();
    String pypi = d.pypi();
    for (Nodes.Entry e : Nodes.entries(m.get(), p)) {
      String what = "'dependency_cache." + e.key() + "'";
      switch (e.key()) {
        case "dir" -> dir = Nodes.string(e.value(), what, p).or(() -> d.dir());
        case "max_size" -> {
          Optional<String> s = Nodes.scalarText(e.value(), what, p);
          if (s.isPresent()) {
            Optional<Long> n = ServerConfigParser.memory(s.get());
            if (n.isEmpty()) {
              p.error(
                  Nodes.pos(e.value()),
                  "bad size '" + s.get() + "' for " + what + ": write it like 512m or 20g");
            } else {
              max = n.get();
            }
          }
        }
        case "upstreams" -> {
          Optional<MappingNode> u = Nodes.mapping(e.value(), what, p);
          if (u.isEmpty()) {
            continue;
          }
          for (Nodes.Entry x : Nodes.entries(u.get(), p)) {
            String w = "'dependency_cache.upstreams." + x.key() + "'";
            switch (x.key()) {
              case "maven" -> {
                List<String> urls =
                    (Nodes.isScalar(x.value())
                            ? Nodes.string(x.value(), w, p).stream()
                                .map(s -> new Located<>(s, Nodes.pos(x.value())))
                                .toList()
                            : Nodes.strings(x.value(), w, p))
                        .stream()
                            .filter(l -> upstreamUrl(l.value(), l.pos(), w, p))
                            .map(Located::value)
                            .toList();
                if (!urls.isEmpty()) {
                  maven = urls;
                }
              }
              case "npm" -> {
                Optional<String> s = Nodes.string(x.value(), w, p);
                if (s.isPresent() && upstreamUrl(s.get(), Nodes.pos(x.value()), w, p)) {
                  npm = s.get();
                }
              }
              case "pypi" -> {
                Optional<String> s = Nodes.string(x.value(), w, p);
                if (s.isPresent() && upstreamUrl(s.get(), Nodes.pos(x.value()), w, p)) {
                  pypi = s.get();
                }
              }
              default -> p.unknownKey(x, "dependency_cache.upstreams", UPSTREAMS);
            }
          }
        }
        default -> p.unknownKey(e, "dependency_cache", KEYS);
      }
    }
    return new ServerConfig.DependencyCache(true, dir, max, maven, npm, pypi);
  }

  /** An upstream is an absolute http(s) URL without user info, query or fragment. */
  static boolean upstreamUrl(String s, Pos at, String what, Problems p) {
    try {
      java.net.URI u = new java.net.URI(s);
      if ((u.getScheme() != null && (u.getScheme().equals("http") || u.getScheme().equals("https")))
          && u.getHost() != null
          && u.getUserInfo() == null
          && u.getQuery() == null
          && u.getFragment() == null) {
        return true;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    p.error(
        at,
        what
            + " must be an http(s) URL like https://repo.example.org/maven2/ (no user, query or"
            + " fragment), not '"
            + s
            + "'");
    return false;
  }
}
