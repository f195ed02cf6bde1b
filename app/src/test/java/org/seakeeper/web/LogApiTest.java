package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.web.WebFixture.error;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.store.LogStore;

class LogApiTest {
  private final WebFixture web = new WebFixture();

  @AfterEach
  void stop() {
    web.close();
  }

  private Build withLog(String... lines) {
    Build b = web.insert();
    LogStore.Writer w = web.logs.open(b.id());
    for (String l : lines) {
      w.line(l);
    }
    return b;
  }

  private Build running() {
    return web.insert(
        b ->
            new Build(
                0,
                1,
                b.connection(),
                b.project(),
                b.change(),
                b.patchset(),
                b.ref(),
                b.commit(),
                b.pipeline(),
                b.job(),
                1,
                BuildStatus.RUNNING,
                b.tier(),
                List.of(),
                WebFixture.T0,
                Optional.of(WebFixture.T0),
                Optional.empty(),
                "",
                Optional.empty()));
  }

  @Test
  void the_log_is_plain_text() throws Exception {
    Build b = withLog("hello", "wörld");
    var r = web.get("/api/v1/builds/" + b.id() + "/log");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.body()).isEqualTo("hello\nwörld\n");
  }

  @Test
  void a_build_without_a_log_yet_has_an_empty_one() throws Exception {
    Build b = web.insert();
    var r = web.get("/api/v1/builds/" + b.id() + "/log");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void the_log_of_an_unknown_build_is_404() throws Exception {
    assertThat(error(web.get("/api/v1/builds/42/log"), 404)).isEqualTo("not_found");
    assertThat(error(web.get("/api/v1/builds/42/log/stream"), 404)).isEqualTo("not_found");
  }

  @Test
  void a_range_from_an_offset_is_206_with_the_rest() throws Exception {
    Build b = withLog("hello", "world"); // 12 bytes
    var r = web.get("/api/v1/builds/" + b.id() + "/log", "Range", "bytes=6-");
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.body()).isEqualTo("world\n");
    assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 6-11/12");
  }

  @Test
  void closed_and_suffix_ranges_work_too() throws Exception {
    Build b = withLog("hello", "world");
    var closed = web.get("/api/v1/builds/" + b.id() + "/log", "Range", "bytes=0-4");
    assertThat(closed.statusCode()).isEqualTo(206);
    assertThat(closed.body()).isEqualTo("hello");
    assertThat(closed.headers().firstValue("Content-Range")).hasValue("bytes 0-4/12");
    var suffix = web.get("/api/v1/builds/" + b.id() + "/log", "Range", "bytes=-3");
    assertThat(suffix.body()).isEqualTo("ld\n");
    assertThat(suffix.headers().firstValue("Content-Range")).hasValue("bytes 9-11/12");
  }

  @Test
  void a_range_past_the_end_is_416_json() throws Exception {
    Build b = withLog("hello");
    var r = web.get("/api/v1/builds/" + b.id() + "/log", "Range", "bytes=6-");
    assertThat(error(r, 416)).isEqualTo("range_not_satisfiable");
    assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes */6");
  }

  @Test
  void an_unparseable_range_is_ignored() throws Exception {
    Build b = withLog("hello");
    var r = web.get("/api/v1/builds/" + b.id() + "/log", "Range", "lines=1-2");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello\n");
  }

  /** Reads SSE events (name and data) until {@code end} or the stream closes. */
  private static List<String> events(InputStream in) throws Exception {
    List<String> events = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String event = null;
      List<String> data = new ArrayList<>();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.add(line.substring(6));
        } else if (line.isEmpty() && event != null) {
          events.add(event + ":" + String.join("\n", data));
          if (event.equals("end")) {
            break;
          }
          event = null;
          data.clear();
        }
      }
    }
    return events;
  }

  private HttpResponse<InputStream> openStream(long id, String... headers) throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(web.url("/api/v1/builds/" + id + "/log/stream")))
            .timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      req.headers(headers);
    }
    return web.http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  @Test
  void the_stream_of_a_finished_build_sends_its_lines_then_end() throws Exception {
    Build b = withLog("one", "two <b>", "");
    var r = openStream(b.id());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
    assertThat(events(r.body()))
        .containsExactly("line:one", "line:two <b>", "line:", "end:success");
  }

  @Test
  void the_stream_follows_a_running_build_until_it_ends() throws Exception {
    Build b = running();
    LogStore.Writer w = web.logs.open(b.id());
    w.line("first");
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    Thread.sleep(500);
                    w.line("second");
                    Thread.sleep(500);
                    w.line("third");
                    web.update(
                        b.moveTo(BuildStatus.FAILURE, WebFixture.T0.plusSeconds(9), "exit 1"));
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    var r = openStream(b.id());
    assertThat(events(r.body()))
        .containsExactly("line:first", "line:second", "line:third", "end:failure");
    writer.join();
  }

  @Test
  void a_reconnect_resumes_after_the_last_event_id() throws Exception {
    Build b = withLog("one", "two", "three");
    var r = openStream(b.id(), "Last-Event-ID", "4");
    assertThat(events(r.body())).containsExactly("line:two", "line:three", "end:success");
    var q = web.get("/api/v1/builds/" + b.id() + "/log/stream?offset=x");
    assertThat(error(q, 400)).isEqualTo("bad_request");
  }

  @Test
  void a_stream_ends_when_its_client_leaves() throws Exception {
    Build b = running();
    web.logs.open(b.id()).line("waiting");
    var r = openStream(b.id());
    InputStream in = r.body();
    in.read(new byte[16]);
    assertThat(activeStreams()).isEqualTo(1.0);
    in.close();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (activeStreams() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(activeStreams()).isZero();
  }

  @Test
  void stopping_the_server_ends_open_streams() throws Exception {
    Build b = running();
    var r = openStream(b.id());
    InputStream in = r.body();
    in.read(new byte[8]);
    long t0 = System.nanoTime();
    web.server.stop();
    try {
      while (in.read() >= 0) {
        // drain until the server closes the stream
      }
    } catch (java.io.IOException closed) {
      // also fine: the connection was cut
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(activeStreams()).isZero();
  }

  @Test
  void one_client_address_holds_at_most_a_few_streams_then_429() throws Exception {
    Build b = running();
    web.logs.open(b.id()).line("waiting");
    List<InputStream> open = new ArrayList<>();
    for (int i = 0; i < LogStreams.MAX_STREAMS_PER_CLIENT; i++) {
      var r = openStream(b.id());
      assertThat(r.statusCode()).isEqualTo(200);
      InputStream in = r.body();
      in.read(new byte[16]);
      open.add(in);
    }
    assertThat(activeStreams()).isEqualTo(LogStreams.MAX_STREAMS_PER_CLIENT);
    var refused = web.get("/api/v1/builds/" + b.id() + "/log/stream");
    assertThat(error(refused, 429)).isEqualTo("too_many_streams");
    assertThat(activeStreams()).isEqualTo(LogStreams.MAX_STREAMS_PER_CLIENT);
    assertThat(web.get("/api/v1/builds/" + b.id() + "/log").statusCode())
        .isEqualTo(200); // other reads still work
    open.removeFirst().close();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (activeStreams() >= LogStreams.MAX_STREAMS_PER_CLIENT && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    var again = openStream(b.id());
    assertThat(again.statusCode()).isEqualTo(200);
    open.add(again.body());
    for (InputStream in : open) {
      in.close();
    }
  }

  @Test
  void a_line_longer_than_a_chunk_streams_in_pieces_that_join_to_it() throws Exception {
    String longLine =
        "é" + "y".repeat(65_532) + "ü".repeat(40_000); // 2-byte characters across the cuts
    Build b = withLog("short", longLine, "after");
    List<String> events = events(openStream(b.id()).body());
    assertThat(events.getFirst()).isEqualTo("line:short");
    assertThat(events.subList(events.size() - 2, events.size()))
        .containsExactly("line:after", "end:success");
    List<String> pieces = events.subList(1, events.size() - 2);
    assertThat(pieces)
        .hasSizeGreaterThan(1)
        .allMatch(
            p ->
                p.startsWith("line:")
                    && p.substring(5).getBytes(StandardCharsets.UTF_8).length <= LogStreams.CHUNK);
    assertThat(String.join("", pieces.stream().map(p -> p.substring(5)).toList()))
        .isEqualTo(longLine);
  }

  @Test
  void the_build_page_shows_only_the_last_window_of_a_long_log_with_a_link_to_the_raw_log()
      throws Exception {
    Build b = web.insert();
    LogStore.Writer w = web.logs.open(b.id());
    w.line("<first line>");
    String filler = "z".repeat(999);
    for (int i = 0; i < 1200; i++) {
      w.line(filler);
    }
    w.line("<last line>");
    var page = web.get("/builds/" + b.id());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .doesNotContain("first line")
        .contains("&lt;last line&gt;")
        .doesNotContain("<last line>");
    assertThat(page.body())
        .contains("showing only its last part")
        .contains("href=\"/api/v1/builds/" + b.id() + "/log\">raw log</a>");
    assertThat(page.body().length()).isLessThan(PageRoutes.MAX_PAGE_LOG * 5 / 4 + 60_000);
    String pre = page.body().substring(page.body().indexOf("<pre id=\"log\""));
    String firstLine = pre.substring(pre.indexOf("<span class=\"l\""), pre.indexOf("</span>"));
    assertThat(firstLine).endsWith("</a>" + filler + "\n"); // starts at a line
    long offset = Long.parseLong(firstLine.replaceAll("(?s).*?id=\"o(\\d+)\".*", "$1"));
    assertThat(offset % 1000).isEqualTo(13); // "<first line>\n" then lines of 1000 bytes
    var small = web.get("/builds/" + withLog("tiny").id());
    assertThat(small.body()).contains("tiny").doesNotContain("showing only its last part");
  }

  private double activeStreams() {
    return web.registry.get("seakeeper.web.log.streams").gauge().value();
  }
}
