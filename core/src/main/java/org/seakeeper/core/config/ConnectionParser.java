package org.seakeeper.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.seakeeper.core.model.ServerConfig;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads one item of {@code connections:} (docs/contracts.md §3): a {@code git} connection with its
 * {@code repos}, or a {@code gerrit} connection with {@code url}, {@code user}, an HTTP password
 * ({@code http_password_file} or {@code http_password}), {@code ssh: {host, port, key}} and {@code
 * projects} (and optionally {@code report_start}, {@code connect_timeout}, {@code
 * request_timeout}). Every problem is reported at its position. Stateless.
 */
final class ConnectionParser {
  static final List<String> KEYS =
      List.of(
          "name",
          "type",
          "url",
          "user",
          "http_password_file",
          "http_password",
          "ssh",
          "projects",
          "repos",
          "report_start",
          "connect_timeout",
          "request_timeout");
  static final List<String> SSH = List.of("host", "port", "key");
  static final int DEFAULT_SSH_PORT = 29418;

  private ConnectionParser() {}

  /**
   * The connection, or empty when it has no usable name or type; problems are recorded in {@code
   * p}.
   *
   * @param repos how the shared {@code repos:} list format is read
   */
  static Optional<ServerConfig.Connection> parse(
      Node item, MappingNode m, Problems p, Function<Node, List<ServerConfig.Repo>> repos) {
    Map<String, String> settings = new LinkedHashMap<>();
    Map<String, Node> at = new LinkedHashMap<>();
    List<ServerConfig.Repo> repoList = List.of();
    List<String> projects = null;
    Optional<ServerConfig.Ssh> ssh = Optional.empty();
    for (Nodes.Entry e : Nodes.entries(m, p)) {
      at.put(e.key(), e.value());
      switch (e.key()) {
        case "repos" -> repoList = repos.apply(e.value());
        case "ssh" -> ssh = ssh(e.value(), p);
        case "projects" -> projects = projects(e.value(), p);
        default -> {
          if (KEYS.contains(e.key())) {
            Nodes.scalarText(e.value(), "'" + e.key() + "'", p)
                .ifPresent(s -> settings.put(e.key(), s));
          } else {
            p.error(
                e.keyPos(),
                "unknown key '" + e.key() + "' in a connection" + Suggest.hint(e.key(), KEYS));
          }
        }
      }
    }
    String name = settings.get("name");
    String type = settings.get("type");
    if (name == null) {
      p.error(Nodes.pos(item), "a connection needs a 'name'");
      return Optional.empty();
    }
    if (type == null || !List.of("git", "gerrit").contains(type)) {
      p.error(
          Nodes.pos(at.getOrDefault("type", item)),
          "connection '" + name + "' needs a 'type': git or gerrit");
      return Optional.empty();
    }
    if ("gerrit".equals(type)) {
      gerritChecks(name, item, settings, at, ssh, p);
      if (!repoList.isEmpty()) {
        p.error(
            Nodes.pos(at.get("repos")),
            "connection '" + name + "' is a gerrit connection: it serves 'projects', not 'repos'");
      }
    } else {
      for (String k :
          List.of(
              "url",
              "user",
              "http_password_file",
              "http_password",
              "ssh",
              "projects",
              "report_start",
              "connect_timeout",
              "request_timeout")) {
        if (at.containsKey(k)) {
          p.error(
              Nodes.pos(at.get(k)),
              "'" + k + "' is for gerrit connections; connection '" + name + "' is of type git");
        }
      }
    }
    List<String> served =
        "gerrit".equals(type) ? (projects == null ? List.of("*") : projects) : List.of();
    return Optional.of(new ServerConfig.Connection(name, type, repoList, settings, served, ssh));
  }

