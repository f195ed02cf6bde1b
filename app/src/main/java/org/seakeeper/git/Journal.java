package org.seakeeper.git;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the journal the hook writes: lines {@code <old> <new> <ref> <time>}, one per committed ref
 * update, appended under a lock. Only complete lines (ending in a newline) are read, so a line
 * being written is left for the next read. Stateless; safe from any thread.
 */
final class Journal {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);
  private static final Pattern ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  private Journal() {}

  /**
   * One journaled ref update.
   *
   * @param offset byte offset of the line in the journal: the update's position, stable forever
   * @param end offset just after the line's newline, where reading continues
   */
  record Entry(long offset, long end, String oldId, String newId, String ref) {
    boolean deletes() {
      return isZero(newId);
    }

    boolean creates() {
      return isZero(oldId);
    }
  }

  /** The entries read, and the offset after the last complete line (malformed lines included). */
  record Batch(List<Entry> entries, long end) {}

  static boolean isZero(String id) {
    return id.chars().allMatch(c -> c == '0');
  }

  /** Reads complete lines starting at {@code from}, at most about {@code maxBytes} of them. */
  static Batch read(Path journal, long from, int maxBytes) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(maxBytes);
    try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.READ)) {
      ch.position(from);
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // keep reading until the buffer is full or the file ends
      }
    }
    byte[] bytes = buf.array();
    int len = buf.position();
    List<Entry> entries = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < len; i++) {
      if (bytes[i] == '\n') {
        parse(
                new String(bytes, start, i - start, StandardCharsets.UTF_8),
                from + start,
                from + i + 1,
                journal)
            .ifPresent(entries::add);
        start = i + 1;
      }
    }
    if (start == 0 && len == maxBytes) {
      // A "line" longer than the whole buffer cannot be the hook's: skip it rather than stall.
      log.warn("{}: skipping {} bytes at offset {} without a line break", journal, len, from);
      return new Batch(entries, from + len);
    }
    return new Batch(entries, from + start);
  }

  private static Optional<Entry> parse(String line, long offset, long end, Path journal) {
    if (line.isBlank()) {
      return Optional.empty();
    }
    String[] f = line.split(" ");
    if (f.length < 3
        || !ID.matcher(f[0]).matches()
        || !ID.matcher(f[1]).matches()
        || f[2].isEmpty()) {
      log.warn("{}: ignoring malformed line at offset {}: {}", journal, offset, line);
      return Optional.empty();
    }
    return Optional.of(new Entry(offset, end, f[0], f[1], f[2]));
  }
}
