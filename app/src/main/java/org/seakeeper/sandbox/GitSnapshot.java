package org.seakeeper.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a self-contained git work tree of one commit: a new repository that borrows the source's
 * objects only long enough to check the commit out and copy in what the commit reaches. So a patch
 * set that no ref points to any more still builds, and the workspace holds the commit's history but
 * no other branch, tag or change of the source. Uses the git CLI. Stateless.
 */
final class GitSnapshot {
  private GitSnapshot() {}

  /** Most files (and links, submodules) a commit's tree may hold to be checked out. */
  static final long MAX_TREE_ENTRIES = 1_000_000;

  /** Deepest path a commit's tree may hold. */
  static final int MAX_TREE_DEPTH = 128;

  /** Longest one git command of a snapshot may run. */
  static final java.time.Duration GIT_TIMEOUT = java.time.Duration.ofMinutes(10);

  static void make(Path source, String commit, Path dir) throws IOException {
    if (!commit.matches("[0-9a-f]{40}([0-9a-f]{24})?")) {
      throw new IOException("not a full commit id: " + commit);
    }
    String gitDir = git(source, "rev-parse", "--absolute-git-dir").strip();
    checkTree(Path.of(gitDir), commit, MAX_TREE_ENTRIES, MAX_TREE_DEPTH);
    Files.createDirectories(dir);
    git(dir, "init", "--quiet", "--initial-branch=seakeeper", ".");
    Path alternates = dir.resolve(".git/objects/info/alternates");
    Files.createDirectories(alternates.getParent());
    Files.writeString(alternates, gitDir + "/objects\n");
    try {
      git(dir, "update-ref", "refs/heads/seakeeper", commit);
      git(dir, "-c", "advice.detachedHead=false", "checkout", "--quiet", "--force", "seakeeper");
      git(dir, "repack", "-a", "-d", "--quiet");
    } finally {
      Files.deleteIfExists(alternates);
    }
    git(dir, "fsck", "--connectivity-only", "--no-progress", "--no-dangling");
  }

  /**
   * Refuses, before anything is checked out, a commit whose tree is bigger than {@code maxEntries}
   * files or deeper than {@code maxDepth} (a git bomb: one subtree repeated ten times per level is
   * 10^9 files in a few kilobytes). Counts without reading a file.
   */
  static void checkTree(Path gitDir, String commit, long maxEntries, int maxDepth)
      throws IOException {
    try (org.eclipse.jgit.lib.Repository repo =
            new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                .setGitDir(gitDir.toFile())
                .setMustExist(true)
                .build();
        org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(repo);
        org.eclipse.jgit.treewalk.TreeWalk tw = new org.eclipse.jgit.treewalk.TreeWalk(repo)) {
      tw.addTree(walk.parseCommit(org.eclipse.jgit.lib.ObjectId.fromString(commit)).getTree());
      tw.setRecursive(true);
      long n = 0;
      while (tw.next()) {
        if (++n > maxEntries) {
          throw new LimitExceeded("the commit's tree has more than " + maxEntries + " files");
        }
        if (tw.getDepth() >= maxDepth) {
          throw new LimitExceeded(
              "the commit's tree is more than " + maxDepth + " directories deep");
        }
      }
    } catch (org.eclipse.jgit.errors.MissingObjectException e) {
      return; // git's own checkout says what is missing
    }
  }

  private static String git(Path dir, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(List.of("git", "-c", "safe.directory=*", "-c", "core.hooksPath=/dev/null"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("GIT_TERMINAL_PROMPT", "0");
    pb.environment().remove("GIT_DIR");
    Process p = pb.start();
    // A timer kills git past its time (a huge tree): its output then ends and the wait returns.
    java.util.concurrent.CompletableFuture<Void> killer =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> p.destroyForcibly(),
            java.util.concurrent.CompletableFuture.delayedExecutor(
                GIT_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      int code = p.waitFor();
      if (killer.isDone()) {
        throw new LimitExceeded(
            "git " + args[0] + " ran longer than " + GIT_TIMEOUT.toMinutes() + " minutes");
      }
      killer.cancel(false);
      if (code != 0) {
        throw new IOException("git " + String.join(" ", args) + " failed: " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running git " + args[0], e);
    }
    return out;
  }
}
