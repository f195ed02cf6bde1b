package org.seakeeper.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real git repositories in a temporary directory, driven by the git CLI with an isolated
 * configuration (own HOME, no system config), for tests.
 */
final class GitFixture {
  static final String ZEROS = "0000000000000000000000000000000000000000";
  final Path root;
  private final Path home;

  GitFixture(Path root) throws IOException {
    this.root = root;
    this.home = Files.createDirectories(root.resolve("home"));
  }

  /** A new bare repository {@code <name>.git} whose HEAD is {@code main}. */
  Path bare(String name) throws IOException {
    Path dir = root.resolve(name + ".git");
    run(root, "init", "-q", "--bare", "-b", "main", dir.toString());
    return dir;
  }

  /** A new work tree to make commits in and push from. */
  Work work(String name) throws IOException {
    Path dir = root.resolve(name);
    run(root, "init", "-q", "-b", "main", dir.toString());
    return new Work(dir);
  }

  /** The git exit status and output. */
  record Result(int exit, String out) {}

  /** Runs git in {@code dir}; fails unless it exits 0. Returns stdout, trimmed. */
  String run(Path dir, String... args) throws IOException {
    Result r = tryRun(dir, args);
    if (r.exit() != 0) {
      throw new IOException(
          "git " + String.join(" ", args) + " exited " + r.exit() + ":\n" + r.out());
    }
    return r.out().strip();
  }

  Result tryRun(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("GIT_"));
    env.put("HOME", home.toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_AUTHOR_NAME", "Ada");
    env.put("GIT_AUTHOR_EMAIL", "ada@example.org");
    env.put("GIT_COMMITTER_NAME", "Ada");
    env.put("GIT_COMMITTER_EMAIL", "ada@example.org");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("git " + String.join(" ", args) + " timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return new Result(p.exitValue(), out);
  }

  /** A work tree: every commit writes a distinct file content, so every commit id is new. */
  final class Work {
    final Path dir;
    private int counter;

    Work(Path dir) {
      this.dir = dir;
    }

    /** Commits a change to {@code file.txt}; paragraphs become the message. Returns its id. */
    String commit(String... paragraphs) throws IOException {
      return commitFile("file.txt", "content " + (++counter) + "\n", paragraphs);
    }

    String commitFile(String path, String content, String... paragraphs) throws IOException {
      Path f = dir.resolve(path);
      Files.createDirectories(f.getParent());
      Files.writeString(f, content);
      run(dir, "add", "-A");
      return commitStaged(paragraphs);
    }

    /** Replaces HEAD by a new commit with another file content (a new patch set). */
    String amend(String... paragraphs) throws IOException {
      Files.writeString(dir.resolve("file.txt"), "content " + (++counter) + "\n");
      run(dir, "add", "-A");
      List<String> args = new ArrayList<>(List.of("commit", "-q", "--amend"));
      for (String p : paragraphs) {
        args.addAll(List.of("-m", p));
      }
      run(dir, args.toArray(String[]::new));
      return head();
    }

    String commitStaged(String... paragraphs) throws IOException {
      List<String> args = new ArrayList<>(List.of("commit", "-q", "--allow-empty"));
      for (String p : paragraphs.length == 0 ? new String[] {"change " + counter} : paragraphs) {
        args.addAll(List.of("-m", p));
      }
      run(dir, args.toArray(String[]::new));
      return head();
    }

    String head() throws IOException {
      return run(dir, "rev-parse", "HEAD");
    }

    /** {@code git push <repo> <refspecs...>}; fails unless it succeeds. */
    void push(Path repo, String... refspecs) throws IOException {
      List<String> args = new ArrayList<>(List.of("push", "-q", repo.toString()));
      args.addAll(List.of(refspecs));
      run(dir, args.toArray(String[]::new));
    }

    void forcePush(Path repo, String... refspecs) throws IOException {
      List<String> args = new ArrayList<>(List.of("push", "-q", "--force", repo.toString()));
      args.addAll(List.of(refspecs));
      run(dir, args.toArray(String[]::new));
    }

    Result tryPush(Path repo, String... refspecs) throws IOException {
      List<String> args = new ArrayList<>(List.of("push", "-q", repo.toString()));
      args.addAll(List.of(refspecs));
      return tryRun(dir, args.toArray(String[]::new));
    }

    String git(String... args) throws IOException {
      return run(dir, args);
    }
  }
}
