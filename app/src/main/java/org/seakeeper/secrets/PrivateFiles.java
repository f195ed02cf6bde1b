package org.seakeeper.secrets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Key files: created once, private from the first byte, and refused when others can read them.
 * Stateless.
 */
public final class PrivateFiles {
  private PrivateFiles() {}

  /**
   * Writes {@code content} to {@code file} (mode {@code 0600}, its directory {@code 0700} when
   * created) unless it exists: written to a private temporary file, then linked into place, so the
   * key is never readable by others, never half-written, and a key another process made first is
   * never replaced.
   */
  public static void createOnce(Path file, byte[] content) throws IOException {
    Path dir = file.getParent();
    if (!Files.exists(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Path tmp =
        dir.resolve(
            "."
                + file.getFileName()
                + "."
                + ProcessHandle.current().pid()
                + "."
                + System.nanoTime()
                + ".tmp");
    try (var ch =
        Files.newByteChannel(
            tmp,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      ch.write(ByteBuffer.wrap(content));
    }
    try {
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException e) {
      // another process made it first: use theirs
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Null when only the owner can read {@code file}, else the sentence saying how to fix it. */
  public static String notPrivate(Path file, String what) throws IOException {
    String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    return perms.substring(3).equals("------")
        ? null
        : "the "
            + what
            + " "
            + file
            + " is readable by others ("
            + perms
            + "); make it private: chmod 600 "
            + file;
  }
}
