package org.seakeeper.web;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.LogStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live log of a build as Server-Sent Events (docs/contracts.md §6): {@code event: line} per log
 * line (the line as {@code data}), then {@code event: end} with the final status once the build is
 * terminal. A running build is followed by polling the log store and the build's status; each
 * event's {@code id} is the log offset after it, so a reconnecting EventSource (header {@code
 * Last-Event-ID}) or {@code ?offset=N} resumes there. Each stream holds one virtual thread and at
 * most {@link #CHUNK} bytes of log; one client address holds at most {@link
 * #MAX_STREAMS_PER_CLIENT} streams (then 429), all clients together {@link #MAX_STREAMS} (then
 * 503).
 */
final class LogStreams {
  static final long POLL_MILLIS = 200;
  static final long HEARTBEAT_MILLIS = 2_000;
  static final int MAX_STREAMS = 256;

  /**
   * The most live log streams one client address may hold open at once (on top of {@link
   * #MAX_STREAMS}).
   */
  static final int MAX_STREAMS_PER_CLIENT = 8;

  /**
   * The most log read at a time while streaming; also the most a line event waits for its newline.
   */
  static final int CHUNK = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(LogStreams.class);

  private final BuildQueries queries;
  private final LogStore logs;
  private final AtomicInteger active = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perClient = new ConcurrentHashMap<>();
  private final CountDownLatch stopping = new CountDownLatch(1);

  LogStreams(BuildQueries queries, LogStore logs, MeterRegistry registry) {
    this.queries = queries;
    this.logs = logs;
    Gauge.builder("seakeeper.web.log.streams", active, AtomicInteger::get)
        .description("Live log streams open right now")
        .register(registry);
  }

  /** Ends every open stream (on shutdown), waiting up to {@code wait} for them to finish. */
  void stopAll(Duration wait) throws InterruptedException {
    stopping.countDown();
    long deadline = System.nanoTime() + wait.toNanos();
    while (active.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** Streams the log of {@code build} to the client until the build ends or the client leaves. */
  void stream(Context ctx, Build build) throws IOException {
    long offset = startOffset(ctx);
    String client = ctx.req().getRemoteAddr();
    if (perClient.merge(client, 1, Integer::sum) > MAX_STREAMS_PER_CLIENT) {
      release(client);
      throw new ApiError(
          429,
          "too_many_streams",
          "This address has "
              + MAX_STREAMS_PER_CLIENT
              + " live log streams open already; close one, or read /log.");
    }
    if (active.incrementAndGet() > MAX_STREAMS) {
      active.decrementAndGet();
      release(client);
      throw new ApiError(
          503, "unavailable", "Too many live log streams are open; try again later or read /log.");
    }
    try {
      var res = ctx.res();
      res.setStatus(200);
      res.setContentType("text/event-stream");
      res.setCharacterEncoding("UTF-8");
      res.setHeader("Cache-Control", "no-cache");
      res.setHeader("X-Accel-Buffering", "no");
      OutputStream out = res.getOutputStream();
      out.write(": seakeeper log stream\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      follow(build.id(), offset, out);
    } catch (IOException e) {
      LOG.debug("Log stream of build {} ended: client left ({})", build.id(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      active.decrementAndGet();
      release(client);
    }
  }

  private void release(String client) {
    perClient.computeIfPresent(client, (k, n) -> n > 1 ? n - 1 : null);
  }

  /**
   * Sends the log from {@code offset} as line events, reading at most {@link #CHUNK} bytes at a
   * time, until the build is terminal (then {@code end}) or the server stops. A line longer than
   * {@link #CHUNK} bytes goes out in pieces of at most that size, cut between characters, so a
   * stream never holds more.
   */
  private void follow(long buildId, long offset, OutputStream out)
      throws IOException, InterruptedException {
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    long idleSince = System.nanoTime();
    while (stopping.getCount() > 0) {
      BuildStatus status = queries.build(buildId).map(Build::status).orElse(BuildStatus.ERROR);
      boolean sent = false;
      while (stopping.getCount() > 0) {
        byte[] chunk = logs.read(buildId, offset + pending.size(), CHUNK).orElse(new byte[0]);
        if (chunk.length == 0) {
          break;
        }
        int start = 0;
        for (int i = 0; i < chunk.length; i++) {
          if (chunk[i] == '\n') {
            pending.write(chunk, start, i - start);
            offset += pending.size() + 1;
            start = i + 1;
            emit(out, "line", pending.toString(StandardCharsets.UTF_8), offset);
            pending.reset();
          } else if (pending.size() + (i - start) >= CHUNK - 3
              && (chunk[i] & 0xC0) != 0x80) { // at most CHUNK bytes, not inside a UTF-8 character
            pending.write(chunk, start, i - start);
            start = i;
            offset += pending.size();
            emit(out, "line", pending.toString(StandardCharsets.UTF_8), offset);
            pending.reset();
          }
        }
        pending.write(chunk, start, chunk.length - start);
        out.flush();
        sent = true;
        if (chunk.length < CHUNK) {
          break;
        }
      }
      if (status.terminal()) {
        if (pending.size() > 0) {
          offset += pending.size();
          emit(out, "line", pending.toString(StandardCharsets.UTF_8), offset);
        }
        emit(out, "end", status.id(), offset);
        out.flush();
        return;
      }
      if (sent) {
        idleSince = System.nanoTime();
      } else if (System.nanoTime() - idleSince > HEARTBEAT_MILLIS * 1_000_000) {
        out.write(":\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        idleSince = System.nanoTime();
      }
      if (stopping.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        return;
      }
    }
  }

  /**
   * One event. A {@code \r} inside a line would end the data field early, so each CR-separated
   * piece becomes its own {@code data:} field (clients join them with a newline).
   */
  static void emit(OutputStream out, String event, String data, long id) throws IOException {
    StringBuilder sb = new StringBuilder("event: ").append(event).append('\n');
    String line = data.endsWith("\r") ? data.substring(0, data.length() - 1) : data;
    for (String piece : line.split("\r", -1)) {
      sb.append("data: ").append(piece).append('\n');
    }
    sb.append("id: ").append(id).append("\n\n");
    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static long startOffset(Context ctx) {
    String given = ctx.queryParam("offset");
    String header = ctx.header("Last-Event-ID");
    String raw =
        header != null && !header.isBlank() ? header : given; // a reconnect resumes where it was
    if (raw == null || raw.isBlank()) {
      return 0;
    }
    return BuildListParams.parseLong(raw.strip())
        .orElseThrow(
            () ->
                ApiError.badRequest(
                    "'offset' must be a byte offset (0 or more), not '" + raw + "'."));
  }
}
