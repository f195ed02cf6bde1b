package org.seakeeper.gerrit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.seakeeper.core.event.EventSink;
import org.seakeeper.core.event.TriggerEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Gerrit connection (docs/contracts.md §3, §4): reads {@code gerrit stream-events} over SSH as
 * the CI account and hands each event to the {@link EventSink} (the durable inbox) before its
 * stream cursor advances.
 *
 * <p>No event is lost to a dropped stream: on every (re)connect, after the stream is open, it
 * <em>catches up</em> by asking REST for the changes updated since the cursor (the last {@code
 * eventCreatedOn} handled, minus {@link #MARGIN}) and delivering the events they stand for ({@link
 * ChangeEvents}) with the same content keys as the stream's, so the inbox drops what was delivered
 * already; branches that moved and new tags are found by comparing with the last known heads
 * ({@link RefCatchUp}). Reconnects back off from one second to {@link #MAX_BACKOFF}. On the first
 * start (no cursor) the cursor starts at the local clock's now, so only the last {@link #MARGIN}
 * before it is caught up. Gerrit's version is never read.
 *
 * <p>Thread-safety: {@link #start} and {@link #stop} from any thread; events are delivered from the
 * connection's own thread, one at a time. Lifecycle: start once (or again after stop).
 */
public final class GerritConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GerritConnection.class);

  /** How far before the cursor catch-up looks (clock granularity, events created out of order). */
  public static final Duration MARGIN = Duration.ofMinutes(2);

  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** A stream that lived this long resets the backoff. */
  static final Duration STABLE = Duration.ofSeconds(30);

  private static final int PAGE = 100;

  private final GerritEndpoint endpoint;
  private final EventSink sink;
  private final Clock clock;
  private final Path stateDir;
  private final GerritRest rest;
  private StreamCursor cursor;
  private RefCatchUp refs;
  private SshStream ssh;
  private Thread thread;
  private CountDownLatch stopped;
  private volatile CountDownLatch streaming = new CountDownLatch(1);
  private volatile SshStream.Open current;
  private volatile boolean running;

  /**
   * @param stateDir a directory owned by this connection (cursor, remembered host key)
   */
  public GerritConnection(GerritEndpoint endpoint, Path stateDir, EventSink sink, Clock clock) {
    this.endpoint = endpoint;
    this.sink = sink;
    this.clock = clock;
    this.stateDir = stateDir;
    this.rest = endpoint.rest();
  }

  public String name() {
    return endpoint.connection();
  }

  /** Starts the stream thread, which connects, catches up and then follows the stream. */
  public synchronized void start() {
    if (running) {
      throw new IllegalStateException("connection " + name() + " already started");
    }
    try {
      cursor = new StreamCursor(stateDir.resolve("stream-cursor"));
      refs = new RefCatchUp(endpoint, rest, stateDir, clock);
    } catch (IOException e) {
      throw new UncheckedIOException("connection " + name() + ": " + e.getMessage(), e);
    }
    ssh = new SshStream(endpoint.ssh(), endpoint.user(), stateDir, endpoint.timeouts());
    stopped = new CountDownLatch(1);
    streaming = new CountDownLatch(1);
    running = true;
    thread = Thread.ofPlatform().name("gerrit-connection-" + name()).daemon().start(this::run);
  }

  /** Waits until the stream is open and the catch-up after it is done; false on timeout. */
  public boolean awaitStreaming(Duration limit) throws InterruptedException {
    return streaming.await(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Drops the current SSH stream as a network failure would (tests); the thread reconnects. */
  void dropStream() {
    SshStream.Open o = current;
    if (o != null) {
      o.close();
    }
  }

  /** Ends the stream and the thread; the cursor stays for the next start's catch-up. */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    stopped.countDown();
    SshStream.Open o = current;
    if (o != null) {
      o.close();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(20));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ssh.close();
  }

  @Override
  public void close() {
    stop();
  }

  private void run() {
    try {
      follow();
    } catch (Error e) {
      log.error(
          "connection {}: the event thread died; no events are received until a restart",
          name(),
          e);
      throw e;
    }
  }

  private void follow() {
    Duration backoff = Duration.ofSeconds(1);
    while (running) {
      long connectedAt = 0;
      try (SshStream.Open o = ssh.open()) {
        current = o;
        if (!running) {
          return;
        }
        catchUp();
        log.info(
            "connection {}: streaming events from {}:{}",
            name(),
            endpoint.ssh().host(),
            endpoint.ssh().port());
        streaming.countDown();
        connectedAt = System.nanoTime();
        String line;
        while (running && (line = o.lines().readLine()) != null) {
          handle(line);
        }
        if (running) {
          log.warn("connection {}: the event stream ended; reconnecting", name());
        }
      } catch (IOException | RuntimeException e) {
        if (running) {
          log.warn(
              "connection {}: {}; reconnecting in {} s", name(), e.toString(), backoff.toSeconds());
        }
      } finally {
        current = null;
        if (connectedAt != 0 && System.nanoTime() - connectedAt > STABLE.toNanos()) {
          backoff = Duration.ofSeconds(1); // it was up for a while: not a flapping Gerrit
        }
        if (running) {
          streaming = new CountDownLatch(1);
        }
      }
      try {
        if (stopped.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  /** One stream line: delivered to the sink, then the cursor moves past it. */
  void handle(String line) throws IOException {
    JsonNode json;
    try {
      json = GerritRest.JSON.readTree(line);
    } catch (IOException e) {
      log.warn(
          "connection {}: not a JSON event, skipped: {}",
          name(),
          line.length() > 200 ? line.substring(0, 200) + "..." : line);
      return;
    }
    StreamEvents.Line mapped = StreamEvents.map(name(), endpoint.user(), endpoint::serves, json);
    switch (mapped) {
      case StreamEvents.Emit e -> {
        sink.accept(e.event());
        if (e.event() instanceof TriggerEvent.RefUpdated r) {
          refs.delivered(r);
        }
      }
      case StreamEvents.RecheckRequested r -> {
        JsonNode change =
            rest.get(
                "changes/"
                    + GerritRest.encode(r.project())
                    + "~"
                    + r.change()
                    + "?o=CURRENT_REVISION&o=MESSAGES&o=DETAILED_ACCOUNTS&o=DETAILED_LABELS");
        Instant since = Instant.ofEpochSecond(r.createdOn()).minus(MARGIN);
        ChangeEvents.rechecks(name(), endpoint.user(), change, since).forEach(sink::accept);
        ChangeEvents.approvals(name(), change).ifPresent(sink::accept);
      }
      case StreamEvents.ApprovalsRequested a -> {
        JsonNode change =
            rest.get(
                "changes/"
                    + GerritRest.encode(a.project())
                    + "~"
                    + a.change()
                    + "?o=CURRENT_REVISION&o=MESSAGES&o=DETAILED_ACCOUNTS&o=DETAILED_LABELS");
        ChangeEvents.approvals(name(), change).ifPresent(sink::accept);
      }
      case StreamEvents.Ignore i -> log.trace("connection {}: ignored ({})", name(), i.why());
    }
    if (mapped.createdOn() > 0) {
      cursor.advance(mapped.createdOn());
    }
  }

  /** Delivers what the changes updated since the cursor (minus the margin) stand for. */
  void catchUp() throws IOException {
    if (cursor.get().isEmpty()) {
      cursor.advance(clock.instant().getEpochSecond());
    }
    Instant since = Instant.ofEpochSecond(cursor.get().getAsLong()).minus(MARGIN);
    String query = "since:\"" + ChangeEvents.queryTime(since) + "\"" + projectFilter();
    List<JsonNode> changes = new ArrayList<>();
    for (int start = 0; ; start += PAGE) {
      JsonNode page =
          rest.get(
              "changes/?q="
                  + GerritRest.encode(query)
                  + "&o=CURRENT_REVISION&o=MESSAGES&o=DETAILED_ACCOUNTS&o=DETAILED_LABELS&n="
                  + PAGE
                  + "&S="
                  + start);
      page.forEach(changes::add);
      if (page.isEmpty() || !page.get(page.size() - 1).path("_more_changes").asBoolean(false)) {
        break;
      }
    }
    long latest = 0;
    int delivered = 0;
    for (JsonNode change : changes.reversed()) { // oldest update first
      if (!endpoint.serves(change.path("project").asText())) {
        continue;
      }
      for (TriggerEvent ev : ChangeEvents.of(name(), endpoint.user(), change, since)) {
        delivered += sink.accept(ev) ? 1 : 0;
      }
      latest = Math.max(latest, ChangeEvents.timestamp(change.path("updated")).getEpochSecond());
    }
    cursor.advance(latest);
    int refUpdates = refs.catchUp(sink);
    log.info(
        "connection {}: caught up on {} change(s) updated since {}: {} new event(s); {} branch or"
            + " tag update(s)",
        name(),
        changes.size(),
        since,
        delivered,
        refUpdates);
  }

  private String projectFilter() {
    if (endpoint.projects().contains("*")) {
      return "";
    }
    return " ("
        + endpoint.projects().stream()
            .map(p -> "project:\"" + p + "\"")
            .collect(Collectors.joining(" OR "))
        + ")";
  }
}
