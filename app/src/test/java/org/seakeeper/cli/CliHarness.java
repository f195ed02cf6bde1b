package org.seakeeper.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;

/** Runs the CLI in-process and makes throw-away git repos for it. */
final class CliHarness {
  record Result(int code, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }
  }

  private CliHarness() {}

  static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  /** A git repo in {@code dir} whose only commit holds {@code .seakeeper.yaml} = {@code yaml}. */
  static Path repo(Path dir, String yaml) throws IOException, GitAPIException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(".seakeeper.yaml"), yaml);
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit()
          .setMessage("init")
          .setAuthor("t", "t@example.org")
          .setCommitter("t", "t@example.org")
          .setSign(false)
          .call();
    }
    return dir;
  }

  static void commitAll(Path dir, String message) throws IOException, GitAPIException {
    try (Git git = Git.open(dir.toFile())) {
      git.add().addFilepattern(".").call();
      git.commit()
          .setMessage(message)
          .setAuthor("t", "t@example.org")
          .setCommitter("t", "t@example.org")
          .setSign(false)
          .call();
    }
  }
}
