package org.seakeeper.sandbox;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Makes and removes the per-execution directories. Every directory on the way is root's (when
 * Seakeeper runs as root): the work root ({@code rwx--x--x}), the tier's directory and the
 * execution directory (root and the tier's group, {@code rwx--x---}: only that tier's user may pass
 * through, and none may list or create). The tier's user owns only the execution's {@code
 * workspace} and {@code deps} ({@code rwx------}). What root writes for the sandbox (the job's
 * script, the checkout's packs) sits in root's directories, so no tier user can put a link where
 * root writes. Git checkouts are made inside the sandbox as the tier's user (see {@link GitPack});
 * a plain directory checkout (the {@code seakeeper run} of a working copy) is copied here.
 * Thread-safe.
 */
public final class Workspaces {
  private final Path workRoot;

  public Workspaces(Path workRoot) {
    this.workRoot = workRoot;
  }

  /**
   * Creates {@code workRoot/<tier>/<id>/} with an empty {@code workspace} (and {@code deps}) owned
   * by {@code user}; returns the execution dir.
   */
  public Path create(String tierId, String id, HostUser user) throws IOException {
    Files.createDirectories(workRoot);
    if (user.switchUser()) {
      rootsOwn(workRoot, -1, "rwx--x--x");
    }
    Path tierDir = workRoot.resolve(tierId);
    Files.createDirectories(tierDir);
    if (user.switchUser()) {
      rootsOwn(tierDir, user.gid(), "rwx--x---");
    }
    Path exec = tierDir.resolve(id);
    if (Files.exists(exec, LinkOption.NOFOLLOW_LINKS)) {
      delete(exec);
    }
    Files.createDirectory(exec);
    if (user.switchUser()) {
      rootsOwn(exec, user.gid(), "rwx--x---");
    }
    for (String mine : List.of("workspace", "deps")) {
      Path d = Files.createDirectory(exec.resolve(mine));
      if (user.switchUser()) {
        own(d, user);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
      }
    }
    return exec;
  }

  /**
   * The execution's {@code prepare} directory: root's, readable by the tier's group, for what root
   * hands the sandbox's preparation step.
   */
  public Path inputs(Path execDir, HostUser user) throws IOException {
    Path in = execDir.resolve("prepare");
    if (!Files.isDirectory(in, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(in);
    }
    if (user.switchUser()) {
      rootsOwn(in, user.gid(), "rwxr-x---");
    }
    return in;
  }

  /** A file root wrote for the sandbox to read: root's, readable by the tier's group. */
  static void readableBy(Path file, HostUser user) throws IOException {
    if (user.switchUser()) {
      rootsOwn(file, user.gid(), "rw-r-----");
    }
  }

  /**
   * Copies a plain directory checkout into {@code target} (made if missing), every entry given to
   * {@code user}.
   */
  public void copyDirectory(Path from, Path target, HostUser user) throws IOException {
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(target); // the empty directory create() made
    }
    Files.createDirectories(target.getParent());
    copy(from, target, user);
    if (!Files.exists(target)) {
      Files.createDirectory(target);
    }
    if (user.switchUser()) {
      own(target, user);
    }
  }

  private static void rootsOwn(Path p, int gid, String mode) throws IOException {
    Files.setAttribute(p, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
    if (gid >= 0) {
      Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
  }

  /**
   * Takes an execution directory out of its tier at once (a rename) and deletes it in the
   * background, so removing a big workspace does not delay the job's result.
   */
  public void discard(Path execDir, java.util.function.Consumer<String> warnings) {
    Path target = execDir;
    try {
      Path trash = Files.createDirectories(workRoot.resolve(".trash"));
      Files.setPosixFilePermissions(trash, PosixFilePermissions.fromString("rwx------"));
      target = trash.resolve(execDir.getFileName().toString() + "-" + System.nanoTime());
      Files.move(execDir, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      target = execDir;
    }
    Path doomed = target;
    cleaner.execute(
        () -> {
          try {
            delete(doomed);
          } catch (IOException e) {
            warnings.accept("could not remove " + doomed + ": " + e.getMessage());
          }
        });
  }

  private final java.util.concurrent.ExecutorService cleaner =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().name("workspace-cleaner").daemon().unstarted(r));

  /** Waits for pending workspace removals. */
  public void close() {
    cleaner.shutdown();
    try {
      cleaner.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void own(Path p, HostUser user) throws IOException {
    Files.setAttribute(p, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
  }

  /** Copies a tree keeping modes and symlinks, giving every entry to {@code user}. */
  static void copy(Path from, Path to, HostUser user) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Path target = to.resolve(from.relativize(dir).toString());
            Files.copy(dir, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            if (user.switchUser()) {
              own(target, user);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Path target = to.resolve(from.relativize(file).toString());
            Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            if (user.switchUser()) {
              own(target, user);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Deletes a tree, even one whose modes a job changed to keep us out. */
  public static void delete(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            try {
              Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (IOException e) {
              // not ours to change; deletion below reports what matters
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            deleteOne(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
            if (exc instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            if (exc instanceof AccessDeniedException) {
              return FileVisitResult.CONTINUE;
            }
            throw exc;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            deleteOne(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void deleteOne(Path p) throws IOException {
    try {
      Files.deleteIfExists(p);
    } catch (java.nio.file.DirectoryNotEmptyException e) {
      delete(p);
    }
  }
}
