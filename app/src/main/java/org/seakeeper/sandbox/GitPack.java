package org.seakeeper.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The part of a git checkout that reads the source repository: refuse a tree that is too big, then
 * write one pack holding the commit and its last {@code depth} commits (0: its whole history) and
 * the list of commits whose parents the pack leaves out (git's {@code shallow} file). Nothing here
 * writes a work tree: the sandbox, as the tier's user, indexes the pack and checks the commit out
 * (see {@link BwrapCommand#prepare}). So a job's start depends on the size of the commit's tree and
 * of its last commits, not on the repository's history, and no other branch, tag or change of the
 * source reaches the workspace. Uses the git CLI and JGit, read-only. Stateless.
 */
final class GitPack {
  private GitPack() {}

  /** Most files (and links, submodules) a commit's tree may hold to be checked out. */
  static final long MAX_TREE_ENTRIES = 1_000_000;

  /** Deepest path a commit's tree may hold. */
  static final int MAX_TREE_DEPTH = 128;

  /** Most bytes the files of a commit's tree may add up to. */
  static final long MAX_TREE_BYTES = 8L << 30;

  /** What a commit's tree may hold to be checked out. */
  record Limits(long entries, int depth, long bytes) {
    static final Limits DEFAULT = new Limits(MAX_TREE_ENTRIES, MAX_TREE_DEPTH, MAX_TREE_BYTES);
  }

  /** The job's time ran out while its workspace was being prepared. */
  static final class OutOfTime extends IOException {
    OutOfTime() {
      super("out of time");
    }
  }

  /** The git directory of a repository path (a bare repository or a work tree's {@code .git}). */
  static Path gitDir(Path source) {
    Path dotGit = source.resolve(".git");
    return Files.isDirectory(dotGit) ? dotGit : source;
  }

  /** Longest path (in bytes) a commit's tree may hold. */
  static final int MAX_ENTRY_BYTES = 64 * 1024;

  /**
   * Refuses, before anything is packed or checked out, a commit whose tree is bigger than the
   * limits (a git bomb: one subtree repeated ten times per level is 10^9 files in a few kilobytes).
   * Reads the tree objects and the blobs' sizes from their headers (never a file's content), each
   * distinct tree once: a subtree met again adds its remembered counts, so a git bomb costs its few
   * distinct trees, not its 10^9 paths, and is refused at the first limit passed.
   */
  static void checkTree(Path gitDir, String commit, Limits limits) throws IOException {
    checkTree(gitDir, commit, limits, GIT_TIMEOUT);
  }

  /** Longest a tree check or a git process may take when no job's deadline is nearer. */
  static final Duration GIT_TIMEOUT = Duration.ofMinutes(10);

  /**
   * As {@link #checkTree(Path, String, Limits)}, given up ({@link OutOfTime}) after {@code left} or
   * when the thread is interrupted. It starts no process.
   */
  static void checkTree(Path gitDir, String commit, Limits limits, Duration left)
      throws IOException {
    requireCommitId(commit);
    long deadline = System.nanoTime() + left.toNanos();
    try (org.eclipse.jgit.lib.Repository repo =
            new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                .setGitDir(gitDir.toFile())
                .setMustExist(true)
                .build();
        org.eclipse.jgit.lib.ObjectReader reader = repo.newObjectReader();
        org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(reader)) {
      org.eclipse.jgit.revwalk.RevCommit c;
      try {
        c = walk.parseCommit(org.eclipse.jgit.lib.ObjectId.fromString(commit));
      } catch (org.eclipse.jgit.errors.MissingObjectException
          | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
        throw new IOException("git could not list the tree of commit " + commit, e);
      }
      TreeSize size = new TreeSize(reader, limits, deadline);
      size.add(size.of(c.getTree(), 0), 0, 0);
    } catch (org.eclipse.jgit.errors.MissingObjectException e) {
      throw new IOException("git could not list the tree of commit " + commit, e);
    }
  }

  /**
   * What {@link #checkTree} counts, tree by tree: the files (links and submodules count as files)
   * below a tree, their bytes, the deepest file's depth below it ({@code -1}: none) and its longest
   * path below it. Each distinct tree is read once.
   */
  private static final class TreeSize {
    private record Size(long files, long bytes, int depth, int path) {}

    private final org.eclipse.jgit.lib.ObjectReader reader;
    private final Limits limits;
    private final long deadline;
    private final java.util.Map<org.eclipse.jgit.lib.ObjectId, Size> known =
        new java.util.HashMap<>();
    private long entries;

    TreeSize(org.eclipse.jgit.lib.ObjectReader reader, Limits limits, long deadline) {
      this.reader = reader;
      this.limits = limits;
      this.deadline = deadline;
    }

    /** The size of the tree at {@code level} (its files are that many directories deep). */
    Size of(org.eclipse.jgit.lib.AnyObjectId tree, int level) throws IOException {
      Size k = known.get(tree);
      if (k != null) {
        return k;
      }
      if (level > limits.depth()) {
        throw new LimitExceeded(
            "the commit's tree is more than " + limits.depth() + " directories deep");
      }
      long files = 0;
      long bytes = 0;
      int depth = -1;
      int path = 0;
      org.eclipse.jgit.treewalk.CanonicalTreeParser p =
          new org.eclipse.jgit.treewalk.CanonicalTreeParser();
      p.reset(reader, tree);
      for (; !p.eof(); p.next()) {
        if (++entries > 2 * limits.entries() + 1_000) {
          throw new LimitExceeded(
              "the commit's tree has more than " + (2 * limits.entries() + 1_000) + " entries");
        }
        if ((entries & 1023) == 0
            && (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted())) {
          throw new OutOfTime();
        }
        int name = p.getNameLength();
        org.eclipse.jgit.lib.FileMode mode = p.getEntryFileMode();
        if (mode == org.eclipse.jgit.lib.FileMode.TREE) {
          Size s = of(p.getEntryObjectId(), level + 1);
          files += s.files();
          bytes += s.bytes();
          depth = s.depth() < 0 ? depth : Math.max(depth, s.depth() + 1);
          path = s.path() == 0 ? path : Math.max(path, name + 1 + s.path());
        } else {
          files++;
          if (mode != org.eclipse.jgit.lib.FileMode.GITLINK) {
            bytes +=
                reader.getObjectSize(p.getEntryObjectId(), org.eclipse.jgit.lib.Constants.OBJ_BLOB);
          }
          depth = Math.max(depth, 0);
          path = Math.max(path, name);
        }
        check(files, bytes, level, depth, path);
      }
      Size s = new Size(files, bytes, depth, path);
      known.put(tree.copy(), s);
      return s;
    }

    /** Adds {@code s} found at {@code level} below a path of {@code prefix} bytes (the root: 0). */
    void add(Size s, int level, int prefix) throws LimitExceeded {
      check(s.files(), s.bytes(), level, s.depth(), s.path() + prefix);
    }

    private void check(long files, long bytes, int level, int depth, int path)
        throws LimitExceeded {
      if (files > limits.entries()) {
        throw new LimitExceeded("the commit's tree has more than " + limits.entries() + " files");
      }
      if (depth >= 0 && level + depth >= limits.depth()) {
        throw new LimitExceeded(
            "the commit's tree is more than " + limits.depth() + " directories deep");
      }
      if (path > MAX_ENTRY_BYTES) {
        throw new LimitExceeded(
            "the commit's tree holds a path longer than " + MAX_ENTRY_BYTES + " bytes");
      }
      if (bytes > limits.bytes()) {
        throw new LimitExceeded("the commit's files add up to more than " + size(limits.bytes()));
      }
    }
  }

  /**
   * Writes the pack of {@code commit} and its last {@code depth} commits (0: all) to {@code pack}
   * and the ids of the commits whose parents it leaves out, one per line, to {@code shallow}. Every
   * git process is handed to {@code track} (so a cancel can kill it) and killed at {@code left}.
   */
  static void write(
      Path gitDir,
      String commit,
      int depth,
      Path pack,
      Path shallow,
      Duration left,
      Consumer<Process> track)
      throws IOException {
    requireCommitId(commit);
    if (depth < 0) {
      throw new IllegalArgumentException("depth must not be negative: " + depth);
    }
    long deadline = System.nanoTime() + left.toNanos();
    List<String> limit = depth == 0 ? List.of() : List.of("--max-count=" + depth);
    Set<String> boundary = new LinkedHashSet<>();
    if (depth > 0) {
      List<String> parents = new ArrayList<>(List.of("rev-list", "--parents"));
      parents.addAll(limit);
      parents.add(commit);
      String out = run(gitDir, parents, deadline, track);
      Set<String> inPack = new HashSet<>();
      List<String[]> lines = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (!line.isBlank()) {
          String[] ids = line.strip().split(" ");
          inPack.add(ids[0]);
          lines.add(ids);
        }
      }
      for (String[] ids : lines) {
        for (int i = 1; i < ids.length; i++) {
          if (!inPack.contains(ids[i])) {
            boundary.add(ids[0]);
          }
        }
      }
    }
    Files.writeString(
        shallow,
        boundary.isEmpty() ? "" : String.join("\n", boundary) + "\n",
        StandardCharsets.UTF_8);
    List<String> objects = new ArrayList<>(List.of("rev-list", "--objects"));
    objects.addAll(limit);
    objects.add(commit);
    ProcessBuilder list = command(gitDir, objects);
    ProcessBuilder packer =
        command(gitDir, List.of("pack-objects", "--stdout", "-q"))
            .redirectOutput(pack.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    list.redirectError(ProcessBuilder.Redirect.DISCARD);
    List<Process> pipeline = ProcessBuilder.startPipeline(List.of(list, packer));
    pipeline.forEach(track);
    for (Process p : pipeline) {
      int code = waitFor(p, deadline, pipeline);
      if (code != 0) {
        throw new IOException(
            "git could not pack commit "
                + commit
                + " (exit "
                + code
                + "; is it in the repository?)");
      }
    }
  }

  static String size(long bytes) {
    if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
      return (bytes >> 30) + " GiB";
    }
    if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    return bytes + " bytes";
  }

  private static void requireCommitId(String commit) throws IOException {
    if (!commit.matches("[0-9a-f]{40}([0-9a-f]{24})?")) {
      throw new IOException("not a full commit id: " + commit);
    }
  }

  private static ProcessBuilder command(Path gitDir, List<String> args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "git",
                "-c",
                "safe.directory=*",
                "-c",
                "core.hooksPath=/dev/null",
                "--git-dir=" + gitDir));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(gitDir.toFile());
    pb.environment().put("GIT_TERMINAL_PROMPT", "0");
    pb.environment().remove("GIT_DIR");
    return pb;
  }

  private static String run(Path gitDir, List<String> args, long deadline, Consumer<Process> track)
      throws IOException {
    Process p = command(gitDir, args).redirectErrorStream(true).start();
    track.accept(p);
    // Read on another thread, so the deadline holds however much git prints.
    java.util.concurrent.CompletableFuture<String> text =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try (java.io.InputStream in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "";
              }
            },
            r -> Thread.ofVirtual().start(r));
    int code = waitFor(p, deadline, List.of(p));
    String s = text.join();
    if (code != 0) {
      throw new IOException(
          "git "
              + args.get(0)
              + " failed (exit "
              + code
              + "): "
              + s.strip().lines().findFirst().orElse(""));
    }
    return s;
  }

  private static int waitFor(Process p, long deadline, List<Process> all) throws IOException {
    try {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
        all.forEach(Process::destroyForcibly);
        throw new OutOfTime();
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      all.forEach(Process::destroyForcibly);
      throw new IOException("interrupted while packing the checkout", e);
    }
  }
}
