package org.seakeeper.depcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.model.Tier;
import org.seakeeper.testkit.ManualClock;

/**
 * The dependency cache against loopback upstreams the test starts: a Maven repository with a real
 * jar from the local repository, an npm registry with a tarball and packument the test builds, a
 * PyPI simple index with a wheel the test builds on a separate files host, and a canary that must
 * never be reached.
 */
class DependencyCacheTest {
  static final String JAR_PATH = "org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar";
  static final String WHEEL = "demo_pkg-1.0-py3-none-any.whl";

  @TempDir Path dir;
  final List<AutoCloseable> closing = new ArrayList<>();
  final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  final MeterRegistry registry = new SimpleMeterRegistry();
  final HttpClient http = HttpClient.newBuilder().build();

  FakeUpstream emptyMaven;
  FakeUpstream maven;
  FakeUpstream npm;
  FakeUpstream pypi;
  FakeUpstream files;
  FakeUpstream canary;
  byte[] jar;
  byte[] tarball;
  byte[] wheel;
  DependencyCache cache;
  DependencyCache.Listener trusted;

  @BeforeEach
  void upstreams() throws Exception {
    emptyMaven = closeLater(new FakeUpstream());
    maven = closeLater(new FakeUpstream());
    npm = closeLater(new FakeUpstream());
    pypi = closeLater(new FakeUpstream());
    files = closeLater(new FakeUpstream());
    canary = closeLater(new FakeUpstream());
    jar = Files.readAllBytes(Path.of(System.getProperty("user.home"), ".m2/repository", JAR_PATH));
    serveMaven(maven, "/maven2/" + JAR_PATH, jar);
    tarball = random(3000, 1);
    servePackument(npm, "left-pad", "1.0.0", tarball, tarball);
    servePackument(npm, "@acme/util", "2.1.0-beta.1", tarball, tarball);
    npm.file("/@acme/util/-/util-2.1.0-beta.1.tgz", tarball);
    wheel = wheel("demo_pkg", "1.0");
    files.file("/packages/ab/" + WHEEL, wheel);
    pypi.file(
        "/simple/demo-pkg/",
        page("<a href=\"http://127.0.0.1:%d/packages/ab/%s#sha256=%s\" data-requires-python=\"&gt;=3.8\">%s</a>\n"
                    .formatted(files.port(), WHEEL, hex("SHA-256", wheel), WHEEL)
                + "<a href=\"http://127.0.0.1:%d/evil/demo_pkg-0.9.tar.gz#sha256=%s\">demo_pkg-0.9.tar.gz</a>\n"
                    .formatted(canary.port(), hex("SHA-256", wheel)))
            .getBytes(StandardCharsets.UTF_8));
  }

  @AfterEach
  void close() throws Exception {
    if (cache != null) {
      cache.stop();
    }
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
    assertThat(canary.requests()).as("the canary is never reached").isEmpty();
  }

  <T extends AutoCloseable> T closeLater(T c) {
    closing.add(c);
    return c;
  }

  DependencyCacheConfig config() {
    return DependencyCacheConfig.defaults(dir.resolve("deps"))
        .withUpstreams(
            List.of(emptyMaven.base("/repo/"), maven.base("/maven2")),
            Optional.of(npm.base("/")),
            Optional.of(pypi.base("/simple/")),
            List.of(files.base("/")))
        .withLimits(
            Duration.ofMinutes(5),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            Duration.ofSeconds(20),
            10L << 20);
  }

  void start(DependencyCacheConfig config) throws IOException {
    cache = new DependencyCache(config, registry, clock);
    cache.start();
    trusted = cache.listenTcp("127.0.0.1", 0, Tier.TRUSTED, MissBudget.UNLIMITED, "trusted");
  }

  // ---- the behaviour of a read-through cache ----

