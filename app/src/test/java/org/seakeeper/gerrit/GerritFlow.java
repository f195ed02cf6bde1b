package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.server.ServerRuntime;

/**
 * What a developer does against the test Gerrit (clone, commit, push for review) and what tests
 * wait for.
 */
final class GerritFlow {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  private final GerritServer gerrit;
  private final String project;
  final Path work;

  /** Creates {@code project} in Gerrit and clones it (with the Change-Id hook) to {@code dir}. */
  GerritFlow(GerritServer gerrit, String project, Path dir) throws Exception {
    this.gerrit = gerrit;
    this.project = project;
    gerrit.createProject(project);
    String url =
        gerrit
                .url()
                .replace(
                    "http://",
                    "http://" + GerritServer.ADMIN + ":" + GerritServer.ADMIN_PASSWORD + "@")
            + "a/"
            + project;
    git(dir.getParent(), "clone", "-q", url, dir.toString());
    this.work = dir;
    Path hook = dir.resolve(".git/hooks/commit-msg");
    Files.createDirectories(hook.getParent());
    Files.write(
        hook,
        HTTP.send(
                HttpRequest.newBuilder(URI.create(gerrit.url() + "tools/hooks/commit-msg")).build(),
                HttpResponse.BodyHandlers.ofByteArray())
            .body());
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  String project() {
    return project;
  }

  /** A server config with one gerrit connection {@code review} serving only this project. */
  ServerConfig serverConfig(Path dataDir, int httpPort) {
    return serverConfig(dataDir, httpPort, "");
  }

  /**
   * As above, with more keys of the connection (indented as its keys, each line ending in a
   * newline).
   */
  ServerConfig serverConfig(Path dataDir, int httpPort, String moreConnectionKeys) {
    String yaml =
        "data_dir: "
            + dataDir
            + "\nhttp: {port: "
            + httpPort
            + ", bind: 127.0.0.1, public_url: http://127.0.0.1:"
            + httpPort
            + "/}\nconnections:\n"
            + gerrit.connectionYaml("review", "[" + project + "]")
            + moreConnectionKeys;
    ServerConfigParser.Result r = ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(r.problems()).isEmpty();
    return r.config().orElseThrow();
  }

  /** Starts a server and waits until it streams Gerrit's events. */
  static ServerRuntime start(ServerConfig cfg) throws Exception {
    ServerRuntime rt = ServerRuntime.start(cfg, Clock.systemUTC());
    assertThat(rt.awaitGerritStreaming(Duration.ofSeconds(30)))
        .as("the gerrit connection streams")
        .isTrue();
    return rt;
  }

  /** Commits the files (path, content pairs) and pushes for review; returns the commit. */
  String pushForReview(String message, String... files) throws Exception {
    commit(message, false, files);
    git(work, "push", "-q", "origin", "HEAD:refs/for/master");
    return git(work, "rev-parse", "HEAD");
  }

  /** Amends the last commit (same Change-Id: a new patch set) and pushes for review. */
  String pushNewPatchset(String... files) throws Exception {
    commit(null, true, files);
    git(work, "push", "-q", "origin", "HEAD:refs/for/master");
    return git(work, "rev-parse", "HEAD");
  }

  /** Starts a new change on top of master (after earlier changes were pushed for review). */
  void resetToMaster() throws Exception {
    git(work, "fetch", "-q", "origin");
    git(work, "reset", "-q", "--hard", "origin/master");
  }

  /** Commits the files without pushing. */
  void commitOnly(String message, String... files) throws Exception {
    commit(message, false, files);
  }

  private void commit(String message, boolean amend, String... files) throws Exception {
    for (int i = 0; i + 1 < files.length; i += 2) {
      Path f = work.resolve(files[i]);
      Files.createDirectories(f.getParent());
      Files.writeString(f, files[i + 1]);
    }
    git(work, "add", "-A");
    if (amend) {
      git(work, "commit", "-q", "--amend", "--no-edit");
    } else {
      git(work, "commit", "-q", "-m", message);
    }
  }

  /** The change number of a pushed commit. */
  int change(String commit) throws Exception {
    JsonNode found = gerrit.admin().get("changes/?q=commit:" + commit);
    assertThat(found.size()).as("changes with commit " + commit).isEqualTo(1);
    return found.get(0).path("_number").asInt();
  }

  /** The CI account's reviews (messages tagged autogenerated:seakeeper) on the change. */
  List<JsonNode> ciMessages(int change) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode m : gerrit.change(project, change).path("messages")) {
      if (GerritReporter.TAG.equals(m.path("tag").asText())
          && GerritServer.CI_USER.equals(m.path("author").path("username").asText())) {
        out.add(m);
      }
    }
    return out;
  }

  /** The CI account's current Verified vote on the change (0 when none). */
  int verified(int change) throws Exception {
    for (JsonNode v : gerrit.change(project, change).path("labels").path("Verified").path("all")) {
      if (GerritServer.CI_USER.equals(v.path("username").asText())) {
        return v.path("value").asInt(0);
      }
    }
    return 0;
  }

  /** Polls (every 20 ms) until {@code ok} holds for the change's CI messages; returns them. */
  List<JsonNode> awaitCiMessages(int change, Predicate<List<JsonNode>> ok, Duration limit)
      throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    List<JsonNode> last = List.of();
    while (System.nanoTime() < end) {
      last = ciMessages(change);
      if (ok.test(last)) {
        return last;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("timed out waiting on change " + change + "; CI messages: " + last);
  }

  /** The server's builds of a change, oldest first, through its API. */
  static List<JsonNode> builds(int port, int change) throws Exception {
    String body =
        HTTP.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + port
                                + "/api/v1/builds?change="
                                + change
                                + "&limit=100"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    List<JsonNode> out = new ArrayList<>();
    GerritRest.JSON.readTree(body).path("builds").forEach(out::add);
    return out.reversed();
  }

  static List<JsonNode> awaitBuilds(
      int port, int change, Predicate<List<JsonNode>> ok, Duration limit) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    List<JsonNode> last = List.of();
    while (System.nanoTime() < end) {
      last = builds(port, change);
      if (ok.test(last)) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("timed out waiting on builds of change " + change + ": " + last);
  }

  static String git(Path dir, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of("git", "-c", "user.name=Administrator", "-c", "user.email=admin@example.com"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("git " + String.join(" ", args) + ": " + out).isZero();
    return out.strip();
  }
}
