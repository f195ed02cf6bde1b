package org.seakeeper.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.seakeeper.sandbox.Workspaces;

/**
 * The README's first command needs no config: data under {@code ./data}, a demo repo made from the
 * bundled sample, and a first push so a build is already running when the UI opens.
 */
public final class QuickStart {
  /** The demo project's name and the bare repo it lives in. */
  public static final String PROJECT = "demo";

  private QuickStart() {}

  /** The server config text of the quick start, for people to copy. */
  public static String configYaml(Path dataDir) {
    return "data_dir: "
        + dataDir
        + "\n"
        + "http: {port: 8080, bind: 127.0.0.1, public_url: http://127.0.0.1:8080/}\n"
        + "repos:\n"
        + "  - name: "
        + PROJECT
        + "\n    path: "
        + dataDir.resolve("repos/demo.git")
        + "\n";
  }

  /** Creates the bare demo repo when missing; true when it was created (and needs a first push). */
  public static boolean createRepo(Path dataDir) throws IOException, InterruptedException {
    Path bare = dataDir.resolve("repos/demo.git");
    if (Files.exists(bare.resolve("HEAD"))) {
      return false;
    }
    Files.createDirectories(bare.getParent());
    git(bare.getParent(), "init", "--quiet", "--bare", "--initial-branch=main", bare.toString());
    return true;
  }

  /**
   * Pushes the sample as the first commit of {@code main} (through git, so the repo's hook runs).
   */
  public static void firstPush(Path dataDir) throws IOException, InterruptedException {
    Path work = Files.createTempDirectory("seakeeper-quickstart");
    try {
      git(work, "init", "--quiet", "--initial-branch=main", ".");
      try (InputStream in = QuickStart.class.getResourceAsStream("/quickstart/.seakeeper.yaml")) {
        if (in == null) {
          throw new IOException(
              "the bundled sample is missing from the jar (quickstart/.seakeeper.yaml)");
        }
        Files.write(work.resolve(".seakeeper.yaml"), in.readAllBytes());
      }
      Files.writeString(
          work.resolve("README.md"),
          "# demo\n\nA repo made by `seakeeper server` to show a first build.\n",
          StandardCharsets.UTF_8);
      git(work, "add", "-A");
      git(
          work,
          "-c",
          "user.name=Seakeeper",
          "-c",
          "user.email=seakeeper@localhost",
          "commit",
          "--quiet",
          "-m",
          "Add CI for the demo");
      git(
          work,
          "push",
          "--quiet",
          dataDir.resolve("repos/demo.git").toAbsolutePath().toString(),
          "HEAD:refs/heads/main");
    } finally {
      Workspaces.delete(work);
    }
  }

  private static void git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("GIT_TERMINAL_PROMPT", "0");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("git " + String.join(" ", args) + " failed: " + out.strip());
    }
  }
}
