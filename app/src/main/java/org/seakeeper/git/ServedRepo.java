package org.seakeeper.git;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.lib.Repository;
import org.seakeeper.core.event.EventSink;
import org.seakeeper.core.event.TriggerEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One repository of a local git connection: its hook, its journal and how far the journal has been
 * delivered. Not thread-safe; the connection calls it under its delivery lock.
 *
 * <p>Lifecycle: {@link #prepare} once, then {@link #deliver} any number of times.
 */
final class ServedRepo {
  private static final Logger log = LoggerFactory.getLogger(ServedRepo.class);
  private static final int CHUNK = 1 << 20;

  private final String connection;
  private final String project;
  private final Path path;
  private final Path stateDir;
  private final JournalCursor cursor;
  private Path journal;
  private JournalEvents events;
  private JournalCursor.Position position;

  ServedRepo(String connection, String project, Path path, Path connectionStateDir) {
    this.connection = connection;
    this.project = project;
    this.path = path;
    this.stateDir = connectionStateDir.resolve(fileName(project));
    this.cursor = new JournalCursor(stateDir.resolve("cursor"));
  }

  String project() {
    return project;
  }

  /** The directory the hook appends in; watch it to notice pushes. */
  Path journalDir() {
    return journal.getParent();
  }

  /**
   * Installs the hook and positions the cursor. On the first start for this repository the cursor
   * is set to the journal's current end before the hook is installed: nothing that happened earlier
   * is delivered, every update after it is. Then numbers the patch sets of what was already
   * delivered, by scanning the journal from its start.
   */
  void prepare() throws IOException {
    Files.createDirectories(stateDir);
    try (Repository repo = GitDirs.open(path)) {
      journal = GitDirs.journal(repo);
      GitDirs.createJournal(repo);
      String id = GitDirs.fileId(journal);
      position = cursor.load().orElse(null);
      if (position == null) {
        position = new JournalCursor.Position(Files.size(journal), id);
        cursor.save(position);
        log.info(
            "{}/{}: first start; delivering ref updates from journal offset {} on",
            connection,
            project,
            position.offset());
      }
      HookInstaller.Result r = HookInstaller.install(GitDirs.hooksDir(repo));
      if (r != HookInstaller.Result.UNCHANGED) {
        log.info(
            "{}/{}: reference-transaction hook {} in {}",
            connection,
            project,
            r,
            GitDirs.hooksDir(repo));
      }
      events =
          new JournalEvents(connection, project, new Patchsets(stateDir.resolve("change-ids")));
      long scanned = 0;
      long until = Math.min(position.offset(), Files.size(journal));
      while (scanned < until) {
        Journal.Batch b = Journal.read(journal, scanned, (int) Math.min(CHUNK, until - scanned));
        if (b.end() == scanned) {
          break;
        }
        for (Journal.Entry e : b.entries()) {
          events.learn(e, repo);
        }
        scanned = b.end();
      }
    }
  }

  /** Delivers every complete journal line after the cursor, advancing the cursor behind it. */
  void deliver(EventSink sink) throws IOException {
    if (journal == null
        || !Files.exists(journal)) { // not prepared yet, or deleted: nothing to read
      return;
    }
    long size = Files.size(journal);
    String id = GitDirs.fileId(journal);
    boolean replaced = !position.journalId().isEmpty() && !id.equals(position.journalId());
    if (replaced || size < position.offset()) {
      log.warn(
          "{}/{}: journal {} was replaced or truncated; reading it from the start",
          connection,
          project,
          journal);
      position = new JournalCursor.Position(0, id);
    }
    if (size == position.offset()) {
      return;
    }
    try (Repository repo = GitDirs.open(path)) {
      while (true) {
        long from = position.offset();
        Journal.Batch batch = Journal.read(journal, from, CHUNK);
        if (batch.end() == from) {
          return;
        }
        long done = from;
        try {
          for (Journal.Entry e : batch.entries()) {
            Optional<TriggerEvent> event = events.map(e, repo);
            if (event.isPresent()) {
              boolean fresh = sink.accept(event.get());
              log.debug(
                  "{}/{}: {} {}",
                  connection,
                  project,
                  fresh ? "delivered" : "duplicate",
                  event.get().contentKey());
            }
            done = e.end();
          }
          done = batch.end();
        } finally {
          if (done != from) {
            position = new JournalCursor.Position(done, id);
            cursor.save(position);
          }
        }
      }
    }
  }

  /** A directory name for a project name (which may contain slashes). */
  static String fileName(String project) {
    String s = URLEncoder.encode(project, StandardCharsets.UTF_8);
    return s.startsWith(".") ? "%2E" + s.substring(1) : s;
  }
}
