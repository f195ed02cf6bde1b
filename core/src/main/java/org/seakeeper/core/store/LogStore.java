package org.seakeeper.core.store;

import java.util.Optional;

/**
 * Build logs, kept apart from the database: appended line by line while the job runs (so they
 * can be streamed), sealed with a SHA-256 when it ends. Thread-safe.
 */
public interface LogStore {
  /** Opens the log of a build for appending (creating it when missing). */
  Writer open(long buildId);

  /** The bytes of the log from {@code offset}; empty when there is no log. */
  Optional<byte[]> read(long buildId, long offset);

  /** Appends lines; {@link #seal} flushes, closes and returns the SHA-256 (hex). */
  interface Writer {
    void line(String line);

    String seal();
  }
}
