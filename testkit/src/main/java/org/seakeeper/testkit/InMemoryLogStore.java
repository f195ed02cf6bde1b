package org.seakeeper.testkit;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.seakeeper.core.store.LogStore;

/** Logs in memory (UTF-8 bytes, as a file would hold them), for scenario tests. Thread-safe. */
public final class InMemoryLogStore implements LogStore {
  private final Map<Long, Bytes> logs = new ConcurrentHashMap<>();

  /** A growable byte array; every access holds its lock. */
  private static final class Bytes {
    private byte[] data = new byte[64];
    private int length;

    synchronized void append(byte[] more) {
      if (length + more.length > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, length + more.length));
      }
      System.arraycopy(more, 0, data, length, more.length);
      length += more.length;
    }

    synchronized int length() {
      return length;
    }

    /** Up to {@code max} bytes from {@code offset}. */
    synchronized byte[] slice(long offset, int max) {
      int from = (int) Math.min(offset, length);
      return Arrays.copyOfRange(data, from, from + Math.min(max, length - from));
    }

    synchronized byte[] all() {
      return Arrays.copyOf(data, length);
    }
  }

  @Override
  public Writer open(long buildId) {
    Bytes b = logs.computeIfAbsent(buildId, k -> new Bytes());
    return new Writer() {
      @Override
      public void line(String line) {
        b.append((line + "\n").getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public String seal() {
        try {
          return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.all()));
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }

  @Override
  public Optional<byte[]> read(long buildId, long offset, int maxBytes) {
    if (offset < 0 || maxBytes < 0) {
      throw new IllegalArgumentException("negative offset " + offset + " or maxBytes " + maxBytes);
    }
    return Optional.ofNullable(logs.get(buildId)).map(b -> b.slice(offset, maxBytes));
  }

  @Override
  public Optional<Long> size(long buildId) {
    return Optional.ofNullable(logs.get(buildId)).map(b -> (long) b.length());
  }

  @Override
  public Optional<InputStream> stream(long buildId, long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset " + offset);
    }
    Bytes b = logs.get(buildId);
    if (b == null) {
      return Optional.empty();
    }
    return Optional.of(
        new InputStream() {
          private long pos = offset;

          @Override
          public int read() {
            byte[] one = b.slice(pos, 1);
            if (one.length == 0) {
              return -1;
            }
            pos++;
            return one[0] & 0xff;
          }

          @Override
          public int read(byte[] buf, int off, int len) {
            if (len == 0) {
              return 0;
            }
            byte[] some = b.slice(pos, len);
            if (some.length == 0) {
              return -1;
            }
            System.arraycopy(some, 0, buf, off, some.length);
            pos += some.length;
            return some.length;
          }
        });
  }

  /** The whole log as text (tests). */
  public String text(long buildId) {
    Bytes b = logs.get(buildId);
    return b == null ? "" : new String(b.all(), StandardCharsets.UTF_8);
  }
}
