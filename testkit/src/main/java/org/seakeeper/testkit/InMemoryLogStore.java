package org.seakeeper.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.seakeeper.core.store.LogStore;

/** Logs in memory, for scenario tests. Thread-safe. */
public final class InMemoryLogStore implements LogStore {
  private final Map<Long, StringBuffer> logs = new ConcurrentHashMap<>();

  @Override
  public Writer open(long buildId) {
    StringBuffer b = logs.computeIfAbsent(buildId, k -> new StringBuffer());
    return new Writer() {
      @Override
      public void line(String line) {
        b.append(line).append('\n');
      }

      @Override
      public String seal() {
        try {
          return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }

  @Override
  public Optional<byte[]> read(long buildId, long offset) {
    StringBuffer b = logs.get(buildId);
    if (b == null) {
      return Optional.empty();
    }
    byte[] all = b.toString().getBytes(StandardCharsets.UTF_8);
    int from = (int) Math.min(offset, all.length);
    return Optional.of(java.util.Arrays.copyOfRange(all, from, all.length));
  }

  /** The whole log as text (tests). */
  public String text(long buildId) {
    StringBuffer b = logs.get(buildId);
    return b == null ? "" : b.toString();
  }
}