  @Test
  void maven_miss_then_hit_then_served_with_the_upstream_stopped() throws Exception {
    start(config());
    HttpResponse<byte[]> first = get(trusted, "/maven/" + JAR_PATH);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo(jar);
    assertThat(first.headers().firstValue("Content-Type")).hasValue("application/java-archive");
    assertThat(maven.count("/maven2/" + JAR_PATH)).isEqualTo(1);
    assertThat(maven.count("/maven2/" + JAR_PATH + ".sha1")).isEqualTo(1);
    assertThat(emptyMaven.count("/repo/" + JAR_PATH)).as("upstreams tried in order").isEqualTo(1);

    HttpResponse<byte[]> second = get(trusted, "/maven/" + JAR_PATH);
    assertThat(second.body()).isEqualTo(jar);
    HttpResponse<byte[]> sha1 = get(trusted, "/maven/" + JAR_PATH + ".sha1");
    assertThat(new String(sha1.body(), StandardCharsets.US_ASCII)).isEqualTo(hex("SHA-1", jar));
    HttpResponse<byte[]> head = send(trusted, "HEAD", "/maven/" + JAR_PATH, null);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(jar.length);
    assertThat(maven.requests()).as("a hit makes no upstream request").hasSize(2);

    maven.close();
    emptyMaven.close();
    assertThat(get(trusted, "/maven/" + JAR_PATH).body()).isEqualTo(jar);

    assertThat(count("maven", "miss")).isEqualTo(1);
    assertThat(count("maven", "hit")).isEqualTo(4);
    assertThat(bytes("maven", "upstream")).isEqualTo(jar.length + 40);
    assertThat(bytes("maven", "cache")).isEqualTo(2L * jar.length + 40);

    cache.stop();
    cache = new DependencyCache(config(), registry, clock);
    cache.start();
    trusted = cache.listenTcp("127.0.0.1", 0, Tier.TRUSTED, MissBudget.UNLIMITED, "trusted");
    assertThat(get(trusted, "/maven/" + JAR_PATH).body())
        .as("kept across a restart")
        .isEqualTo(jar);
  }

  @Test
  void npm_packument_links_into_the_cache_and_the_tarball_is_verified() throws Exception {
    start(config());
    HttpResponse<byte[]> packument =
        send(trusted, "GET", "/npm/left-pad", "application/vnd.npm.install-v1+json");
    assertThat(packument.statusCode()).isEqualTo(200);
    String text = new String(packument.body(), StandardCharsets.UTF_8);
    String tarballUrl = trusted.url().orElseThrow() + "npm/left-pad/-/left-pad-1.0.0.tgz";
    assertThat(text).contains("\"tarball\":\"" + tarballUrl + "\"").doesNotContain("evil");
    assertThat(packument.headers().firstValue("Vary")).hasValue("Accept");
    HttpResponse<byte[]> tgz = get(trusted, "/npm/left-pad/-/left-pad-1.0.0.tgz");
    assertThat(tgz.statusCode()).isEqualTo(200);
    assertThat(tgz.body()).isEqualTo(tarball);
    assertThat(npm.count("/left-pad/-/left-pad-1.0.0.tgz")).isEqualTo(1);
    assertThat(npm.count("/left-pad")).as("the abbreviated packument was reused").isEqualTo(1);
    assertThat(get(trusted, "/npm/left-pad/-/left-pad-1.0.0.tgz").body()).isEqualTo(tarball);
    assertThat(npm.count("/left-pad/-/left-pad-1.0.0.tgz")).isEqualTo(1);

    // A scoped package, as npm asks for it (@scope%2fname) and plainly.
    assertThat(get(trusted, "/npm/@acme%2futil").statusCode()).isEqualTo(200);
    assertThat(get(trusted, "/npm/@acme/util").statusCode()).isEqualTo(200);
    assertThat(get(trusted, "/npm/@acme/util/-/util-2.1.0-beta.1.tgz").body()).isEqualTo(tarball);
    assertThat(npm.count("/@acme%2futil")).isEqualTo(2);
    assertThat(get(trusted, "/npm/left-pad/-/left-pad-9.9.9.tgz").statusCode()).isEqualTo(404);
  }

