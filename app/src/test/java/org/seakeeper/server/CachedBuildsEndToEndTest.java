package org.seakeeper.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.server.ServerFixture.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.config.ServerConfigParser;

/**
 * Plain {@code mvn test} works in {@code check}, offline: an untrusted job (no network) on the
 * embedded default builds a small Maven project with a test dependency, everything coming through
 * the built-in dependency cache from a Maven repository the test serves on loopback (this machine's
 * own {@code ~/.m2/repository}, laid out as a remote repository, checksums computed). The second
 * build asks the upstream nothing, and the third passes with the upstream stopped.
 */
@Tag("slow")
class CachedBuildsEndToEndTest {
  @TempDir Path tmp;

  final java.util.List<Path> cleanUp = new java.util.ArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void removeCacheDirs() throws Exception {
    for (Path p : cleanUp) {
      try (var files = Files.walk(p)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** The plugin and library versions this repository's own build uses, so ~/.m2 has them. */
  static final String POM =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <project xmlns="http://maven.apache.org/POM/4.0.0">
        <modelVersion>4.0.0</modelVersion>
        <groupId>org.example</groupId>
        <artifactId>greeter</artifactId>
        <version>1.0</version>
        <properties>
          <maven.compiler.release>17</maven.compiler.release>
          <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
        </properties>
        <dependencies>
          <dependency>
            <groupId>org.junit.jupiter</groupId>
            <artifactId>junit-jupiter</artifactId>
            <version>5.14.4</version>
            <scope>test</scope>
          </dependency>
        </dependencies>
        <build>
          <plugins>
            <plugin>
              <groupId>org.apache.maven.plugins</groupId>
              <artifactId>maven-resources-plugin</artifactId>
              <version>3.3.1</version>
            </plugin>
            <plugin>
              <groupId>org.apache.maven.plugins</groupId>
              <artifactId>maven-compiler-plugin</artifactId>
              <version>3.14.0</version>
            </plugin>
            <plugin>
              <groupId>org.apache.maven.plugins</groupId>
              <artifactId>maven-surefire-plugin</artifactId>
              <version>3.5.4</version>
            </plugin>
          </plugins>
        </build>
      </project>
      """;

  static final String YAML =
      """
      jobs:
        test:
          run: |
            echo "cache at $SEAKEEPER_CACHE_URL"
            mvn -B -ntp -Dstyle.color=never test
            ls target/surefire-reports
          timeout: 10m
      pipelines:
        check: [test]
      """;

  /** Serves a directory laid out as a Maven repository, with .sha1 files computed; counts GETs. */
  static final class MavenRepo implements AutoCloseable {
    final HttpServer server;
    final AtomicInteger requests = new AtomicInteger();

    MavenRepo(Path root) throws Exception {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext(
          "/",
          ex -> {
            requests.incrementAndGet();
            try (ex) {
              String path = ex.getRequestURI().getPath();
              boolean sha1 = path.endsWith(".sha1");
              Path f = root.resolve(path.substring(1, path.length() - (sha1 ? 5 : 0))).normalize();
              if (!f.startsWith(root) || !Files.isRegularFile(f) || path.contains("..")) {
                ex.sendResponseHeaders(404, -1);
                return;
              }
              byte[] body = Files.readAllBytes(f);
              if (sha1) {
                body =
                    HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-1").digest(body))
                        .getBytes(StandardCharsets.US_ASCII);
              }
              ex.sendResponseHeaders(200, body.length);
              if (!"HEAD".equals(ex.getRequestMethod())) {
                ex.getResponseBody().write(body);
              }
            } catch (java.security.NoSuchAlgorithmException e) {
              throw new IllegalStateException(e);
            }
          });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  @Test
  void mvn_test_passes_in_check_through_the_cache_then_warm_and_with_the_upstream_down()
      throws Exception {
    Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository");
    Path[] r = repo(tmp);
    Path work = r[1];
    Files.createDirectories(work.resolve("src/main/java/demo"));
    Files.createDirectories(work.resolve("src/test/java/demo"));
    Files.writeString(work.resolve("pom.xml"), POM);
    Files.writeString(
        work.resolve("src/main/java/demo/Greeter.java"),
        "package demo;\npublic class Greeter {\n"
            + "  public static String greet(String n) { return \"hello \" + n; }\n}\n");
    Files.writeString(
        work.resolve("src/test/java/demo/GreeterTest.java"),
        "package demo;\nimport static org.junit.jupiter.api.Assertions.assertEquals;\n"
            + "import org.junit.jupiter.api.Test;\nclass GreeterTest {\n"
            + "  @Test void greets() { assertEquals(\"hello ci\", Greeter.greet(\"ci\")); }\n}\n");
    MavenRepo upstream = new MavenRepo(m2);
    try {
      int port = freePort();
      // where an operator keeps it: a directory other users may read (a test's @TempDir is
      // private), so jobs get the cache's verified Maven files as file: repositories too
      Path deps = Files.createTempDirectory("sk-cache-e2e-");
      Files.setPosixFilePermissions(
          deps, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      cleanUp.add(deps);
      String cfgText =
          config(tmp, r[0], port)
              + "dependency_cache:\n  dir: "
              + deps
              + "\n  upstreams:\n    maven: [\"http://127.0.0.1:"
              + upstream.port()
              + "/\"]\n";
      var cfg =
          ServerConfigParser.parse(cfgText.getBytes(StandardCharsets.UTF_8)).config().orElseThrow();
      try (ServerRuntime rt = ServerRuntime.start(cfg, Clock.systemUTC())) {
        push(work, r[0], "refs/for/main", YAML, "cold", false);
        JsonNode cold = awaitCheck(rt.port(), 1);
        assertThat(cold.get("status").asText()).as(log(rt.port(), cold)).isEqualTo("success");
        assertThat(log(rt.port(), cold))
            .contains("cache at http://127.0.0.1:")
            .contains("Tests run: 1, Failures: 0")
            .contains("TEST-demo.GreeterTest.xml");
        int afterCold = upstream.requests.get();
        assertThat(afterCold).as("the cold build fetched through the cache").isPositive();
        String metrics = get(rt.port(), "/metrics").body();
        assertThat(metrics).contains("seakeeper_dependency_cache_requests_total");

        double coldMisses = mavenRequests(metrics, "miss");
        double hitsBefore = mavenRequests(metrics, "hit");

        push(work, r[0], "refs/for/main", YAML, "warm", true);
        JsonNode warm = awaitCheck(rt.port(), 2);
        assertThat(warm.get("status").asText()).as(log(rt.port(), warm)).isEqualTo("success");
        assertThat(upstream.requests.get())
            .as("a warm build asks the upstream nothing")
            .isEqualTo(afterCold);
        double warmHits = mavenRequests(get(rt.port(), "/metrics").body(), "hit") - hitsBefore;
        System.out.printf(
            "cold build: %.0f Maven misses; warm build: %.0f requests to the cache%n",
            coldMisses, warmHits);
        assertThat(warmHits)
            .as(
                "a warm build reads the cache's verified files from its file: repositories, not"
                    + " one request per file (cold: %.0f misses)",
                coldMisses)
            .isLessThan(coldMisses / 4);

        upstream.close();
        push(work, r[0], "refs/for/main", YAML, "offline", true);
        JsonNode offline = awaitCheck(rt.port(), 3);
        assertThat(offline.get("status").asText()).as(log(rt.port(), offline)).isEqualTo("success");
      }
    } finally {
      upstream.close();
    }
  }

  /** The Maven requests of {@code result} the cache counted, from the Prometheus text. */
  static double mavenRequests(String metrics, String result) {
    return metrics
        .lines()
        .filter(l -> l.startsWith("seakeeper_dependency_cache_requests_total{"))
        .filter(l -> l.contains("ecosystem=\"maven\"") && l.contains("result=\"" + result + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static JsonNode awaitCheck(int port, int n) throws Exception {
    List<JsonNode> builds =
        awaitBuilds(port, b -> b.size() >= n && allEnded(b), Duration.ofMinutes(5));
    return builds.stream()
        .max(java.util.Comparator.comparingLong(b -> b.get("id").asLong()))
        .orElseThrow();
  }

  private static String log(int port, JsonNode build) {
    try {
      return get(port, "/api/v1/builds/" + build.get("id").asText() + "/log").body();
    } catch (Exception e) {
      return "(no log: " + e + ")";
    }
  }
}
