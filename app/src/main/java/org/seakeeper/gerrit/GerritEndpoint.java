package org.seakeeper.gerrit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.seakeeper.core.config.Durations;
import org.seakeeper.core.effect.Outage;
import org.seakeeper.core.model.ServerConfig;

/**
 * How Seakeeper reaches one Gerrit: its URL, the CI account and its HTTP password, the SSH endpoint
 * and the projects served. The password is read once, from {@code http_password_file} or {@code
 * http_password}; every call to it ends within {@code timeouts} ({@code connect_timeout}, {@code
 * request_timeout}, default 5 s and 20 s). Immutable; {@link #toString} hides the password.
 */
public record GerritEndpoint(
    String connection,
    String url,
    String user,
    String password,
    ServerConfig.Ssh ssh,
    List<String> projects,
    GerritRest.Timeouts timeouts) {
  public GerritEndpoint {
    Objects.requireNonNull(connection);
    url = url.endsWith("/") ? url : url + "/";
    Objects.requireNonNull(user);
    Objects.requireNonNull(password);
    Objects.requireNonNull(ssh);
    projects = List.copyOf(projects);
    Objects.requireNonNull(timeouts);
  }

  /** With the default timeouts. */
  public GerritEndpoint(
      String connection,
      String url,
      String user,
      String password,
      ServerConfig.Ssh ssh,
      List<String> projects) {
    this(connection, url, user, password, ssh, projects, GerritRest.Timeouts.DEFAULT);
  }

  /** From a parsed {@code type: gerrit} connection. */
  public static GerritEndpoint of(ServerConfig.Connection c) {
    if (!"gerrit".equals(c.type()) || c.ssh().isEmpty()) {
      throw new IllegalArgumentException(
          "connection " + c.name() + " is not a complete gerrit connection");
    }
    String password = c.settings().get("http_password");
    if (password == null) {
      Path file = Path.of(c.settings().get("http_password_file"));
      try {
        password = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new UncheckedIOException(
            "connection "
                + c.name()
                + ": cannot read http_password_file "
                + file
                + ": "
                + e.getMessage(),
            e);
      }
    }
    return new GerritEndpoint(
        c.name(),
        c.settings().get("url"),
        c.settings().get("user"),
        password,
        c.ssh().get(),
        c.projects(),
        timeouts(c));
  }

  /**
   * The connection's {@code connect_timeout} and {@code request_timeout} (validated by the parser),
   * else the defaults.
   */
  static GerritRest.Timeouts timeouts(ServerConfig.Connection c) {
    Duration connect =
        duration(c.settings().get("connect_timeout")).orElse(GerritRest.Timeouts.DEFAULT.connect());
    Duration request =
        duration(c.settings().get("request_timeout")).orElse(GerritRest.Timeouts.DEFAULT.request());
    return new GerritRest.Timeouts(connect, request);
  }

  private static Optional<Duration> duration(String text) {
    return text == null ? Optional.empty() : Durations.parse(text).filter(d -> !d.isZero());
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
      listed
          .properties()
          .forEach(
              e -> {
                if (!"HIDDEN".equals(e.getValue().path("state").asText())) {
                  all.add(e.getKey());
                }
              });
    } catch (IOException | Outage e) {
      problem.accept(
          "connection "
              + connection
              + ": cannot list Gerrit's projects for periodic runs (projects: [\"*\"]), only the"
              + " named ones get them until a restart: "
              + e.getMessage());
    }
    return List.copyOf(all);
  }

  /** REST as the CI account. */
  public GerritRest rest() {
    return new GerritRest(connection, url, user, password, timeouts);
  }

  @Override
  public String toString() {
    return "GerritEndpoint[" + connection + " " + url + " as " + user + "]";
  }
}
