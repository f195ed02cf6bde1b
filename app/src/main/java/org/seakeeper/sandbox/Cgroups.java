package org.seakeeper.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Memory and pids limits for one execution through cgroups v1 or v2, created under a {@code
 * seakeeper} group and removed afterwards. Where the machine does not allow it (not root, read-only
 * cgroupfs) {@link #create} says why instead, and the job runs without these limits. Thread-safe.
 */
public final class Cgroups {
  private final Path root;

  public Cgroups(Path root) {
    this.root = root;
  }

  public static Cgroups system() {
    return new Cgroups(Path.of("/sys/fs/cgroup"));
  }

  /** The cgroups of one execution; the launcher adds the job's first process to every one. */
  public record Handle(List<Path> groups) {
    /** The {@code cgroup.procs} files to write the process id to. */
    public List<Path> procsFiles() {
      return groups.stream().map(g -> g.resolve("cgroup.procs")).toList();
    }

    /** Process ids still in the groups (host pid namespace). */
    public List<Long> pids() {
      List<Long> out = new ArrayList<>();
      for (Path f : procsFiles()) {
        try {
          for (String l : Files.readAllLines(f)) {
            if (!l.isBlank()) {
              out.add(Long.parseLong(l.strip()));
            }
          }
        } catch (IOException | NumberFormatException e) {
          // the group is gone already
        }
      }
      return out.stream().distinct().toList();
    }

    /** Kills everything left in the groups and removes them, polling with a short backoff. */
    public void destroy() {
      long pauseMicros = 250;
      long deadline = System.nanoTime() + 5_000_000_000L;
      List<Path> left = new ArrayList<>(groups);
      while (!left.isEmpty() && System.nanoTime() < deadline) {
        List<Long> pids = pids();
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        if (pids.isEmpty()) {
          left.removeIf(
              g -> {
                try {
                  Files.deleteIfExists(g);
                  return true;
                } catch (IOException e) {
                  return false; // busy until the kernel has reaped the last task
                }
              });
        }
        if (!left.isEmpty()) {
          try {
            Thread.sleep(java.time.Duration.ofNanos(pauseMicros * 1000));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          pauseMicros = Math.min(pauseMicros * 2, 50_000);
        }
      }
    }
  }

  /** Result of trying to create limits: a handle, or why there are none. */
  public record Attempt(Optional<Handle> handle, Optional<String> unavailable) {}

  /**
   * Removes empty groups left by Seakeeper processes that died (named {@code <id>-<pid>-<n>}), once
   * per process; best effort.
   */
  private final java.util.concurrent.atomic.AtomicBoolean swept =
      new java.util.concurrent.atomic.AtomicBoolean();

  private void sweep() {
    if (!swept.compareAndSet(false, true)) {
      return;
    }
    for (Path parent :
        List.of(
            root.resolve("seakeeper"),
            root.resolve("memory/seakeeper"),
            root.resolve("pids/seakeeper"))) {
      try (java.util.stream.Stream<Path> s = Files.list(parent)) {
        for (Path g : s.filter(Files::isDirectory).toList()) {
          String[] parts = g.getFileName().toString().split("-");
          long pid = -1;
          try {
            pid = parts.length >= 3 ? Long.parseLong(parts[parts.length - 2]) : -1;
          } catch (NumberFormatException e) {
            pid = -1;
          }
          if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            continue;
          }
          try {
            Files.deleteIfExists(g);
          } catch (IOException e) {
            // not empty or busy: leave it
          }
        }
      } catch (IOException | RuntimeException e) {
        // no such hierarchy
      }
    }
  }

  public Attempt create(String id, long memoryBytes, int pidsMax) {
    sweep();
    if (Files.exists(root.resolve("cgroup.controllers"))) {
      return v2(id, memoryBytes, pidsMax);
    }
    return v1(id, memoryBytes, pidsMax);
  }

  private Attempt v2(String id, long memoryBytes, int pidsMax) {
    Path parent = root.resolve("seakeeper");
    try {
      Files.createDirectories(parent);
      enable(root);
      enable(parent);
      Path g = parent.resolve(id);
      Files.createDirectories(g);
      Files.writeString(g.resolve("memory.max"), Long.toString(memoryBytes));
      Files.writeString(g.resolve("pids.max"), Integer.toString(pidsMax));
      return new Attempt(Optional.of(new Handle(List.of(g))), Optional.empty());
    } catch (IOException | RuntimeException e) {
      return new Attempt(
          Optional.empty(),
          Optional.of(
              "cgroup v2 at "
                  + root
                  + " is not writable ("
                  + e.getMessage()
                  + "); run Seakeeper as root or delegate a cgroup to it"));
    }
  }

  private static void enable(Path group) throws IOException {
    Path control = group.resolve("cgroup.subtree_control");
    String current = Files.readString(control);
    if (!current.contains("memory") || !current.contains("pids")) {
      Files.writeString(control, "+memory +pids");
    }
  }

  private Attempt v1(String id, long memoryBytes, int pidsMax) {
    Path mem = root.resolve("memory");
    Path pids = root.resolve("pids");
    if (!Files.isDirectory(mem) || !Files.isDirectory(pids)) {
      return new Attempt(
          Optional.empty(), Optional.of("no cgroup v1 memory and pids controllers under " + root));
    }
    List<Path> made = new ArrayList<>();
    try {
      Path m = mem.resolve("seakeeper").resolve(id);
      Files.createDirectories(m);
      made.add(m);
      Files.writeString(m.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
      Path p = pids.resolve("seakeeper").resolve(id);
      Files.createDirectories(p);
      made.add(p);
      Files.writeString(p.resolve("pids.max"), Integer.toString(pidsMax));
      return new Attempt(Optional.of(new Handle(made)), Optional.empty());
    } catch (IOException | RuntimeException e) {
      new Handle(made).destroy();
      return new Attempt(
          Optional.empty(),
          Optional.of(
              "cgroup v1 controllers under "
                  + root
                  + " are not writable ("
                  + e.getMessage()
                  + "); run Seakeeper as root"));
    }
  }
}
