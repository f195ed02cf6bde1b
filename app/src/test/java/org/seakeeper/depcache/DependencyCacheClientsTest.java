package org.seakeeper.depcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.model.Tier;

/**
 * Real clients against the cache, the cache against loopback upstreams: {@code pip download} and
 * {@code npm install} with nothing but the cache's URL, then again with the upstreams stopped.
 * Skipped where pip or npm is not installed.
 */
@Tag("slow")
class DependencyCacheClientsTest {
  @TempDir Path dir;

  @Test
  void pip_downloads_through_the_cache_and_again_with_the_upstream_stopped() throws Exception {
    assumeTrue(works("python3", "-m", "pip", "--version"), "pip is not installed");
    byte[] wheel = DependencyCacheTest.wheel("demo_pkg", "1.0");
    try (FakeUpstream index = new FakeUpstream();
        FakeUpstream files = new FakeUpstream()) {
      String name = DependencyCacheTest.WHEEL;
      files.file("/packages/" + name, wheel);
      index.file(
          "/simple/demo-pkg/",
          DependencyCacheTest.page(
                  "<a href=\"http://127.0.0.1:%d/packages/%s#sha256=%s\">%s</a>\n"
                      .formatted(
                          files.port(), name, DependencyCacheTest.hex("SHA-256", wheel), name))
              .getBytes(StandardCharsets.UTF_8));
      DependencyCacheConfig config =
          DependencyCacheConfig.defaults(dir.resolve("deps"))
              .withUpstreams(
                  List.of(),
                  Optional.empty(),
                  Optional.of(index.base("/simple/")),
                  List.of(files.base("/")));
      try (DependencyCache cache = new DependencyCache(config, new SimpleMeterRegistry())) {
        cache.start();
        var listener =
            cache.listenTcp(
                "127.0.0.1", 0, Tier.UNTRUSTED, MissBudget.DEFAULT_UNTRUSTED_JOB, "pip-job");
        String url = listener.url().orElseThrow() + "pypi/simple/";
        for (String round : List.of("cold", "warm")) {
          Path out = dir.resolve(round);
          String log =
              run(
                  dir,
                  "python3",
                  "-m",
                  "pip",
                  "download",
                  "--no-cache-dir",
                  "--disable-pip-version-check",
                  "--no-deps",
                  "--index-url",
                  url,
                  "-d",
                  out.toString(),
                  "demo-pkg");
          assertThat(out.resolve(name)).as(log).exists();
          assertThat(Files.readAllBytes(out.resolve(name))).isEqualTo(wheel);
          index.close();
          files.close();
        }
        assertThat(listener.usage().misses()).isEqualTo(2);
      }
    }
  }

  @Test
  void npm_installs_through_the_cache_and_again_with_the_upstream_stopped() throws Exception {
    assumeTrue(works("npm", "--version"), "npm is not installed");
    byte[] tgz =
        tarGz(
            Map.of(
                "package/package.json",
                "{\"name\":\"left-pad\",\"version\":\"1.0.0\",\"main\":\"index.js\"}",
                "package/index.js",
                "module.exports = (s, n) => String(s).padStart(n);\n"));
    try (FakeUpstream npm = new FakeUpstream()) {
      DependencyCacheTest.servePackument(npm, "left-pad", "1.0.0", tgz, tgz);
      DependencyCacheConfig config =
          DependencyCacheConfig.defaults(dir.resolve("deps"))
              .withUpstreams(List.of(), Optional.of(npm.base("/")), Optional.empty(), List.of());
      try (DependencyCache cache = new DependencyCache(config, new SimpleMeterRegistry())) {
        cache.start();
        var listener =
            cache.listenTcp(
                "127.0.0.1", 0, Tier.UNTRUSTED, MissBudget.DEFAULT_UNTRUSTED_JOB, "npm-job");
        String registry = listener.url().orElseThrow() + "npm/";
        for (String round : List.of("cold", "warm")) {
          Path project = Files.createDirectories(dir.resolve(round));
          Files.writeString(
              project.resolve("package.json"), "{\"name\":\"demo\",\"version\":\"0.0.0\"}");
          String log =
              run(
                  project,
                  "npm",
                  "install",
                  "--no-audit",
                  "--no-fund",
                  "--no-update-notifier",
                  "--registry",
                  registry,
                  "--cache",
                  dir.resolve("npm-cache-" + round).toString(),
                  "left-pad@1.0.0");
          assertThat(project.resolve("node_modules/left-pad/index.js")).as(log).exists();
          npm.close();
        }
        assertThat(npm.requests())
            .as("every upstream request came from the cold round's misses")
            .hasSize((int) listener.usage().misses())
            .contains("GET /left-pad/-/left-pad-1.0.0.tgz");
      }
    }
  }

  private static boolean works(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String run(Path cwd, String... command) throws Exception {
    ProcessBuilder b =
        new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
    for (String proxy :
        List.of("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "PIP_INDEX_URL")) {
      b.environment().remove(proxy);
    }
    b.environment().put("NO_PROXY", "127.0.0.1,localhost");
    b.environment().put("HOME", cwd.toString());
    Process p = b.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  /** A gzipped ustar archive of the given text files. */
  static byte[] tarGz(Map<String, String> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      for (var e : new java.util.TreeMap<>(entries).entrySet()) {
        byte[] data = e.getValue().getBytes(StandardCharsets.UTF_8);
        byte[] header = new byte[512];
        put(header, 0, e.getKey());
        put(header, 100, "0000644");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", data.length));
        put(header, 136, String.format("%011o", 1_700_000_000L));
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        header[156] = '0';
        put(header, 257, "ustar");
        put(header, 263, "00");
        int sum = 0;
        for (byte h : header) {
          sum += h & 0xff;
        }
        put(header, 148, String.format("%06o", sum));
        header[154] = 0;
        header[155] = ' ';
        gz.write(header);
        gz.write(data);
        gz.write(new byte[(512 - data.length % 512) % 512]);
      }
      gz.write(new byte[1024]);
    }
    return bytes.toByteArray();
  }

  private static void put(byte[] header, int offset, String value) {
    byte[] v = value.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(v, 0, header, offset, v.length);
  }
}