  private static void gerritChecks(
      String name,
      Node item,
      Map<String, String> settings,
      Map<String, Node> at,
      Optional<ServerConfig.Ssh> ssh,
      Problems p) {
    String url = settings.get("url");
    if (url == null) {
      p.error(
          Nodes.pos(item),
          "gerrit connection '"
              + name
              + "' needs a 'url' (its web address, e.g. http://127.0.0.1:8081/)");
    } else if (!url.startsWith("http://") && !url.startsWith("https://")) {
      p.error(
          Nodes.pos(at.get("url")),
          "the 'url' of gerrit connection '" + name + "' must start with http:// or https://");
    }
    if (settings.get("user") == null) {
      p.error(Nodes.pos(item), "gerrit connection '" + name + "' needs a 'user' (the CI account)");
    }
    boolean file = settings.containsKey("http_password_file");
    boolean inline = settings.containsKey("http_password");
    if (file == inline) {
      p.error(
          Nodes.pos(file ? at.get("http_password") : item),
          "gerrit connection '"
              + name
              + "' needs exactly one of 'http_password_file' and 'http_password'");
    }
    String start = settings.get("report_start");
    if (start != null && !List.of("true", "false").contains(start)) {
      p.error(
          Nodes.pos(at.get("report_start")),
          "'report_start' of gerrit connection '"
              + name
              + "' is true or false, not '"
              + start
              + "'");
    }
    for (String k : List.of("connect_timeout", "request_timeout")) {
      String t = settings.get(k);
      if (t != null && Durations.parse(t).filter(d -> !d.isZero()).isEmpty()) {
        p.error(
            Nodes.pos(at.get(k)),
            "'"
                + k
                + "' of gerrit connection '"
                + name
                + "' is a duration like 5s or 1m, not '"
                + t
                + "'");
      }
    }
    if (!at.containsKey("ssh")) {
      p.error(
          Nodes.pos(item),
          "gerrit connection '" + name + "' needs 'ssh: {host, port, key}' for stream-events");
    }
  }

  private static Optional<ServerConfig.Ssh> ssh(Node v, Problems p) {
    Optional<MappingNode> m = Nodes.mapping(v, "'ssh'", p);
    if (m.isEmpty()) {
      return Optional.empty();
    }
    String host = null;
    int port = DEFAULT_SSH_PORT;
    String key = null;
    for (Nodes.Entry e : Nodes.entries(m.get(), p)) {
      switch (e.key()) {
        case "host" -> host = Nodes.string(e.value(), "'ssh.host'", p).orElse(null);
        case "port" -> {
          Optional<Integer> n = Nodes.integer(e.value(), "'ssh.port'", p);
          if (n.isPresent() && (n.get() < 1 || n.get() > 65535)) {
            p.error(Nodes.pos(e.value()), "'ssh.port' must be between 1 and 65535");
          }
          port = n.orElse(port);
        }
        case "key" -> key = Nodes.string(e.value(), "'ssh.key'", p).orElse(null);
        default ->
            p.error(
                e.keyPos(),
                "unknown key '"
                    + e.key()
                    + "' in 'ssh'"
                    + Suggest.hint(e.key(), SSH)
                    + "; expected host, port, key");
      }
    }
    if (host == null || key == null) {
      p.error(Nodes.pos(v), "'ssh' needs a 'host' and a 'key' (the CI account's private key file)");
      return Optional.empty();
    }
    return Optional.of(new ServerConfig.Ssh(host, port, key));
  }

  private static List<String> projects(Node v, Problems p) {
    List<String> out = new ArrayList<>();
    for (Located<String> s : Nodes.strings(v, "'projects'", p)) {
      if (s.value().isBlank()) {
        p.error(s.pos(), "a project name must not be empty");
      } else {
        out.add(s.value());
      }
    }
    if (out.isEmpty() && Nodes.list(v, "'projects'", new Problems()).isPresent()) {
      p.error(Nodes.pos(v), "'projects' is empty: name the projects to serve, or [\"*\"] for all");
    }
    return out;
  }
}
