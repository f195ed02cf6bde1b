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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.seakeeper.core.executor.Checkout;

/**
 * Makes and removes the per-execution directories: a fresh workspace holding a copy of the
 * checkout, owned by the tier's host user. Git checkouts are made once per commit into a private
 * snapshot (see {@link GitSnapshot}) and copied from there. Thread-safe.
 */
public final class Workspaces {
  private final Path workRoot;
  private final ConcurrentHashMap<String, Path> snapshots = new ConcurrentHashMap<>();

  public Workspaces(Path workRoot) {
    this.workRoot = workRoot;
  }

  /** Creates {@code workRoot/<tier>/<id>/} and its workspace; returns the execution dir. */
  public Path create(String tierId, String id, Checkout checkout, HostUser user)
      throws IOException {
    Files.createDirectories(workRoot);
    if (user.switchUser()) {
      Files.setPosixFilePermissions(workRoot, PosixFilePermissions.fromString("rwx--x--x"));
    }
    Path tierDir = workRoot.resolve(tierId);
    Files.createDirectories(tierDir);
    if (user.switchUser()) {
      own(tierDir, user);
      Files.setPosixFilePermissions(tierDir, PosixFilePermissions.fromString("rwx------"));
    }
    Path exec = tierDir.resolve(id);
    if (Files.exists(exec, LinkOption.NOFOLLOW_LINKS)) {
      delete(exec);
    }
    Files.createDirectory(exec);
    Path ws = exec.resolve("workspace");
    Path source = checkout.commit().isPresent() ? snapshot(checkout) : Path.of(checkout.location());
    copy(source, ws, user);
    if (!Files.exists(ws)) {
      Files.createDirectory(ws);
    }
    if (user.switchUser()) {
      own(exec, user);
      own(ws, user);
      Files.setPosixFilePermissions(exec, PosixFilePermissions.fromString("rwx------"));
    }
    return exec;
  }

  /**
   * Copies each dependency checkout to {@code execDir/deps/<connection>/<project>} (bound at {@code
   * $SEAKEEPER_DEPS} in the sandbox), given to {@code user} like the workspace.
   */
  public void createDependencies(
      Path execDir, List<org.seakeeper.core.executor.DependencyCheckout> deps, HostUser user)
      throws IOException {
    Path root = execDir.resolve("deps");
    for (org.seakeeper.core.executor.DependencyCheckout d : deps) {
      Path dir = root.resolve(d.relativePath()).normalize();
      if (!dir.startsWith(root)) {
        throw new IOException(
            "dependency checkout outside the execution directory: " + d.relativePath());
      }
      Files.createDirectories(dir.getParent());
      Checkout c = d.checkout();
      copy(c.commit().isPresent() ? snapshot(c) : Path.of(c.location()), dir, user);
      if (!Files.exists(dir)) {
        Files.createDirectory(dir);
      }
      if (user.switchUser()) {
        own(dir, user);
      }
    }
  }

  private Path snapshot(Checkout checkout) throws IOException {
    String key = checkout.location() + "@" + checkout.commit().orElseThrow();
    Path existing = snapshots.get(key);
    if (existing != null && Files.isDirectory(existing)) {
      return existing;
    }
    synchronized (this) {
      existing = snapshots.get(key);
      if (existing != null && Files.isDirectory(existing)) {
        return existing;
      }
      Path dir = workRoot.resolve("snapshots").resolve(sha(key));
      Files.createDirectories(dir.getParent());
      Files.setPosixFilePermissions(dir.getParent(), PosixFilePermissions.fromString("rwx------"));
      if (Files.exists(dir)) {
        delete(dir);
      }
      GitSnapshot.make(Path.of(checkout.location()), checkout.commit().get(), dir);
      snapshots.put(key, dir);
      return dir;
    }
  }

  private static String sha(String s) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Takes an execution directory out of its tier at once (a rename) and deletes it in the
   * background, so removing a big workspace does not delay the job's result.
   */
  public void discard(Path execDir, java.util.function.Consumer<String> warnings) {
    Path target = execDir;
    try {
      Path trash = Files.createDirectories(workRoot.resolve(".trash"));
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

  /** Removes snapshots made by this instance and waits for pending workspace removals. */
  public void close() {
    cleaner.shutdown();
    try {
      cleaner.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Path p : snapshots.values()) {
      try {
        delete(p);
      } catch (IOException e) {
        // leave it for the next run; snapshots are private to root
      }
    }
    snapshots.clear();
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
