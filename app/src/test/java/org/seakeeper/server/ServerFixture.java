package org.seakeeper.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Git repos, pushes and API polling for server tests. */
final class ServerFixture {
  static String git(Path dir, String... args) throws Exception {
    return org.seakeeper.testing.TestGit.git(dir, args);
  }

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  private ServerFixture() {}

  /** What a CLI command printed and returned. */
  record Cli(int code, String out, String err) {}

  /** Runs {@code seakeeper ARGS} in this JVM with {@code stdin} as its standard input. */
  static Cli cli(String stdin, String... args) {
    java.io.InputStream before = System.in;
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    try {
      System.setIn(
          new java.io.ByteArrayInputStream(
              stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      int code =
          org.seakeeper.cli.Main.execute(
              args, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
      return new Cli(code, out.toString(), err.toString());
    } finally {
      System.setIn(before);
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A bare repo and a work tree cloned from it. */
  static Path[] repo(Path tmp) throws Exception {
    Path bare = tmp.resolve("demo.git");
    git(tmp, "init", "-q", "--bare", "--initial-branch=main", bare.toString());
    Path work = Files.createDirectories(tmp.resolve("work"));
    git(work, "init", "-q", "--initial-branch=main", ".");
    return new Path[] {bare, work};
  }

  /** Commits {@code yaml} as the config (plus a marker file) and pushes it to {@code ref}. */
  static String push(Path work, Path bare, String ref, String yaml, String marker, boolean force)
      throws Exception {
    Files.writeString(work.resolve(".seakeeper.yaml"), yaml);
    Files.writeString(work.resolve("marker.txt"), marker + "\n");
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", marker);
    if (force) {
      git(work, "push", "-q", "--force", bare.toString(), "HEAD:" + ref);
    } else {
      git(work, "push", "-q", bare.toString(), "HEAD:" + ref);
    }
    return git(work, "rev-parse", "HEAD");
  }

  static String config(Path tmp, Path bare, int port) {
    return "data_dir: "
        + tmp.resolve("data")
        + "\nhttp: {port: "
        + port
        + ", bind: 127.0.0.1, public_url: http://127.0.0.1:"
        + port
        + "/}\nrepos:\n  - name: demo\n    path: "
        + bare
        + "\n";
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(int port, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static List<JsonNode> builds(int port) throws Exception {
    JsonNode n = JSON.readTree(get(port, "/api/v1/builds?limit=1000").body());
    List<JsonNode> out = new ArrayList<>();
    n.get("builds").forEach(out::add);
    return out.reversed();
  }

  /**
   * Polls the API (an end-to-end test's only way to watch a separate server) until {@code done}.
   */
  static List<JsonNode> awaitBuilds(int port, Predicate<List<JsonNode>> done, Duration limit)
      throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    List<JsonNode> last = List.of();
    while (System.nanoTime() < end) {
      try {
        last = builds(port);
        if (done.test(last)) {
          return last;
        }
      } catch (java.io.IOException e) {
        // the server is not up yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out; builds: " + last);
  }

  static boolean allEnded(List<JsonNode> builds) {
    return builds.stream()
        .noneMatch(
            b ->
                b.get("status").asText().equals("queued")
                    || b.get("status").asText().equals("running"));
  }
}
