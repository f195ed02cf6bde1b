package org.seakeeper.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the git CLI in tests, as a person would, failing the test when git fails. */
public final class TestGit {
  private TestGit() {}

  /** Runs {@code git args...} in {@code dir} with a test identity; returns its trimmed output. */
  public static String git(Path dir, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.org"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("git " + String.join(" ", args) + ": " + out).isZero();
    return out.strip();
  }
}
