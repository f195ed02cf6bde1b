import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Download throughput of a large artifact over the real route (bench/artifact-store.sh): a real
 * server ({@link BenchServer}, the launcher's JVM flags) keeps a SIZE_MIB artifact that a post job
 * made ({@code head -c ... /dev/urandom}), then each round, interleaved and in rotating order:
 * {@code GET /api/v1/artifacts/{sha256}} with curl to /dev/null and with the JDK's HttpClient
 * (bytes counted), beside {@code cat BLOB > /dev/null} and {@code Files.copy(BLOB, null stream)} of
 * the very file the server streams. One untimed warm-up download checks the SHA-256. Usage: java
 * -Dbench.root=. -cp seakeeper.jar bench/java/ArtifactDownload.java DIR SIZE_MIB ROUNDS OUT.json
 */
public class ArtifactDownload {
  public static void main(String[] a) throws Exception {
    Path dir = Path.of(a[0]).resolve("download");
    long mib = Long.parseLong(a[1]);
    int rounds = Integer.parseInt(a[2]);
    Path out = Path.of(a[3]);
    long size = mib << 20;
    Path work = BenchServer.newRepo(dir);
    Files.writeString(work.resolve("README"), "artifact download bench\n");
    BenchServer.git(work, "add", "-A");
    BenchServer.git(work, "commit", "-q", "-m", "init");
    BenchServer.git(work, "push", "-q", "origin", "HEAD:main"); // before the server: not built
    int port = BenchServer.freePort();
    Path cfg = dir.resolve("server.yaml");
    Files.writeString(cfg, BenchServer.serverConfig(dir, port, 1, null));
    try (BenchServer s =
        BenchServer.start(dir, port, List.of("server", "--config", cfg.toString()))) {
      Files.writeString(
          work.resolve(".seakeeper.yaml"),
          "jobs:\n  big:\n    timeout: 10m\n    artifacts: [big.bin]\n    run: head -c "
              + size
              + " /dev/urandom > big.bin\npipelines:\n  post: [big]\n");
      BenchServer.git(work, "add", "-A");
      BenchServer.git(work, "commit", "-q", "-m", "big artifact");
      BenchServer.git(work, "push", "-q", "origin", "HEAD:main");
      JsonNode build = awaitBuild(s);
      JsonNode art = s.json("/api/v1/builds/" + build.get("id").asText() + "/artifacts");
      String sha = art.get("artifacts").get(0).get("sha256").asText();
      if (art.get("artifacts").get(0).get("size").asLong() != size) {
        throw new IllegalStateException("artifact size " + art);
      }
      Path blob;
      try (Stream<Path> f = Files.find(dir.resolve("data"), 8, (p, x) -> p.endsWith(sha))) {
        blob = f.filter(Files::isRegularFile).findFirst().orElseThrow();
      }
      String url = "http://127.0.0.1:" + port + "/api/v1/artifacts/" + sha;
      System.out.printf(
          "download: build %s kept %d MiB as %s (%s)%n", build.get("id"), mib, sha, blob);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      // Warm-up (untimed): the whole body, hashed, must be the artifact.
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      long got = javaGet(http, url, md);
      if (got != size || !HexFormat.of().formatHex(md.digest()).equals(sha)) {
        throw new IllegalStateException("the download is not the artifact (" + got + " bytes)");
      }
      Map<String, Runnable> variants = new LinkedHashMap<>();
      String curl = "GET over HTTP, curl -o /dev/null";
      String java = "GET over HTTP, JDK HttpClient";
      String cat = "cat BLOB > /dev/null";
      String copy = "Files.copy(BLOB, null stream)";
      variants.put(curl, () -> check(curlGet(url), size, curl));
      variants.put(java, () -> check(uncheckedJavaGet(http, url), size, java));
      variants.put(cat, () -> sh("cat " + blob + " > /dev/null"));
      variants.put(
          copy,
          () -> {
            try (OutputStream o = OutputStream.nullOutputStream()) {
              check(Files.copy(blob, o), size, copy);
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      Map<String, List<Double>> t = new LinkedHashMap<>();
      List<String> order = new ArrayList<>(variants.keySet());
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < order.size(); i++) {
          String k = order.get((i + round) % order.size());
          long s0 = System.nanoTime();
          variants.get(k).run();
          t.computeIfAbsent(k, x -> new ArrayList<>()).add((System.nanoTime() - s0) / 1e9);
        }
      }
      StringBuilder json = new StringBuilder("{\"size_mib\": " + mib + ", \"rounds\": " + rounds);
      System.out.printf("%-38s %10s %10s%n", "download (" + mib + " MiB)", "median s", "MB/s");
      Map<String, Double> med = new LinkedHashMap<>();
      for (String k : variants.keySet()) {
        List<Double> v = new ArrayList<>(t.get(k));
        v.sort(null);
        double m = v.get(v.size() / 2);
        med.put(k, m);
        System.out.printf("%-38s %10.2f %10.0f%n", k, m, size / 1e6 / m);
        json.append(", \"").append(k).append("\": ").append(v);
      }
      double curlRatio = med.get(curl) / med.get(cat);
      double javaRatio = med.get(java) / med.get(copy);
      System.out.printf("download ratio curl over HTTP / cat = %.2f (time)%n", curlRatio);
      System.out.printf(
          "download ratio HttpClient over HTTP / Files.copy = %.2f (time)%n", javaRatio);
      json.append(", \"curl_over_cat\": ")
          .append(curlRatio)
          .append(", \"httpclient_over_files_copy\": ")
          .append(javaRatio)
          .append("}\n");
      Files.writeString(out, json);
    } finally {
      BenchServer.deleteTree(dir);
    }
  }

  static JsonNode awaitBuild(BenchServer s) throws Exception {
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < end) {
      for (JsonNode b : s.allBuilds()) {
        if (b.get("job").asText().equals("big")) {
          String st = b.get("status").asText();
          if (st.equals("success")) {
            return b;
          }
          if (!st.equals("queued") && !st.equals("running")) {
            throw new IllegalStateException(
                "the job making the artifact ended "
                    + st
                    + ":\n"
                    + s.get("/api/v1/builds/" + b.get("id").asText() + "/log"));
          }
        }
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the job making the artifact did not finish in 10 min");
  }

  static long javaGet(HttpClient http, String url, MessageDigest md) throws Exception {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + url + ": HTTP " + r.statusCode());
    }
    long total = 0;
    try (InputStream in = r.body()) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (md != null) {
          md.update(buf, 0, n);
        }
      }
    }
    return total;
  }

  static long uncheckedJavaGet(HttpClient http, String url) {
    try {
      return javaGet(http, url, null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static long curlGet(String url) {
    String o = sh("curl -sS -o /dev/null -w '%{http_code} %{size_download}' " + url);
    String[] f = o.strip().split(" ");
    if (!f[0].equals("200")) {
      throw new IllegalStateException("curl: HTTP " + o);
    }
    return Long.parseLong(f[1]);
  }

  static void check(long got, long size, String what) {
    if (got != size) {
      throw new IllegalStateException(what + ": " + got + " bytes, not " + size);
    }
  }

  static String sh(String cmd) {
    try {
      Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
      String o = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IllegalStateException(cmd + ": " + o);
      }
      return o;
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
