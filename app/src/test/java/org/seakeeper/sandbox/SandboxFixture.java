package org.seakeeper.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.model.Tier;

/** A real bubblewrap executor over throw-away directories, for tests. Close after use. */
final class SandboxFixture implements AutoCloseable {
  private static final AtomicInteger IDS = new AtomicInteger();
  final Path base;
  final Path workRoot;
  final Path artifacts;
  final Path emptyDir;
  final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

  /** The untrusted tier's executor. */
  final BubblewrapExecutor executor;

  /** One executor per tier, each with its own work directory, as the server has them. */
  final Map<Tier, BubblewrapExecutor> executors = new java.util.EnumMap<>(Tier.class);

  SandboxFixture() throws IOException {
    this(SandboxSettings.DEFAULT_MEMORY, SandboxSettings.DEFAULT_PIDS, Map.of());
  }

  SandboxFixture(long memory, int pids, Map<String, Path> images) throws IOException {
    base = Files.createTempDirectory("sk-sandbox-test");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
    workRoot = base.resolve("work");
    artifacts = base.resolve("artifacts");
    emptyDir = Files.createDirectory(base.resolve("empty"));
    SandboxSettings s =
        new SandboxSettings(SandboxProbe.findBwrap(), workRoot, artifacts, images, memory, pids);
    HostUsers users = new HostUsers();
    for (Tier t : Tier.values()) {
      Path root = workRoot.resolve(t.id());
      SandboxSettings ts = new SandboxSettings(s.bwrap(), root, artifacts, images, memory, pids);
      executors.put(
          t,
          new BubblewrapExecutor(
              t, ts, users, new Workspaces(root), Cgroups.system(), warnings::add));
    }
    executor = executors.get(Tier.UNTRUSTED);
  }

  ExecutionRequest request(
      String script, Tier tier, boolean network, Duration timeout, Checkout checkout) {
    return new ExecutionRequest(
        "t" + ProcessHandle.current().pid() + "-" + IDS.incrementAndGet(),
        "job",
        script,
        timeout,
        "host",
        tier,
        network,
        Map.of("FROM_JOB", "yes"),
        checkout,
        List.of("out/**"));
  }

  /** Runs a script in the untrusted tier (no network) in an empty workspace. */
  Outcome untrusted(String script) throws Exception {
    return run(
        request(
            script,
            Tier.UNTRUSTED,
            false,
            Duration.ofSeconds(60),
            Checkout.directory(emptyDir.toString())));
  }

  Outcome run(ExecutionRequest r) throws Exception {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Executor.Result res =
        executors
            .get(r.tier())
            .start(r, lines::add)
            .result()
            .toCompletableFuture()
            .get(120, TimeUnit.SECONDS);
    return new Outcome(res, List.copyOf(lines));
  }

  record Outcome(Executor.Result result, List<String> lines) {
    String text() {
      return String.join("\n", lines);
    }
  }

  @Override
  public void close() throws IOException {
    executors.values().forEach(BubblewrapExecutor::close);
    Workspaces.delete(base);
  }
}
