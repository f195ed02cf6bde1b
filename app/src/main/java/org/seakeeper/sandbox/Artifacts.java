package org.seakeeper.sandbox;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.seakeeper.core.model.Glob;

/**
 * Copies the files matching a job's artifact globs out of its workspace, within limits: a job is
 * untrusted input that can fill its workspace with millions of entries or gigabytes. Symlinks are
 * never followed; the walk stops at {@link Limits#maxEntries} entries, the copy at {@link
 * Limits#maxFiles} files or {@link Limits#maxBytes} bytes, the whole at {@link Limits#maxTime} or
 * when the caller says stop (the job was cancelled), each with {@link LimitExceeded} naming the
 * limit. What is kept is the server's: directories 0700 and files 0600, like logs. Stateless.
 */
final class Artifacts {
  /** The limits of one job's collection. */
  record Limits(long maxEntries, int maxFiles, long maxBytes, Duration maxTime) {
    static final Limits DEFAULT =
        new Limits(1_000_000, 10_000, 4L * 1024 * 1024 * 1024, Duration.ofMinutes(5));
  }

  private Artifacts() {}

  /** {@link #collect(Path, List, Path, Limits, BooleanSupplier)} with the default limits. */
  static List<String> collect(Path workspace, List<String> globs, Path into) throws IOException {
    return collect(workspace, globs, into, Limits.DEFAULT, () -> false);
  }

  /** Returns the collected paths, relative to the workspace. */
  static List<String> collect(
      Path workspace, List<String> globs, Path into, Limits limits, BooleanSupplier stop)
      throws IOException {
    List<Glob> gs = globs.stream().map(Glob::of).toList();
    List<String> out = new ArrayList<>();
    long deadline = System.nanoTime() + limits.maxTime().toNanos();
    long[] entries = {0};
    long[] bytes = {0};
    Files.walkFileTree(
        workspace,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            check();
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) throws IOException {
            check();
            if (!attrs.isRegularFile()) {
              return FileVisitResult.CONTINUE; // symlinks (not followed), devices, fifos
            }
            String rel = workspace.relativize(p).toString();
            if (gs.stream().noneMatch(g -> g.matches(rel))) {
              return FileVisitResult.CONTINUE;
            }
            if (out.size() >= limits.maxFiles()) {
              throw new LimitExceeded("artifacts: more than " + limits.maxFiles() + " files match");
            }
            bytes[0] += attrs.size();
            if (bytes[0] > limits.maxBytes()) {
              throw new LimitExceeded("artifacts: more than " + limits.maxBytes() + " bytes match");
            }
            Path target = into.resolve(rel);
            createPrivateDirectories(into, target.getParent());
            Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
            out.add(rel);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
            check();
            return FileVisitResult.CONTINUE; // unreadable: not an artifact
          }

          private void check() throws IOException {
            if (++entries[0] > limits.maxEntries()) {
              throw new LimitExceeded(
                  "artifacts: the workspace has more than "
                      + limits.maxEntries()
                      + " entries to look through");
            }
            if (System.nanoTime() > deadline) {
              throw new LimitExceeded(
                  "artifacts: collecting took longer than " + limits.maxTime().toSeconds() + " s");
            }
            if (stop.getAsBoolean()) {
              throw new LimitExceeded("artifacts: collection stopped (the job was cancelled)");
            }
          }
        });
    return out;
  }

  /** {@code dir} and its parents up to and including {@code root}, each 0700. */
  private static void createPrivateDirectories(Path root, Path dir) throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!dir.equals(root) && dir.getParent() != null && dir.startsWith(root)) {
      createPrivateDirectories(root, dir.getParent());
    } else if (dir.getParent() != null) {
      Files.createDirectories(dir.getParent());
    }
    Files.createDirectory(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }
}
