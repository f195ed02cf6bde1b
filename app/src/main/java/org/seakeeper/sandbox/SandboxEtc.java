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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The {@code /etc} a job on the host image sees: the few host entries builds need (never all of
 * {@code /etc}, never secrets such as {@code shadow}), resolver files only for tiers with a
 * network, and a generated {@code passwd}, {@code group}, {@code hosts} and {@code nsswitch.conf}.
 * Assembled once per executor, tier user and network setting, and bound read-only as one directory
 * (one mount instead of two dozen per job). Thread-safe.
 */
final class SandboxEtc {
  /** Host files and directories under /etc a build may need; nothing secret. */
  static final List<String> ENTRIES =
      List.of(
          "alternatives",
          "ld.so.cache",
          "ld.so.conf",
          "ld.so.conf.d",
          "localtime",
          "timezone",
          "ssl",
          "ca-certificates",
          "ca-certificates.conf",
          "mime.types",
          "protocols",
          "services",
          "os-release",
          "debian_version",
          "gitconfig",
          "environment",
          "magic",
          "papersize");

  static final List<String> NETWORK_ENTRIES = List.of("resolv.conf", "gai.conf", "host.conf");

  private static final java.util.concurrent.atomic.AtomicInteger INSTANCES =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Path workRoot;
  private final String instance;
  private final Map<String, Path> made = new ConcurrentHashMap<>();

  /**
   * Each instance assembles its own directories (named with this process's pid), so executors in
   * other processes or in this one never rebuild a directory another is binding; directories of
   * processes that are gone are removed.
   */
  SandboxEtc(Path workRoot) {
    this.workRoot = workRoot;
    this.instance = ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
  }

  /** Removes this instance's directories. */
  void close() {
    for (Path p : made.values()) {
      try {
        Workspaces.delete(p);
      } catch (IOException e) {
        // a leftover is removed by the next start in another process
      }
    }
    made.clear();
  }

  private void removeStale() {
    try (Stream<Path> s = Files.list(workRoot)) {
      for (Path p : s.filter(x -> x.getFileName().toString().startsWith("etc-")).toList()) {
        String[] parts = p.getFileName().toString().split("-");
        long pid = parts.length >= 2 ? parseLong(parts[parts.length - 2]) : -1;
        if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        Workspaces.delete(p);
      }
    } catch (IOException | RuntimeException e) {
      // best effort: stale directories only cost disk
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The directory to bind as /etc for jobs run as uid/gid with or without a network. */
  Path forJob(String tierId, boolean network, int uid, int gid) throws IOException {
    String key = tierId + (network ? "-net" : "") + "-" + uid;
    Path existing = made.get(key);
    if (existing != null) {
      return existing;
    }
    synchronized (this) {
      existing = made.get(key);
      if (existing != null) {
        return existing;
      }
      if (made.isEmpty()) {
        removeStale();
      }
      Path dir = workRoot.resolve("etc-" + key + "-" + instance);
      Workspaces.delete(dir);
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      for (String e : ENTRIES) {
        copy(Path.of("/etc", e), dir.resolve(e));
      }
      if (network) {
        for (String e : NETWORK_ENTRIES) {
          copy(Path.of("/etc", e), dir.resolve(e));
        }
      }
      try (Stream<Path> s = Files.list(Path.of("/etc"))) {
        for (Path p : s.filter(p -> p.getFileName().toString().startsWith("java-")).toList()) {
          copy(p, dir.resolve(p.getFileName().toString()));
        }
      }
      for (Map.Entry<String, String> f : BwrapCommand.etcFiles(uid, gid).entrySet()) {
        Files.writeString(dir.resolve(f.getKey()), f.getValue());
      }
      made.put(key, dir);
      return dir;
    }
  }

  /**
   * Copies a host entry: top-level files by content (resolving links), directories keeping links.
   */
  private static void copy(Path from, Path to) throws IOException {
    if (!Files.exists(from)) {
      return;
    }
    if (!Files.isDirectory(from)) {
      if (Files.isReadable(from)) {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
      return;
    }
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(d).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            Path target = to.resolve(from.relativize(f).toString());
            if (Files.isSymbolicLink(f) || Files.isReadable(f)) {
              Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
