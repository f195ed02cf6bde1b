package org.seakeeper.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.seakeeper.core.event.EventSink;
import org.seakeeper.core.model.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local git connection (docs/contracts.md §3, §4): the repositories it serves are plain git
 * repositories, bare or not, that people push to with the git CLI. It turns their ref updates into
 * trigger events for the {@link EventSink}: branch updates and new tags ({@code RefUpdated}), and
 * pushes to {@code refs/for/<branch>[/<topic>]} ({@code ChangeProposed}).
 *
 * <p>How updates are noticed: {@link #start} installs a {@code reference-transaction} hook (git
 * 2.28 or later) in each repository that appends every committed ref update to {@code <git
 * dir>/seakeeper/journal}. A watcher thread reads each journal from a durable cursor (a byte offset
 * in the state directory, advanced only after the sink accepted the events), woken by file-system
 * notifications with a polling fallback, so a push is delivered within a second. Updates made while
 * the server was down, including patch sets overwritten by a later forced push, are journaled all
 * the same and delivered after the next start. After a crash between delivery and saving the cursor
 * the same events (same content keys) are delivered again; the inbox drops them as duplicates.
 *
 * <p>On the first start for a repository nothing earlier is delivered: the journal only exists from
 * the hook's installation on, and an existing journal without a cursor (a fresh data directory) is
 * read from its current end. Ref updates that bypass git's ref transactions (JGit-based servers,
 * editing files under {@code refs/}) are not seen.
 *
 * <p>Thread-safety: all methods may be called from any thread; deliveries are serialised.
 * Lifecycle: {@link #start} once (or again after {@link #stop}); {@link #stop} ends the watcher
 * thread and leaves the hooks in place, so updates keep being journaled while stopped.
 */
public final class LocalGitConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalGitConnection.class);

  /** Without file-system notifications, how often the journals are looked at. */
  public static final Duration DEFAULT_POLL = Duration.ofMillis(500);

  private final String name;
  private final List<ServedRepo> repos = new ArrayList<>();
  private final EventSink sink;
  private final Duration poll;
  private final boolean notifications;
  private final Object deliveryLock = new Object();
  private WatchService watcher; // null when the platform gives none: polling only
  private CountDownLatch stopped;
  private Thread thread;
  private volatile boolean running;

  /**
   * @param stateDir a directory owned by this connection (cursors, remembered Change-Ids), e.g.
   *     {@link #stateDir(Path, String)} under the server's data directory
   * @param poll how often journals are read when no file-system notification arrives
   */
  public LocalGitConnection(
      String name, List<ServerConfig.Repo> repos, Path stateDir, EventSink sink, Duration poll) {
    this(name, repos, stateDir, sink, poll, true);
  }

  /**
   * @param notifications false to rely on polling alone (tests of the fallback)
   */
  LocalGitConnection(
      String name,
      List<ServerConfig.Repo> repos,
      Path stateDir,
      EventSink sink,
      Duration poll,
      boolean notifications) {
    this.name = name;
    this.sink = sink;
    this.poll = poll;
    this.notifications = notifications;
    for (ServerConfig.Repo r : repos) {
      this.repos.add(
          new ServedRepo(name, r.name(), Path.of(r.path()).toAbsolutePath().normalize(), stateDir));
    }
  }

  public LocalGitConnection(
      String name, List<ServerConfig.Repo> repos, Path stateDir, EventSink sink) {
    this(name, repos, stateDir, sink, DEFAULT_POLL);
  }

  /** Where a connection keeps its state under the server's {@code data_dir}. */
  public static Path stateDir(Path dataDir, String connection) {
    return dataDir.resolve("connections").resolve(ServedRepo.fileName(connection));
  }

  public String name() {
    return name;
  }

  /**
   * Installs the hooks, positions the cursors and starts the watcher thread, which first delivers
   * whatever was journaled since the last run.
   *
   * @throws UncheckedIOException when a repository cannot be opened or its hook installed
   */
  public synchronized void start() {
    if (running) {
      throw new IllegalStateException("connection " + name + " already started");
    }
    WatchService ws = newWatchService();
    synchronized (deliveryLock) {
      for (ServedRepo r : repos) {
        try {
          r.prepare();
        } catch (IOException e) {
          closeQuietly(ws);
          throw new UncheckedIOException(
              "connection " + name + ", project " + r.project() + ": " + e.getMessage(), e);
        }
        register(ws, r);
      }
    }
    watcher = ws;
    stopped = new CountDownLatch(1);
    running = true;
    thread = Thread.ofPlatform().name("git-connection-" + name).daemon().start(this::watch);
  }

  private WatchService newWatchService() {
    if (!notifications) {
      return null;
    }
    try {
      return FileSystems.getDefault().newWatchService();
    } catch (IOException e) { // e.g. the inotify instance limit: polling still works
      log.warn(
          "connection {}: no file-system notifications ({}); polling every {} ms",
          name,
          e.getMessage(),
          poll.toMillis());
      return null;
    }
  }

  private void register(WatchService ws, ServedRepo r) {
    if (ws == null) {
      return;
    }
    try {
      r.journalDir()
          .register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    } catch (IOException e) {
      log.warn(
          "connection {}, project {}: cannot watch {} ({}); polling it",
          name,
          r.project(),
          r.journalDir(),
          e.getMessage());
    }
  }

  private static void closeQuietly(WatchService ws) {
    if (ws != null) {
      try {
        ws.close();
      } catch (IOException e) {
        log.debug("closing a watch service", e);
      }
    }
  }

  /** Stops the watcher thread and waits for it; pending updates stay in the journals. */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    stopped.countDown();
    closeQuietly(watcher);
    // No interrupt: it would close a journal or cursor file mid-write; closing the watch service
    // wakes the thread, which ends after the delivery it may be in.
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Delivers every ref update journaled so far, now, on the calling thread. The watcher calls this;
   * callers may too (e.g. to be sure nothing is pending). A repository that fails is logged and
   * retried on the next call; the others are still delivered.
   */
  public void deliverPending() {
    synchronized (deliveryLock) {
      for (ServedRepo r : repos) {
        try {
          r.deliver(sink);
        } catch (IOException | RuntimeException e) {
          log.warn(
              "connection {}, project {}: delivery failed, retrying later: {}",
              name,
              r.project(),
              e.toString());
        }
      }
    }
  }

  private void watch() {
    while (running) {
      deliverPending();
      try {
        if (watcher == null) {
          stopped.await(poll.toMillis(), TimeUnit.MILLISECONDS);
          continue;
        }
        WatchKey key = watcher.poll(poll.toMillis(), TimeUnit.MILLISECONDS);
        while (key != null) {
          key.pollEvents();
          key.reset();
          key = watcher.poll();
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
    }
  }
}
