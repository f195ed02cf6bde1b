package org.seakeeper.gerrit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.seakeeper.core.model.ServerConfig;

/**
 * How Seakeeper reaches one Gerrit: its URL, the CI account and its HTTP password, the SSH
 * endpoint and the projects served. The password is read once, from {@code http_password_file}
 * or {@code http_password}. Immutable; {@link #toString} hides the password.
 */
public record GerritEndpoint(String connection, String url, String user, String password, ServerConfig.Ssh ssh, List<String> projects) {
  public GerritEndpoint {
    Objects.requireNonNull(connection);
    url = url.endsWith("/") ? url : url + "/";
    Objects.requireNonNull(user);
    Objects.requireNonNull(password);
    Objects.requireNonNull(ssh);
    projects = List.copyOf(projects);
  }

  /** From a parsed {@code type: gerrit} connection. */
  public static GerritEndpoint of(ServerConfig.Connection c) {
    if (!"gerrit".equals(c.type()) || c.ssh().isEmpty()) {
      throw new IllegalArgumentException("connection " + c.name() + " is not a complete gerrit connection");
    }
    String password = c.settings().get("http_password");
    if (password == null) {
      Path file = Path.of(c.settings().get("http_password_file"));
      try {
        password = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new UncheckedIOException("connection " + c.name() + ": cannot read http_password_file " + file + ": " + e.getMessage(), e);
      }
    }
    return new GerritEndpoint(c.name(), c.settings().get("url"), c.settings().get("user"), password, c.ssh().get(), c.projects());
  }

  public boolean serves(String project) {
    return projects.contains("*") || projects.contains(project);
  }

  /**
   * The projects periodic runs visit: the named ones, and with {@code "*"} every code project the
   * CI account can see ({@code GET /projects/?type=CODE}: not All-Projects or All-Users; hidden
   * projects left out), asked once now. When Gerrit cannot be asked, only the named ones, and
   * {@code problem} hears why.
   */
  public List<String> periodicProjects(java.util.function.Consumer<String> problem) {
    List<String> named = projects.stream().filter(p -> !p.equals("*")).toList();
    if (!projects.contains("*")) {
      return named;
    }
    java.util.Set<String> all = new java.util.TreeSet<>(named);
    try {
      com.fasterxml.jackson.databind.JsonNode listed = rest().get("projects/?type=CODE");
      listed.properties().forEach(e -> {
        if (!"HIDDEN".equals(e.getValue().path("state").asText())) {
          all.add(e.getKey());
        }
      });
    } catch (IOException e) {
      problem.accept("connection " + connection + ": cannot list Gerrit's projects for periodic runs (projects: [\"*\"]), only the named ones get them until a restart: " + e.getMessage());
    }
    return List.copyOf(all);
  }

  /** REST as the CI account. */
  public GerritRest rest() {
    return new GerritRest(url, user, password);
  }

  @Override
  public String toString() {
    return "GerritEndpoint[" + connection + " " + url + " as " + user + "]";
  }
}
