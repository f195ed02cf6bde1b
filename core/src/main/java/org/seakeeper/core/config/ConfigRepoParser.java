package org.seakeeper.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.seakeeper.core.model.ServerConfig;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads the server config's {@code config_repo:} key: which served repo holds more trusted
 * sections, on which branch, in which file. Stateless.
 */
final class ConfigRepoParser {
  private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
  private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

  private ConfigRepoParser() {}

  static Optional<ServerConfig.ConfigRepo> parse(
      Node v, List<ServerConfig.Connection> connections, Problems p) {
    Optional<MappingNode> m = Nodes.mapping(v, "'config_repo'", p);
    if (m.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> s = new LinkedHashMap<>();
    Map<String, Pos> at = new LinkedHashMap<>();
    for (Nodes.Entry e : Nodes.entries(m.get(), p)) {
      if (!ServerConfigParser.CONFIG_REPO.contains(e.key())) {
        p.error(
            e.keyPos(),
            "unknown key '"
                + e.key()
                + "' in config_repo"
                + Suggest.hint(e.key(), ServerConfigParser.CONFIG_REPO)
                + "; expected "
                + ServerConfigParser.CONFIG_REPO);
        continue;
      }
      Nodes.string(e.value(), "'config_repo." + e.key() + "'", p)
          .ifPresent(
              x -> {
                s.put(e.key(), x);
                at.put(e.key(), Nodes.pos(e.value()));
              });
    }
    String connection = s.getOrDefault("connection", "local");
    String project = s.get("project");
    String branch = s.getOrDefault("branch", ServerConfig.ConfigRepo.DEFAULT_BRANCH);
    String path = s.getOrDefault("path", ServerConfig.ConfigRepo.DEFAULT_PATH);
    int before = p.sorted().size();
    if (project == null) {
      p.error(
          Nodes.pos(v),
          "config_repo needs a 'project': the served repo that holds the trusted config");
    }
    if (branch.startsWith("refs/") || !BRANCH.matcher(branch).matches() || branch.contains("..")) {
      p.error(
          at.getOrDefault("branch", Nodes.pos(v)),
          "bad config_repo branch '"
              + branch
              + "': write a branch name like main (without refs/heads/)");
    }
    if (!PATH.matcher(path).matches()
        || path.contains("..")
        || path.equals(RepoConfigParser.FILE_NAME)) {
      p.error(
          at.getOrDefault("path", Nodes.pos(v)),
          "bad config_repo path '"
              + path
              + "': a file path inside the repo like seakeeper.yaml (not "
              + RepoConfigParser.FILE_NAME
              + ", which is the repo's own CI config)");
    }
    Optional<ServerConfig.Connection> conn =
        connections.stream().filter(c -> c.name().equals(connection)).findFirst();
    if (conn.isEmpty()) {
      p.error(
          at.getOrDefault("connection", Nodes.pos(v)),
          "config_repo names connection '"
              + connection
              + "', which is not defined"
              + Suggest.hint(
                  connection, connections.stream().map(ServerConfig.Connection::name).toList()));
    } else if (project != null && !served(conn.get(), project)) {
      p.error(
          at.getOrDefault("project", Nodes.pos(v)),
          "config_repo project '"
              + project
              + "' is not served by connection '"
              + connection
              + "'"
              + ("git".equals(conn.get().type())
                  ? "; add it to its repos"
                  : "; add it to its projects"));
    }
    return p.sorted().size() > before
        ? Optional.empty()
        : Optional.of(new ServerConfig.ConfigRepo(connection, project, branch, path));
  }

  private static boolean served(ServerConfig.Connection c, String project) {
    return "git".equals(c.type())
        ? c.repos().stream().anyMatch(r -> r.name().equals(project))
        : c.serves(project);
  }
}
