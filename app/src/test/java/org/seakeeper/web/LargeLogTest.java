package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.store.LogStore;
import org.seakeeper.store.FileLogStore;

/**
 * A 50 MiB log read by several clients at once through the real web server and a {@link
 * FileLogStore} (issue 11: whole-log reads per request ran the heap out). Every answer is 200 (or
 * 206) with the right bytes, each client reading through a small buffer of its own. The whole test
 * JVM (server and clients) passes with {@code -DargLine=-Xmx48m}.
 */
@Tag("slow")
class LargeLogTest {
  static final int LINES = 50 * 1024;
  static final String LINE = "x".repeat(1023); // 1 KiB with its newline

  @TempDir Path dataDir;
  private FileLogStore logs;
  private WebFixture web;
  private Build build;
  private String sha256;
  private long size;

  @BeforeEach
  void bigLog() {
    logs = new FileLogStore(dataDir);
    web = new WebFixture(logs);
    build = web.insert();
    LogStore.Writer w = logs.open(build.id());
    for (int i = 0; i < LINES; i++) {
      w.line(i % 1024 == 0 ? String.format("%08d", i) + LINE.substring(8) : LINE);
    }
    sha256 = w.seal();
    size = logs.size(build.id()).orElseThrow();
    assertThat(size).isEqualTo(50L << 20);
  }

  @AfterEach
  void stop() {
    web.close();
  }

  /** Status, length and SHA-256 of a response read through an 8 KiB buffer. */
  private String fetch(String path, String... headers) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(web.url(path))).timeout(Duration.ofSeconds(60));
    if (headers.length > 0) {
      r.headers(headers);
    }
    HttpResponse<InputStream> res =
        web.http.send(r.build(), HttpResponse.BodyHandlers.ofInputStream());
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    long n = 0;
    try (InputStream in = res.body()) {
      byte[] buf = new byte[8192];
      for (int k = in.read(buf); k >= 0; k = in.read(buf)) {
        d.update(buf, 0, k);
        n += k;
      }
    }
    return res.statusCode() + " " + n + " " + HexFormat.of().formatHex(d.digest());
  }

  /** Counts the line events of the live log stream and the bytes they carry, until {@code end}. */
  private String sse() throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(web.url("/api/v1/builds/" + build.id() + "/log/stream")))
            .timeout(Duration.ofSeconds(60))
            .build();
    HttpResponse<InputStream> res = web.http.send(r, HttpResponse.BodyHandlers.ofInputStream());
    long lines = 0;
    long bytes = 0;
    String end = null;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
      String event = null;
      for (String l = in.readLine(); l != null; l = in.readLine()) {
        if (l.startsWith("event: ")) {
          event = l.substring(7);
        } else if (l.startsWith("data: ") && "line".equals(event)) {
          lines++;
          bytes += l.length() - 6 + 1;
        } else if (l.startsWith("data: ") && "end".equals(event)) {
          end = l.substring(6);
          break;
        }
      }
    }
    return res.statusCode() + " " + lines + " " + bytes + " " + end;
  }

  @Test
  void several_clients_read_a_50_mib_log_at_once_and_all_get_all_of_it() throws Exception {
    String path = "/api/v1/builds/" + build.id() + "/log";
    long from = size - (3L << 20);
    MessageDigest tail = MessageDigest.getInstance("SHA-256");
    try (InputStream in = logs.stream(build.id(), from).orElseThrow()) {
      tail.update(in.readAllBytes()); // 3 MiB: the test's own check, not the server's
    }
    String tailSha = HexFormat.of().formatHex(tail.digest());
    long t0 = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> whole = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        whole.add(pool.submit(() -> fetch(path)));
      }
      Future<String> range = pool.submit(() -> fetch(path, "Range", "bytes=" + from + "-"));
      Future<String> stream = pool.submit(this::sse);
      Future<String> page = pool.submit(() -> fetch("/builds/" + build.id()));
      for (Future<String> f : whole) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo("200 " + size + " " + sha256);
      }
      assertThat(range.get(60, TimeUnit.SECONDS)).isEqualTo("206 " + (3L << 20) + " " + tailSha);
      assertThat(stream.get(60, TimeUnit.SECONDS))
          .isEqualTo("200 " + LINES + " " + size + " success");
      assertThat(page.get(60, TimeUnit.SECONDS)).startsWith("200 ");
      long pageBytes = Long.parseLong(page.get().split(" ")[1]);
      assertThat(pageBytes)
          .isBetween(
              (long) LogView.WINDOW,
              LogView.WINDOW * 5L / 4 + (64L << 10)); // the last window, its markup, the page
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    var sized = web.get("/api/v1/builds/" + build.id() + "/log", "Range", "bytes=-5");
    assertThat(sized.statusCode()).isEqualTo(206);
    assertThat(sized.headers().firstValue("Content-Range"))
        .hasValue("bytes " + (size - 5) + "-" + (size - 1) + "/" + size);
  }
}