  @Test
  void pypi_page_links_into_the_cache_and_the_file_is_verified() throws Exception {
    start(config());
    HttpResponse<byte[]> page = get(trusted, "/pypi/simple/Demo_Pkg/");
    assertThat(page.statusCode()).isEqualTo(200);
    String html = new String(page.body(), StandardCharsets.UTF_8);
    assertThat(html)
        .contains(
            "href=\"/pypi/files/demo-pkg/" + WHEEL + "#sha256=" + hex("SHA-256", wheel) + "\"")
        .contains("data-requires-python=\"&gt;=3.8\"")
        .doesNotContain("127.0.0.1")
        .doesNotContain("0.9.tar.gz");
    HttpResponse<byte[]> json =
        send(
            trusted,
            "GET",
            "/pypi/simple/demo-pkg/",
            "application/vnd.pypi.simple.v1+json, text/html;q=0.01");
    assertThat(json.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.pypi.simple.v1+json");
    assertThat(new String(json.body(), StandardCharsets.UTF_8))
        .contains("\"url\":\"/pypi/files/demo-pkg/" + WHEEL + "\"");
    HttpResponse<byte[]> file = get(trusted, "/pypi/files/demo-pkg/" + WHEEL);
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.body()).isEqualTo(wheel);
    assertThat(pypi.count("/simple/demo-pkg/")).isEqualTo(1);
    assertThat(files.count("/packages/ab/" + WHEEL)).isEqualTo(1);
    assertThat(get(trusted, "/pypi/files/demo-pkg/demo_pkg-0.9.tar.gz").statusCode())
        .as("a link to a host that is not allowed is never followed")
        .isEqualTo(404);
    assertThat(pypi.count("/simple/demo-pkg/"))
        .as("a file the page does not list refreshes the page once")
        .isEqualTo(2);
    assertThat(get(trusted, "/pypi/files/demo-pkg/demo_pkg-0.9.tar.gz").statusCode())
        .isEqualTo(404);
    assertThat(pypi.count("/simple/demo-pkg/")).as("not found is remembered").isEqualTo(2);
  }

