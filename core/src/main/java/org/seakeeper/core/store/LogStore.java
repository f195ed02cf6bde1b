package org.seakeeper.core.store;

import java.io.InputStream;
import java.util.Optional;

/**
 * Build logs, kept apart from the database: appended line by line while the job runs (so they can
 * be streamed), sealed with a SHA-256 when it ends. Thread-safe.
 *
 * <p>A log can be far larger than the heap (a job may write hundreds of MB), so there is no way to
 * read a whole log at once: {@link #read} returns at most {@code maxBytes}, {@link #stream} hands
 * out a stream for the caller to copy through a small buffer, {@link #size} tells the length.
 */
public interface LogStore {
  /** Opens the log of a build for appending (creating it when missing). */
  Writer open(long buildId);

  /**
   * At most {@code maxBytes} bytes of the log from {@code offset} (fewer at its end, none past it);
   * empty when there is no log.
   *
   * @throws IllegalArgumentException when {@code offset} or {@code maxBytes} is negative
   */
  Optional<byte[]> read(long buildId, long offset, int maxBytes);

  /** The length of the log in bytes right now; empty when there is no log. */
  Optional<Long> size(long buildId);

  /**
   * The log from {@code offset} (at its end or past it: an empty stream) as it grows; empty when
   * there is no log. The caller closes the stream.
   *
   * @throws IllegalArgumentException when {@code offset} is negative
   */
  Optional<InputStream> stream(long buildId, long offset);

  /** Appends lines; {@link #seal} flushes, closes and returns the SHA-256 (hex). */
  interface Writer {
    void line(String line);

    String seal();
  }
}
