package org.seakeeper.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.artifact.ArtifactRecord;

/**
 * {@link ArtifactBlobs} in a directory ({@code DATA_DIR/artifacts/blobs} by default): each content
 * at {@code sha256/AB/ABCDEF...}, mode 0600 in 0700 directories, written once and never changed. A
 * file is read once: hashed while it is copied to a private temporary file (or, on the same file
 * system, hashed and then renamed into place, which costs no second write), then moved to its name
 * atomically, so a reader never sees half a blob. Before anything is written, the free space must
 * stay above {@code reserveBytes} after it: a job that fills the disk gets nothing kept, and the
 * server keeps room for its database and logs. Thread-safe.
 */
public final class FileBlobs implements ArtifactBlobs {
  /** The free space kept by default: 1 GiB. */
  public static final long DEFAULT_RESERVE = 1L << 30;

  private final Path root;
  private final long reserveBytes;

  public FileBlobs(Path root, long reserveBytes) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.reserveBytes = reserveBytes;
    createPrivate(this.root.resolve("sha256"));
    createPrivate(this.root.resolve("tmp"));
  }

  public Path root() {
    return root;
  }

  @Override
  public Stored put(Path source) throws IOException {
    BasicFileAttributes a =
        Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) {
      throw new IOException(source.getFileName() + " is not a regular file");
    }
    long free = Files.getFileStore(root).getUsableSpace();
    if (free - a.size() < reserveBytes) {
      throw new NoRoom(
          "keeping "
              + a.size()
              + " bytes would leave less than the "
              + reserveBytes
              + " bytes kept free on the artifact store ("
              + free
              + " bytes free)");
    }
    MessageDigest md = sha256();
    Path tmp =
        root.resolve("tmp").resolve(System.nanoTime() + "-" + Thread.currentThread().threadId());
    boolean sameStore = Files.getFileStore(source).equals(Files.getFileStore(root));
    try {
      if (sameStore) {
        hash(source, md);
        try {
          Files.move(source, tmp, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          copy(source, tmp, sha256());
        }
      } else {
        copy(source, tmp, md);
      }
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      String sha = HexFormat.of().formatHex(md.digest());
      Path target = file(sha);
      createPrivate(target.getParent());
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        return new Stored(sha, a.size(), false);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return new Stored(sha, a.size(), true);
      } catch (FileAlreadyExistsException e) {
        return new Stored(sha, a.size(), false);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public Optional<Long> size(String sha256) throws IOException {
    if (!ArtifactRecord.isSha256(sha256)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.size(file(sha256)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public InputStream open(String sha256, long from) throws IOException {
    if (!ArtifactRecord.isSha256(sha256)) {
      throw new NoSuchFileException(sha256);
    }
    FileChannel ch = FileChannel.open(file(sha256), StandardOpenOption.READ);
    ch.position(from);
    return Channels.newInputStream(ch);
  }

  @Override
  public void delete(String sha256) throws IOException {
    if (ArtifactRecord.isSha256(sha256)) {
      Files.deleteIfExists(file(sha256));
    }
  }

  private Path file(String sha) {
    return root.resolve("sha256").resolve(sha.substring(0, 2)).resolve(sha);
  }

  private static void hash(Path source, MessageDigest md) throws IOException {
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
  }

  private static void copy(Path source, Path target, MessageDigest md) throws IOException {
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
        OutputStream out =
            Files.newOutputStream(
                target,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                    .toArray(new StandardOpenOption[0]))) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
        out.write(buf, 0, n);
      }
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void createPrivate(Path dir) throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (dir.getParent() != null) {
      Files.createDirectories(dir.getParent());
    }
    try {
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (FileAlreadyExistsException e) {
      // made meanwhile by another thread
    }
  }
}
