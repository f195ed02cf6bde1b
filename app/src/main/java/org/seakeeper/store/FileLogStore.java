package org.seakeeper.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.seakeeper.core.store.LogStore;

/**
 * Build logs as files: {@code DATA_DIR/logs/<id / 1000>/<id>.log}, UTF-8, one {@code \n} after each
 * line. Each line is written to the file as it comes (no buffering in this process), so a
 * concurrent {@link #read}, {@link #stream} or a streaming client sees it at once. {@link
 * Writer#seal} forces the file to disk and writes {@code <id>.log.sha256} beside it, in the format
 * of {@code sha256sum} ({@code HEX <id>.log}), so {@code sha256sum -c} checks a log by hand. The
 * {@code logs} directory is made {@code rwx------}: logs of embargoed builds must not be readable
 * by jobs.
 *
 * <p>Thread-safe: one writer per build at a time ({@link #open} of a log already open returns its
 * writer); reads need no lock. Opening a sealed log again appends to it and removes the stale
 * checksum until the next seal.
 */
public final class FileLogStore implements LogStore {
  private final Path root;
  private final Map<Long, FileWriter> open = new ConcurrentHashMap<>();

  /** Logs under {@code dataDir/logs}. */
  public FileLogStore(Path dataDir) {
    this.root = dataDir.toAbsolutePath().normalize().resolve("logs");
  }

  /** The file of a build's log (it may not exist). */
  public Path path(long buildId) {
    if (buildId < 0) {
      throw new IllegalArgumentException("bad build id " + buildId);
    }
    return root.resolve(Long.toString(buildId / 1000)).resolve(buildId + ".log");
  }

  /** The checksum file written by {@link Writer#seal}. */
  public Path checksumPath(long buildId) {
    Path log = path(buildId);
    return log.resolveSibling(log.getFileName() + ".sha256");
  }

  @Override
  public Writer open(long buildId) {
    return open.compute(
        buildId, (id, existing) -> existing != null ? existing : new FileWriter(id));
  }

  @Override
  public Optional<byte[]> read(long buildId, long offset, int maxBytes) {
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset " + offset);
    }
    if (maxBytes < 0) {
      throw new IllegalArgumentException("negative maxBytes " + maxBytes);
    }
    try (FileChannel ch = FileChannel.open(path(buildId), StandardOpenOption.READ)) {
      long size = ch.size();
      if (offset >= size) {
        return Optional.of(new byte[0]);
      }
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(maxBytes, size - offset));
      long pos = offset;
      while (buf.hasRemaining()) {
        int n = ch.read(buf, pos);
        if (n < 0) {
          break;
        }
        pos += n;
      }
      byte[] out = new byte[buf.position()];
      buf.flip().get(out);
      return Optional.of(out);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log of build " + buildId, e);
    }
  }

  @Override
  public Optional<Long> size(long buildId) {
    try {
      return Optional.of(Files.size(path(buildId)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log of build " + buildId, e);
    }
  }

  @Override
  public Optional<InputStream> stream(long buildId, long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset " + offset);
    }
    try {
      FileChannel ch = FileChannel.open(path(buildId), StandardOpenOption.READ);
      try {
        ch.position(offset);
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
      return Optional.of(Channels.newInputStream(ch));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log of build " + buildId, e);
    }
  }

  /** SHA-256 of a file, hex. */
  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Appends to one build's log; synchronized so lines from several threads never interleave. */
  private final class FileWriter implements Writer {
    private final long buildId;
    private final Path file;
    private FileChannel channel;
    private String sealed;

    FileWriter(long buildId) {
      this.buildId = buildId;
      this.file = path(buildId);
      try {
        Stores.privateDirectory(root);
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(checksumPath(buildId));
        channel =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot open the log of build " + buildId + " at " + file, e);
      }
    }

    @Override
    public synchronized void line(String line) {
      if (sealed != null) {
        throw new IllegalStateException("the log of build " + buildId + " is sealed");
      }
      ByteBuffer buf = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
      try {
        while (buf.hasRemaining()) {
          channel.write(buf);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the log of build " + buildId, e);
      }
    }

    @Override
    public synchronized String seal() {
      if (sealed != null) {
        return sealed;
      }
      try {
        channel.force(true);
        channel.close();
        String hex = sha256(file);
        Path sum = checksumPath(buildId);
        Path tmp = sum.resolveSibling(sum.getFileName() + ".tmp");
        Files.writeString(tmp, hex + "  " + file.getFileName() + "\n", StandardCharsets.UTF_8);
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          c.force(true);
        }
        try {
          Files.move(tmp, sum, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, sum, StandardCopyOption.REPLACE_EXISTING);
        }
        sealed = hex;
        return hex;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot seal the log of build " + buildId, e);
      } finally {
        open.remove(buildId, this);
      }
    }
  }
}
