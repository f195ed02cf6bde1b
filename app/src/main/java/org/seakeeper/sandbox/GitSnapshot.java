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

  static void make(Path source, String commit, Path dir) throws IOException {
    if (!commit.matches("[0-9a-f]{40}([0-9a-f]{24})?")) {
      throw new IOException("not a full commit id: " + commit);
    }
    String gitDir = git(source, "rev-parse", "--absolute-git-dir").strip();
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

  private static String git(Path dir, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(List.of("git", "-c", "safe.directory=*", "-c", "core.hooksPath=/dev/null"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("GIT_TERMINAL_PROMPT", "0");
    pb.environment().remove("GIT_DIR");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException("git " + String.join(" ", args) + " failed: " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running git " + args[0], e);
    }
    return out;
  }
}
