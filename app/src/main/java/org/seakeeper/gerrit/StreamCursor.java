package org.seakeeper.gerrit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;

/**
 * How far a Gerrit connection has seen events: the latest {@code eventCreatedOn} (Gerrit's epoch
 * seconds) whose event the sink accepted, in a small file of the connection's state directory.
 * Catch-up after a reconnect or restart asks for changes updated since this moment minus a margin.
 * It only grows; writes are atomic (temp file and rename). Thread-safe.
 */
final class StreamCursor {
  private final Path file;
  private long seconds = -1;

  StreamCursor(Path file) throws IOException {
    this.file = file;
    if (Files.exists(file)) {
      String s = Files.readString(file, StandardCharsets.UTF_8).strip();
      try {
        seconds = Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new IOException(file + ": not a stream cursor: " + s, e);
      }
    }
  }

  synchronized OptionalLong get() {
    return seconds < 0 ? OptionalLong.empty() : OptionalLong.of(seconds);
  }

  /** Moves the cursor to {@code epochSeconds} if that is later; saved before returning. */
  synchronized void advance(long epochSeconds) throws IOException {
    if (epochSeconds <= seconds) {
      return;
    }
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, epochSeconds + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    seconds = epochSeconds;
  }
}
