package org.seakeeper.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where artifact contents live, named by their SHA-256 (docs/contracts.md §10). The file system
 * implementation is {@link FileBlobs}; an S3-compatible store would be another. Thread-safe.
 */
public interface ArtifactBlobs {
  /** What {@link #put} kept: the content's digest and size, and whether it was new. */
  record Stored(String sha256, long size, boolean created) {}

  /**
   * Keeps the content of the regular file {@code source} (hashed while it is read, never whole in
   * memory); {@code source} may be consumed (moved). Throws {@link NoRoom} when keeping it would
   * leave less free space than the store keeps in reserve.
   */
  Stored put(Path source) throws IOException;

  /** The size of a kept content, if kept. */
  Optional<Long> size(String sha256) throws IOException;

  /** The content from byte {@code from} on; the caller closes it. */
  InputStream open(String sha256, long from) throws IOException;

  /** Removes a kept content (after a failed keep, or by retention). */
  void delete(String sha256) throws IOException;

  /** Keeping would fill the disk past the reserve: nothing was kept. */
  final class NoRoom extends IOException {
    private static final long serialVersionUID = 1L;

    public NoRoom(String message) {
      super(message);
    }
  }
}