  @Test
  void a_digest_mismatch_is_never_served_nor_cached() throws Exception {
    byte[] other = random(3000, 2);
    servePackument(npm, "bad", "1.0.0", tarball, other);
    serveMaven(maven, "/maven2/org/acme/bad/1.0/bad-1.0.jar", jar);
    maven.file("/maven2/org/acme/bad/1.0/bad-1.0.jar.sha1", hex("SHA-1", other).getBytes());
    start(config());
    for (int i = 0; i < 2; i++) {
      assertThat(get(trusted, "/npm/bad/-/bad-1.0.0.tgz").statusCode()).isEqualTo(502);
      assertThat(get(trusted, "/maven/org/acme/bad/1.0/bad-1.0.jar").statusCode()).isEqualTo(502);
    }
    assertThat(npm.count("/bad/-/bad-1.0.0.tgz")).as("nothing was cached").isEqualTo(2);
    assertThat(maven.count("/maven2/org/acme/bad/1.0/bad-1.0.jar")).isEqualTo(2);
    assertThat(
            registry
                .get("seakeeper.dependency.cache.checksum.failures")
                .tag("ecosystem", "npm")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(count("maven", "error")).isEqualTo(2);
    try (var walk = Files.walk(dir.resolve("deps"))) {
      assertThat(walk.filter(Files::isRegularFile).map(Path::toString))
          .noneMatch(p -> p.contains("bad-1.0"));
    }
  }

  @Test
  void fifty_parallel_requests_make_one_upstream_fetch() throws Exception {
    byte[] big = random(2 << 20, 3);
    CountDownLatch release = new CountDownLatch(1);
    String path = "/maven2/org/acme/big/1.0/big-1.0.jar";
    maven.route(
        path,
        ex -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          FakeUpstream.send(ex, 200, big);
        });
    maven.file(path + ".sha1", hex("SHA-1", big).getBytes());
    start(config());
    List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 50; i++) {
        answers.add(pool.submit(() -> get(trusted, "/maven/org/acme/big/1.0/big-1.0.jar")));
      }
      Thread.sleep(500);
      release.countDown();
      for (Future<HttpResponse<byte[]>> a : answers) {
        HttpResponse<byte[]> r = a.get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(big);
      }
    }
    assertThat(maven.count(path)).isEqualTo(1);
  }

  @Test
  void a_download_cut_mid_body_is_never_served_short_nor_cached() throws Exception {
    byte[] body = random(200_000, 4);
    String path = "/maven2/org/acme/cut/1.0/cut-1.0.jar";
    boolean[] cut = {true};
    maven.route(
        path,
        ex -> {
          ex.sendResponseHeaders(200, body.length);
          OutputStream out = ex.getResponseBody();
          out.write(body, 0, cut[0] ? body.length / 2 : body.length);
          out.flush();
          if (cut[0]) {
            ex.getHttpContext().getServer();
            // closing an exchange short of its Content-Length drops the connection
          }
        });
    maven.file(path + ".sha1", hex("SHA-1", body).getBytes());
    start(config());
    HttpResponse<byte[]> short1 = get(trusted, "/maven/org/acme/cut/1.0/cut-1.0.jar");
    assertThat(short1.statusCode()).isEqualTo(502);
    cut[0] = false;
    HttpResponse<byte[]> whole = get(trusted, "/maven/org/acme/cut/1.0/cut-1.0.jar");
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(body);
    assertThat(maven.count(path)).as("the cut download was not kept").isEqualTo(2);
  }

  @Test
  void new_versions_are_visible_after_the_metadata_ttl_and_stale_copies_cover_outages()
      throws Exception {
    String path = "/maven2/org/acme/lib/maven-metadata.xml";
    byte[] v1 = "<metadata><version>1.0</version></metadata>".getBytes();
    byte[] v2 = "<metadata><version>2.0</version></metadata>".getBytes();
    maven.file(path, v1).file(path + ".sha1", hex("SHA-1", v1).getBytes());
    start(config());
    assertThat(get(trusted, "/maven/org/acme/lib/maven-metadata.xml").body()).isEqualTo(v1);
    maven.file(path, v2).file(path + ".sha1", hex("SHA-1", v2).getBytes());
    clock.advance(Duration.ofMinutes(4));
    assertThat(get(trusted, "/maven/org/acme/lib/maven-metadata.xml").body()).isEqualTo(v1);
    assertThat(maven.count(path)).isEqualTo(1);
    clock.advance(Duration.ofMinutes(2));
    assertThat(get(trusted, "/maven/org/acme/lib/maven-metadata.xml").body()).isEqualTo(v2);
    assertThat(get(trusted, "/maven/org/acme/lib/maven-metadata.xml.sha1").body())
        .isEqualTo(hex("SHA-1", v2).getBytes());
    assertThat(maven.count(path)).isEqualTo(2);

    maven.close();
    emptyMaven.close();
    clock.advance(Duration.ofMinutes(10));
    assertThat(get(trusted, "/maven/org/acme/lib/maven-metadata.xml").body())
        .as("upstream down: the stale copy")
        .isEqualTo(v2);
    HttpResponse<byte[]> missing = get(trusted, "/maven/org/acme/other/1.0/other-1.0.jar");
    assertThat(missing.statusCode()).isEqualTo(502);
    assertThat(new String(missing.body(), StandardCharsets.UTF_8)).contains("upstream");
  }

  @Test
  void metric_names_are_the_contract_s() throws Exception {
    var prometheus =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    new DependencyCache(config(), prometheus, clock);
    assertThat(prometheus.scrape())
        .contains("seakeeper_dependency_cache_requests_total{ecosystem=\"maven\",result=\"hit\"}")
        .contains(
            "seakeeper_dependency_cache_requests_total{ecosystem=\"pypi\",result=\"refused\"}")
        .contains("seakeeper_dependency_cache_bytes_total{ecosystem=\"npm\",source=\"upstream\"}")
        .contains("seakeeper_dependency_cache_bytes_total{ecosystem=\"npm\",source=\"cache\"}");
  }

  @Test
  void pep_658_metadata_is_served_and_verified() throws Exception {
    byte[] metadata = "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n".getBytes();
    files.file("/packages/ab/" + WHEEL + ".metadata", metadata);
    pypi.file(
        "/simple/demo-pkg/",
        page("<a href=\"http://127.0.0.1:%d/packages/ab/%s#sha256=%s\" data-dist-info-metadata=\"sha256=%s\">%s</a>\n"
                .formatted(
                    files.port(), WHEEL, hex("SHA-256", wheel), hex("SHA-256", metadata), WHEEL))
            .getBytes(StandardCharsets.UTF_8));
    start(config());
    assertThat(new String(get(trusted, "/pypi/simple/demo-pkg/").body(), StandardCharsets.UTF_8))
        .contains("data-core-metadata=\"sha256=" + hex("SHA-256", metadata) + "\"");
    assertThat(get(trusted, "/pypi/files/demo-pkg/" + WHEEL + ".metadata").body())
        .isEqualTo(metadata);
  }

  // ---- the attack surface ----

  @Test
  void refuses_proxying_path_tricks_and_writes_without_reaching_any_upstream() throws Exception {
    start(config());
    int port = trusted.port();
    int canaryPort = canary.port();
    String c = "127.0.0.1:" + canaryPort;
    List<String> attacks =
        List.of(
            "GET http://" + c + "/maven/" + JAR_PATH + " HTTP/1.1\r\nHost: " + c,
            "GET http://" + c + "/x HTTP/1.1\r\nHost: 127.0.0.1:" + port,
            "CONNECT " + c + " HTTP/1.1\r\nHost: " + c,
            "GET /maven/org/../../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /maven/org/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /maven/org/slf4j%2f..%2f..%2fx/1/x-1.jar HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /maven/org/slf4j/slf4j-api/2.0.17/%252e%252e HTTP/1.1\r\nHost: 127.0.0.1",
            "GET //" + c + "/x HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /npm/@" + c + "/x HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /npm/@acme%2f..%2f..%2fx HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /maven/org\\slf4j/x/1/x-1.jar HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /maven/" + JAR_PATH + ";x=1 HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /pypi/simple/../../x HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /maven/org/acme/lib/1.0-SNAPSHOT/lib-1.0-SNAPSHOT.jar HTTP/1.1\r\nHost: 127.0.0.1",
            "POST /maven/"
                + JAR_PATH
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc",
            "PUT /npm/left-pad HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}",
            "DELETE /npm/left-pad HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /x HTTP/1.1\r\nHost: 127.0.0.1");
    for (String attack : attacks) {
      String status = rawStatus(port, attack);
      assertThat(status).as(attack).matches("HTTP/1\\.1 4\\d\\d .*");
    }
    double refused = 0;
    for (String e : List.of("maven", "npm", "pypi", "none")) {
      refused += count(e, "refused");
    }
    assertThat(refused).isEqualTo(attacks.size());
    assertThat(maven.requests()).isEmpty();
    assertThat(npm.requests()).isEmpty();
    assertThat(pypi.requests()).isEmpty();
    // The positive control: the same socket serves a real request.
    assertThat(rawStatus(port, "GET /maven/" + JAR_PATH + " HTTP/1.1\r\nHost: 127.0.0.1:" + port))
        .startsWith("HTTP/1.1 200");
  }

  @Test
  void a_redirect_to_another_host_is_not_followed() throws Exception {
    String path = "/maven2/org/acme/moved/1.0/moved-1.0.jar";
    maven.route(
        path,
        ex -> {
          ex.getResponseHeaders().add("Location", canary.base("/steal").toString());
          ex.sendResponseHeaders(302, -1);
        });
    String same = "/maven2/org/acme/same/1.0/same-1.0.jar";
    maven.route(
        same,
        ex -> {
          ex.getResponseHeaders().add("Location", "/maven2/org/acme/real/1.0/real-1.0.jar");
          ex.sendResponseHeaders(301, -1);
        });
    serveMaven(maven, "/maven2/org/acme/real/1.0/real-1.0.jar", jar);
    maven.file(same + ".sha1", hex("SHA-1", jar).getBytes());
    start(config());
    assertThat(get(trusted, "/maven/org/acme/moved/1.0/moved-1.0.jar").statusCode()).isEqualTo(502);
    assertThat(count("maven", "error")).isEqualTo(1);
    assertThat(get(trusted, "/maven/org/acme/same/1.0/same-1.0.jar").body())
        .as("a redirect within the upstream is followed")
        .isEqualTo(jar);
  }

  @Test
  void untrusted_misses_cannot_evict_below_the_trusted_floor() throws Exception {
    for (String n : List.of("a", "b", "c", "d", "e")) {
      serveMaven(
          maven,
          "/maven2/org/acme/" + n + "/1.0/" + n + "-1.0.jar",
          random(1000 - 40, n.hashCode()));
    }
    // Each file is 1000 bytes with its .sha1: room for 4, 2 of them kept for trusted builds.
    start(config().withSizes(4000, 2000));
    DependencyCache.Listener untrusted =
        cache.listenTcp("127.0.0.1", 0, Tier.UNTRUSTED, MissBudget.UNLIMITED, "job");
    assertThat(get(trusted, jarPath("a")).statusCode()).isEqualTo(200);
    assertThat(get(trusted, jarPath("b")).statusCode()).isEqualTo(200);
    assertThat(get(untrusted, jarPath("c")).statusCode()).isEqualTo(200);
    assertThat(get(untrusted, jarPath("d")).statusCode()).isEqualTo(200);
    assertThat(get(untrusted, jarPath("e")).statusCode()).isEqualTo(200);
    // a and b (trusted, least recently used) survived; c went for e.
    assertThat(get(trusted, jarPath("a")).statusCode()).isEqualTo(200);
    assertThat(get(trusted, jarPath("b")).statusCode()).isEqualTo(200);
    assertThat(maven.count("/maven2" + jarPath("a").substring(6))).isEqualTo(1);
    assertThat(maven.count("/maven2" + jarPath("b").substring(6))).isEqualTo(1);
    assertThat(get(untrusted, jarPath("c")).statusCode()).isEqualTo(200);
    assertThat(maven.count("/maven2" + jarPath("c").substring(6))).isEqualTo(2);
    // A trusted miss may evict anything: the least recently used go first.
    assertThat(get(trusted, jarPath("d")).statusCode()).isEqualTo(200);
    try (var walk = Files.walk(dir.resolve("deps"))) {
      long total =
          walk.filter(Files::isRegularFile)
              .mapToLong(
                  p -> {
                    try {
                      return Files.size(p);
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .sum();
      assertThat(total).isLessThanOrEqualTo(4000);
    }
  }

  @Test
  void an_untrusted_job_has_a_miss_budget_and_hits_stay_free() throws Exception {
    start(config());
    assertThat(get(trusted, "/npm/left-pad").statusCode()).isEqualTo(200);
    DependencyCache.Listener job =
        cache.openJob(
            "build-7", Tier.UNTRUSTED, dir.resolve("job.sock"), new MissBudget(2, 1L << 20));
    assertThat(unixGet(dir.resolve("job.sock"), "/maven/" + JAR_PATH)).startsWith("HTTP/1.1 200");
    assertThat(unixGet(dir.resolve("job.sock"), "/pypi/simple/demo-pkg/"))
        .startsWith("HTTP/1.1 200");
    assertThat(unixGet(dir.resolve("job.sock"), "/npm/@acme/util")).startsWith("HTTP/1.1 429");
    assertThat(unixGet(dir.resolve("job.sock"), "/npm/left-pad")).startsWith("HTTP/1.1 200");
    assertThat(unixGet(dir.resolve("job.sock"), "/maven/" + JAR_PATH)).startsWith("HTTP/1.1 200");
    assertThat(job.usage().misses()).isEqualTo(2);
    assertThat(job.usage().refused()).isEqualTo(1);
    assertThat(count("npm", "refused")).isEqualTo(1);
    job.close();
    assertThat(dir.resolve("job.sock")).doesNotExist();
  }

  @Test
  void served_over_a_unix_socket_to_a_socket_channel_and_to_curl() throws Exception {
    start(config());
    Path socket = dir.resolve("cache.sock");
    cache.listenUnix(socket, Tier.TRUSTED, MissBudget.UNLIMITED, "trusted-socket");
    String response = unixGet(socket, "/maven/" + JAR_PATH);
    assertThat(response).startsWith("HTTP/1.1 200");
    assertThat(response).contains("Content-Length: " + jar.length);
    Path curl = Path.of("/usr/bin/curl");
    if (Files.isExecutable(curl)) {
      Path out = dir.resolve("curl.jar");
      Process p =
          new ProcessBuilder(
                  curl.toString(),
                  "-sS",
                  "-o",
                  out.toString(),
                  "-w",
                  "%{http_code}",
                  "--unix-socket",
                  socket.toString(),
                  "http://localhost/maven/" + JAR_PATH)
              .redirectErrorStream(true)
              .start();
      String code = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(code).isEqualTo("200");
      assertThat(Files.readAllBytes(out)).isEqualTo(jar);
    }
  }

  // ---- helpers ----

  static String jarPath(String n) {
    return "/maven/org/acme/" + n + "/1.0/" + n + "-1.0.jar";
  }

  HttpResponse<byte[]> get(DependencyCache.Listener listener, String path) throws Exception {
    return send(listener, "GET", path, null);
  }

  HttpResponse<byte[]> send(
      DependencyCache.Listener listener, String method, String path, String accept)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(30));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static String rawStatus(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      String full = request.contains("\r\n\r\n") ? request : request + "\r\n\r\n";
      full = full.replaceFirst("\r\n", "\r\nConnection: close\r\n");
      s.getOutputStream().write(full.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        line.write(c);
      }
      return line.toString(StandardCharsets.ISO_8859_1).strip();
    }
  }

  static String unixGet(Path socket, String path) throws IOException {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ch.write(
          ByteBuffer.wrap(
              ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1)));
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      while (ch.read(buffer) >= 0) {
        all.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      return all.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * A metric's value once it settles: the cache counts a request when its response is complete,
   * which a client may see a moment before.
   */
  static double settled(java.util.function.DoubleSupplier read) {
    double last = read.getAsDouble();
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < until) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      double now = read.getAsDouble();
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }

  double count(String ecosystem, String result) {
    return settled(() -> countNow(ecosystem, result));
  }

  double countNow(String ecosystem, String result) {
    var c =
        registry
            .find("seakeeper.dependency.cache.requests")
            .tag("ecosystem", ecosystem)
            .tag("result", result)
            .counter();
    return c == null ? 0 : c.count();
  }

  double bytes(String ecosystem, String source) {
    return settled(() -> bytesNow(ecosystem, source));
  }

  double bytesNow(String ecosystem, String source) {
    return registry
        .get("seakeeper.dependency.cache.bytes")
        .tag("ecosystem", ecosystem)
        .tag("source", source)
        .counter()
        .count();
  }

  static void serveMaven(FakeUpstream upstream, String path, byte[] body) {
    upstream.file(path, body).file(path + ".sha1", hex("SHA-1", body).getBytes());
  }

  /**
   * A packument with one version whose tarball is {@code served}, published as {@code digestOf}.
   */
  static void servePackument(
      FakeUpstream npm, String name, String version, byte[] served, byte[] digestOf) {
    String unscoped = name.substring(name.indexOf('/') + 1);
    String tarballPath = "/" + name + "/-/" + unscoped + "-" + version + ".tgz";
    String integrity = "sha512-" + Base64.getEncoder().encodeToString(digest("SHA-512", digestOf));
    String json =
        """
        {"name":"%s","dist-tags":{"latest":"%s"},"versions":{"%s":{"name":"%s","version":"%s",
         "dist":{"tarball":"http://evil.example/%s","integrity":"%s","shasum":"%s"}}}}
        """
            .formatted(
                name, version, version, name, version, unscoped, integrity, hex("SHA-1", digestOf));
    npm.file("/" + name.replace("/", "%2f"), json.getBytes(StandardCharsets.UTF_8));
    npm.file(tarballPath, served);
  }

  static String page(String anchors) {
    return "<!DOCTYPE html><html><body><h1>Links</h1>\n" + anchors + "</body></html>\n";
  }

  /** A minimal wheel: a module, METADATA, WHEEL and RECORD. */
  static byte[] wheel(String module, String version) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String info = module + "-" + version + ".dist-info/";
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry(module + "/__init__.py"));
      zip.write("VALUE = 42\n".getBytes());
      zip.putNextEntry(new ZipEntry(info + "METADATA"));
      zip.write(
          ("Metadata-Version: 2.1\nName: "
                  + module.replace('_', '-')
                  + "\nVersion: "
                  + version
                  + "\n")
              .getBytes());
      zip.putNextEntry(new ZipEntry(info + "WHEEL"));
      zip.write(
          "Wheel-Version: 1.0\nGenerator: seakeeper-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
              .getBytes());
      zip.putNextEntry(new ZipEntry(info + "RECORD"));
      zip.write(
          (module
                  + "/__init__.py,,\n"
                  + info
                  + "METADATA,,\n"
                  + info
                  + "WHEEL,,\n"
                  + info
                  + "RECORD,,\n")
              .getBytes());
      zip.closeEntry();
    }
    return bytes.toByteArray();
  }

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(String algorithm, byte[] data) {
    return HexFormat.of().formatHex(digest(algorithm, data));
  }
}
