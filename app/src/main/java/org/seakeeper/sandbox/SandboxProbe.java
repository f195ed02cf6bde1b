package org.seakeeper.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.Tier;

/**
 * Finds bubblewrap and proves the sandbox works before any job is run, so that a broken sandbox is
 * one clear message with its fix and never an unsandboxed job. Stateless.
 */
public final class SandboxProbe {
  static final String INSTALL_HINT = "install it with: sudo apt-get install bubblewrap";

  private SandboxProbe() {}

  /**
   * The bubblewrap binary: {@code SEAKEEPER_BWRAP} (or the {@code seakeeper.bwrap} property) when
   * set, else the first on PATH or in /usr/bin; a SandboxException saying how to get it otherwise.
   */
  public static Path findBwrap() {
    String forced = System.getProperty("seakeeper.bwrap", System.getenv("SEAKEEPER_BWRAP"));
    if (forced != null && !forced.isBlank()) {
      Path p = Path.of(forced);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p.toAbsolutePath();
      }
      throw new SandboxException(
          "bubblewrap is not at "
              + forced
              + " (set by SEAKEEPER_BWRAP), and Seakeeper never runs jobs without a sandbox; "
              + INSTALL_HINT);
    }
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      Collections.addAll(dirs, path.split(":"));
    }
    dirs.addAll(List.of("/usr/bin", "/usr/local/bin", "/bin"));
    for (String d : dirs) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, "bwrap");
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p.toAbsolutePath();
      }
    }
    throw new SandboxException(
        "bubblewrap (bwrap) is not installed, and Seakeeper never runs jobs without a sandbox; "
            + INSTALL_HINT);
  }

  /**
   * Runs {@code true} in the sandbox of {@code tier}; throws with the sandbox's own words when it
   * fails.
   */
  public static void check(Executor executor, Tier tier) {
    Path empty;
    try {
      empty = Files.createTempDirectory("seakeeper-probe");
    } catch (IOException e) {
      throw new SandboxException(
          "cannot make a temporary directory for the sandbox check: " + e.getMessage(), e);
    }
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    try {
      ExecutionRequest r =
          new ExecutionRequest(
              "probe-" + ProcessHandle.current().pid() + "-" + System.nanoTime(),
              "probe",
              "true",
              Duration.ofSeconds(30),
              "host",
              tier,
              false,
              Map.of(),
              Checkout.directory(empty.toString()),
              List.of());
      Executor.Result result =
          executor.start(r, lines::add).result().toCompletableFuture().get(60, TimeUnit.SECONDS);
      if (!(result.outcome() instanceof JobOutcome.Succeeded)) {
        String said = String.join("; ", lines).strip();
        String why =
            result.outcome() instanceof JobOutcome.InfraError e
                ? e.reason()
                : result.outcome().label();
        throw new SandboxException(
            "the bubblewrap sandbox does not work here: "
                + why
                + (said.isEmpty() ? "" : " (" + said + ")")
                + hint(said));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted while checking the sandbox", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new SandboxException("the sandbox check did not finish: " + e.getMessage(), e);
    } finally {
      try {
        Workspaces.delete(empty);
      } catch (IOException e) {
        // a leftover empty temp dir is harmless
      }
    }
  }

  private static String hint(String said) {
    if (said.contains("No permissions to creating new namespace")
        || said.contains("setting up uid map")
        || said.contains("Operation not permitted")) {
      return "; unprivileged user namespaces may be disabled: try 'sysctl -w"
          + " kernel.unprivileged_userns_clone=1' and check 'user.max_user_namespaces'";
    }
    return Optional.of(said)
        .filter(String::isEmpty)
        .map(s -> "; " + INSTALL_HINT + " (or reinstall it)")
        .orElse("");
  }
}
