package org.seakeeper.depcache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.seakeeper.core.depcache.Eviction;

/**
 * The cache's files on disk: {@code dir/trusted/KEY} for files a trusted build fetched or used,
 * {@code dir/untrusted/KEY} for the rest, {@code dir/tmp/} for downloads in progress. A file
 * appears under its key only complete and verified, by an atomic rename from {@code tmp}; an index
 * in memory keeps sizes, last use and tier for LRU eviction under {@code maxSize} (see {@link
 * Eviction}). On start the index is rebuilt from the directories (last use from the files'
 * modification time; indexes and metadata count as stale), and {@code tmp} is emptied. Keys come
 * from the request grammar only; every path is still checked to stay under {@code dir}.
 * Thread-safe.
 */
final class FileStore {
  private final Path trustedDir;
  private final Path untrustedDir;
  private final Path tmp;
  private final long maxSize;
  private final long trustedFloor;
  private final Map<String, Meta> index = new HashMap<>();
  private long tick;

  private static final class Meta {
    long size;
    long lastAccess;
    Instant fetchedAt;
    boolean trusted;
  }

  /** A cached file, opened for reading (close it). */
  record Opened(String key, FileChannel channel, long size, Instant fetchedAt, boolean trusted)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing to do
      }
    }

    byte[] readAll() throws IOException {
      if (size > Integer.MAX_VALUE - 16) {
        throw new IOException("too large to read at once");
      }
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) size);
      long position = 0;
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, position);
        if (n < 0) {
          break;
        }
        position += n;
      }
      return buffer.array();
    }
  }

  /** No room for a file without evicting what this request may not evict. */
  static final class CacheFullException extends IOException {
    CacheFullException(String message) {
      super(message);
    }
  }

  FileStore(Path dir, long maxSize, long trustedFloor) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    this.trustedDir = root.resolve("trusted");
    this.untrustedDir = root.resolve("untrusted");
    this.tmp = root.resolve("tmp");
    this.maxSize = maxSize;
    this.trustedFloor = trustedFloor;
    Files.createDirectories(trustedDir);
    Files.createDirectories(untrustedDir);
    Files.createDirectories(tmp);
    try (Stream<Path> leftovers = Files.list(tmp)) {
      for (Path p : leftovers.toList()) {
        Files.deleteIfExists(p);
      }
    }
    load();
  }

  private void load() throws IOException {
    record Found(String key, long size, long modified, boolean trusted) {}
    List<Found> found = new ArrayList<>();
    for (boolean trusted : new boolean[] {true, false}) {
      Path base = trusted ? trustedDir : untrustedDir;
      try (Stream<Path> files = Files.walk(base)) {
        for (Path p : files.filter(Files::isRegularFile).toList()) {
          String key = base.relativize(p).toString().replace('\\', '/');
          found.add(
              new Found(key, Files.size(p), Files.getLastModifiedTime(p).toMillis(), trusted));
        }
      }
    }
    found.sort(Comparator.comparingLong(Found::modified));
    for (Found f : found) {
      if (index.containsKey(f.key())) {
        Files.deleteIfExists(untrustedDir.resolve(f.key()));
        continue;
      }
      Meta m = new Meta();
      m.size = f.size();
      m.lastAccess = ++tick;
      m.fetchedAt = Instant.EPOCH;
      m.trusted = f.trusted();
      index.put(f.key(), m);
    }
  }

  /** A fresh temporary file for a download; commit or delete it. */
  Path newTemp() throws IOException {
    return Files.createFile(tmp.resolve(UUID.randomUUID() + ".part"));
  }

  /**
   * Opens the file cached under {@code key}, marking it used; a trusted request moves it to the
   * trusted files (kept above the floor).
   */
  synchronized Optional<Opened> open(String key, boolean trustedRequest) throws IOException {
    Meta m = index.get(key);
    if (m == null) {
      return Optional.empty();
    }
    if (trustedRequest && !m.trusted) {
      Path target = path(true, key);
      Files.createDirectories(target.getParent());
      move(path(false, key), target);
      m.trusted = true;
    }
    m.lastAccess = ++tick;
    FileChannel channel;
    try {
      channel = FileChannel.open(path(m.trusted, key), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      index.remove(key);
      return Optional.empty();
    }
    return Optional.of(new Opened(key, channel, m.size, m.fetchedAt, m.trusted));
  }

  /** Whether a file is cached under {@code key} (without marking it used). */
  synchronized boolean contains(String key) {
    return index.containsKey(key);
  }

  /**
   * Puts the complete, verified download {@code temp} under {@code key}, evicting least recently
   * used files as needed; replaces what was there. A refresh keeps the tier of the file it replaces
   * when that was trusted.
   *
   * @throws CacheFullException when the room cannot be made (the download is deleted)
   */
  synchronized void commit(String key, Path temp, boolean trustedRequest, Instant fetchedAt)
      throws IOException {
    long size = Files.size(temp);
    Meta existing = index.get(key);
    boolean trusted = trustedRequest || (existing != null && existing.trusted);
    List<Eviction.Entry> entries = new ArrayList<>(index.size());
    index.forEach(
        (k, m) -> {
          if (!k.equals(key)) {
            entries.add(new Eviction.Entry(k, m.size, m.lastAccess, m.trusted, false));
          }
        });
    Optional<List<String>> plan =
        Eviction.choose(entries, size, trustedRequest, maxSize, trustedFloor);
    if (plan.isEmpty()) {
      Files.deleteIfExists(temp);
      throw new CacheFullException(
          "no room for "
              + size
              + " bytes of "
              + key
              + (trustedRequest ? "" : " without evicting files kept for trusted builds"));
    }
    for (String victim : plan.get()) {
      Meta m = index.remove(victim);
      Files.deleteIfExists(path(m.trusted, victim));
    }
    if (existing != null && existing.trusted != trusted) {
      Files.deleteIfExists(path(existing.trusted, key));
    }
    Path target = path(trusted, key);
    Files.createDirectories(target.getParent());
    move(temp, target);
    Meta m = new Meta();
    m.size = size;
    m.lastAccess = ++tick;
    m.fetchedAt = fetchedAt;
    m.trusted = trusted;
    index.put(key, m);
  }

  /** Forgets and deletes what is cached under {@code key}. */
  synchronized void remove(String key) throws IOException {
    Meta m = index.remove(key);
    if (m != null) {
      Files.deleteIfExists(path(m.trusted, key));
    }
  }

  /** The bytes cached in all and those kept for trusted builds. */
  synchronized long[] usage() {
    long total = 0;
    long trusted = 0;
    for (Meta m : index.values()) {
      total += m.size;
      if (m.trusted) {
        trusted += m.size;
      }
    }
    return new long[] {total, trusted};
  }

  private Path path(boolean trusted, String key) {
    Path base = trusted ? trustedDir : untrustedDir;
    Path p = base.resolve(key).normalize();
    if (!p.startsWith(base) || p.equals(base)) {
      throw new UncheckedIOException(new IOException("key outside the cache: " + key));
    }
    return p;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the cache's tmp and file directories must be on one file system", e);
    }
  }
}
