package org.seakeeper.git;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * How far one repository's journal has been delivered: a byte offset and the identity of the
 * journal file it refers to, kept in a small file in the connection's state directory. Saved only
 * after the event sink accepted everything before the offset, so a crash in between replays (the
 * inbox de-duplicates by content key). Writes are atomic (temp file, fsync, rename). Not
 * thread-safe; one owner.
 */
final class JournalCursor {
  private final Path file;

  JournalCursor(Path file) {
    this.file = file;
  }

  /** A position in a journal; {@code journalId} empty when unknown. */
  record Position(long offset, String journalId) {}

  Optional<Position> load() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String[] f = Files.readString(file, StandardCharsets.UTF_8).strip().split(" ", 2);
    try {
      return Optional.of(new Position(Long.parseLong(f[0]), f.length > 1 ? f[1] : ""));
    } catch (NumberFormatException e) {
      throw new IOException(file + ": not a journal cursor: " + String.join(" ", f), e);
    }
  }

  void save(Position p) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, p.offset() + " " + p.journalId() + "\n", StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
