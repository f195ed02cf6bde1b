package org.seakeeper.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.GuardedExecutor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.Tier;

/**
 * Runs each job in a throw-away bubblewrap sandbox on this machine, started as the tier's
 * unprivileged host user, with cgroup memory and pids limits where the machine allows.
 *
 * <p>Each executor serves one tier's pool, bound at construction: a request of another tier is
 * refused (an infrastructure error) by {@link GuardedExecutor} before any workspace or process
 * exists, whatever the scheduler asked.
 *
 * <p>Nothing a job starts outlives it: the job runs in its own pid namespace, whose every process
 * the kernel kills when bubblewrap's init exits, and the execution's cgroups are emptied as well.
 * Thread-safe; each execution uses two threads (output reader and waiter).
 */
public final class BubblewrapExecutor extends GuardedExecutor implements AutoCloseable {
  private static final int STATUS_FD = 3;
  private static final long PID = ProcessHandle.current().pid();
  private static final java.util.concurrent.atomic.AtomicLong SEQ =
      new java.util.concurrent.atomic.AtomicLong();
  private final Tier tier;
  private final SandboxSettings settings;
  private final HostUsers users;
  private final Workspaces workspaces;
  private final Cgroups cgroups;
  private final Consumer<String> warnings;
  private final SandboxEtc etc;
  private final CacheAccess cacheAccess;

  /**
   * @param tier the only tier whose requests this executor runs
   * @param warnings told once per execution when a limit cannot be applied
   */
  public BubblewrapExecutor(
      Tier tier,
      SandboxSettings settings,
      HostUsers users,
      Workspaces workspaces,
      Cgroups cgroups,
      Consumer<String> warnings) {
    this(tier, settings, users, workspaces, cgroups, warnings, CacheAccess.NONE);
  }

  /**
   * As above, with the built-in dependency cache: each job of the host image gets a socket of its
   * own from {@code cacheAccess}, reachable in the job at {@code SEAKEEPER_CACHE_URL}.
   */
  public BubblewrapExecutor(
      Tier tier,
      SandboxSettings settings,
      HostUsers users,
      Workspaces workspaces,
      Cgroups cgroups,
      Consumer<String> warnings,
      CacheAccess cacheAccess) {
    super(tier);
    this.cacheAccess = cacheAccess;
    this.tier = tier;
    this.settings = settings;
    this.users = users;
    this.workspaces = workspaces;
    this.cgroups = cgroups;
    this.warnings = warnings;
    this.etc = new SandboxEtc(settings.workRoot());
  }

  /** The tier whose pool this executor is. */
  public Tier tier() {
    return tier;
  }

  /**
   * Whether a tier's user can reach {@code dir} (as bubblewrap, started as that user, must): every
   * existing directory on the way is searchable by others and {@code dir}, if it exists, readable.
   */
  static boolean openToAnyone(Path dir) {
    try {
      Path wanted = dir.toAbsolutePath().normalize();
      Path p = wanted;
      while (p != null && !Files.exists(p)) {
        p = p.getParent(); // a directory the cache has not made yet: its parents decide
      }
      if (p == null) {
        return false;
      }
      Path real = p.toRealPath();
      return SandboxEtc.othersReach(Path.of("/"), real)
          && SandboxEtc.othersMay(real, java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)
          && (!p.equals(wanted)
              || SandboxEtc.othersMay(
                  real, java.nio.file.attribute.PosixFilePermission.OTHERS_READ));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Removes the git snapshots this executor made. */
  @Override
  public void close() {
    workspaces.close();
    etc.close();
  }

  /** Runs a request the guard let through (this tier's, no secrets it may not have). */
  @Override
  protected Execution launch(ExecutionRequest request, OutputSink output) {
    Run run = new Run(request, output);
    Thread.ofPlatform().name("sandbox-" + request.id()).daemon().start(run::execute);
    return run;
  }

  private final class Run implements Execution {
    private final ExecutionRequest r;
    private final OutputSink out;
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final AtomicReference<String> killedFor = new AtomicReference<>();
    private volatile Process process;
    private final java.util.Set<Process> helpers =
        java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Cgroups.Handle cgroup;

    Run(ExecutionRequest r, OutputSink out) {
      this.r = r;
      this.out = out;
    }

    @Override
    public CompletionStage<Result> result() {
      return result;
    }

    @Override
    public void cancel() {
      if (killedFor.compareAndSet(null, "cancel")) {
        kill();
      }
    }

    private void kill() {
      helpers.forEach(Process::destroyForcibly);
      Process p = process;
      if (p != null) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      Cgroups.Handle g = cgroup;
      if (g != null) {
        g.pids().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      }
    }

    void execute() {
      long start = System.nanoTime();
      // The job's timeout covers preparing its workspace as well as running it.
      long deadline = start + r.timeout().toNanos();
      Path execDir = null;
      JobOutcome outcome;
      List<String> collected = List.of();
      try {
        HostUser user = users.forTier(r.tier());
        // Names on disk and in cgroupfs are shared by every Seakeeper process on the host:
        // make them unique to this process and execution, not just to the request.
        String local = r.id() + "-" + PID + "-" + SEQ.incrementAndGet();
        execDir = workspaces.create(r.tier().id(), local, user);
        Cgroups.Attempt attempt = cgroups.create(local, settings.memoryBytes(), settings.pidsMax());
        attempt
            .unavailable()
            .ifPresent(why -> warnings.accept("memory and pids limits not applied: " + why));
        cgroup = attempt.handle().orElse(null);
        outcome = checkOut(execDir, user, deadline);
        if (outcome == null) {
          prepare(execDir, user);
          outcome = runProcess(execDir, user, deadline);
        }
        if (outcome.succeeded() && !r.artifacts().isEmpty()) {
          collected =
              Artifacts.collect(
                  execDir.resolve("workspace"),
                  r.artifacts(),
                  settings.artifactsRoot().resolve(r.id()),
                  Artifacts.Limits.DEFAULT,
                  () -> killedFor.get() != null);
        }
      } catch (GitPack.OutOfTime e) {
        outcome = timedOut(" while its workspace was checked out");
      } catch (LimitExceeded e) {
        outcome = new JobOutcome.LimitExceeded(e.getMessage());
      } catch (IOException | RuntimeException e) {
        outcome = new JobOutcome.InfraError(e.getMessage() == null ? e.toString() : e.getMessage());
      } finally {
        if (cgroup != null) {
          cgroup.destroy();
        }
        if (execDir != null) {
          workspaces.discard(execDir, warnings);
        }
      }
      if (killedFor.get() != null && "cancel".equals(killedFor.get())) {
        outcome = new JobOutcome.Cancelled();
      }
      result.complete(new Result(outcome, Duration.ofNanos(System.nanoTime() - start), collected));
    }

    private JobOutcome timedOut(String when) {
      killedFor.compareAndSet(null, "timeout");
      out.line(
          "seakeeper: killed after the "
              + org.seakeeper.core.config.Durations.format(r.timeout())
              + " timeout"
              + when);
      return new JobOutcome.TimedOut(r.timeout());
    }

    /**
     * Fills the workspace and the dependency checkouts: git commits are packed here from the source
     * (read-only, within the tree limits) and checked out in a sandbox as the tier's user; plain
     * directories are copied. Returns null when all is ready, else the job's outcome.
     */
    private JobOutcome checkOut(Path execDir, HostUser user, long deadline) throws IOException {
      List<String> args = new ArrayList<>();
      List<Checkout> git = new ArrayList<>();
      List<String> targets = new ArrayList<>();
      place(execDir.resolve("workspace"), BwrapCommand.WORKSPACE, r.checkout(), user, git, targets);
      Path depsRoot = execDir.resolve("deps");
      for (org.seakeeper.core.executor.DependencyCheckout d : r.dependencies()) {
        Path dir = depsRoot.resolve(d.relativePath()).normalize();
        if (!dir.startsWith(depsRoot) || dir.equals(depsRoot)) {
          throw new IOException(
              "dependency checkout outside the execution directory: " + d.relativePath());
        }
        place(
            dir,
            BwrapCommand.DEPS + "/" + depsRoot.relativize(dir),
            d.checkout(),
            user,
            git,
            targets);
      }
      if (git.isEmpty()) {
        return null;
      }
      Path in = workspaces.inputs(execDir, user);
      for (int i = 0; i < git.size(); i++) {
        Checkout c = git.get(i);
        Path gitDir = GitPack.gitDir(Path.of(c.location()));
        String commit = c.commit().orElseThrow();
        java.util.function.Consumer<Process> track =
            p -> {
              helpers.add(p);
              if (killedFor.get() != null) {
                p.destroyForcibly();
              }
            };
        GitPack.checkTree(
            gitDir, commit, GitPack.Limits.DEFAULT, Duration.ofNanos(deadline - System.nanoTime()));
        Path pack = in.resolve(i + ".pack");
        Path shallow = in.resolve(i + ".shallow");
        GitPack.write(
            gitDir,
            commit,
            c.depth(),
            pack,
            shallow,
            Duration.ofNanos(deadline - System.nanoTime()),
            track);
        Workspaces.readableBy(pack, user);
        Workspaces.readableBy(shallow, user);
        args.addAll(
            List.of(
                targets.get(i),
                BwrapCommand.PREPARE + "/" + i + ".pack",
                BwrapCommand.PREPARE + "/" + i + ".shallow",
                commit));
      }
      helpers.clear();
      if (killedFor.get() != null) {
        return new JobOutcome.Cancelled();
      }
      Path script = in.resolve(BwrapCommand.PREPARE_SCRIPT_NAME);
      Files.writeString(script, BwrapCommand.PREPARE_SCRIPT);
      Workspaces.readableBy(script, user);
      int uid = user.switchUser() ? user.uid() : HostUsers.currentUid();
      int gid = user.switchUser() ? user.gid() : uid;
      Path etcDir = etc.forJob(r.tier().id(), false, uid, gid);
      List<String> bwrap =
          BwrapCommand.prepare(
              settings.bwrap(), execDir, etcDir, STATUS_FD, !r.dependencies().isEmpty(), args);
      Path status = in.resolve("status.json");
      JobOutcome prepared =
          runLauncher(
              execDir,
              launcher(status, user, List.of(), bwrap),
              status,
              deadline,
              " while its workspace was checked out");
      // The packs are in the workspace's repositories now: free their space for the job.
      try (java.util.stream.Stream<Path> files = Files.list(in)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".pack")).toList()) {
          Files.deleteIfExists(f);
        }
      }
      return switch (prepared) {
        case JobOutcome.Succeeded ok -> null;
        case JobOutcome.TimedOut t -> t;
        case JobOutcome.Cancelled c -> c;
        case JobOutcome.Failed f ->
            new JobOutcome.InfraError(
                "the workspace could not be checked out (git exit "
                    + f.exitCode()
                    + "; see the log)");
        default -> prepared;
      };
    }

    /** A git checkout goes to the preparation list; a plain directory is copied now. */
    private void place(
        Path hostDir,
        String sandboxDir,
        Checkout c,
        HostUser user,
        List<Checkout> git,
        List<String> targets)
        throws IOException {
      if (c.commit().isPresent()) {
        git.add(c);
        targets.add(sandboxDir);
      } else {
        workspaces.copyDirectory(Path.of(c.location()), hostDir, user);
      }
    }

    private void prepare(Path execDir, HostUser user) throws IOException {
      Path script = execDir.resolve("job.sh");
      Files.writeString(script, r.script().endsWith("\n") ? r.script() : r.script() + "\n");
      Workspaces.readableBy(script, user);
    }

    private JobOutcome runProcess(Path execDir, HostUser user, long deadline) throws IOException {
      Optional<Path> rootfs = Optional.empty();
      if (!"host".equals(r.image())) {
        Path p = settings.images().get(r.image());
        if (p == null) {
          return new JobOutcome.InfraError(
              "image '" + r.image() + "' is not registered on this executor");
        }
        if (!Files.exists(p.resolve("bin/bash"))) {
          return new JobOutcome.InfraError(
              "image '"
                  + r.image()
                  + "' at "
                  + p
                  + " has no /bin/bash, which runs every job's script");
        }
        rootfs = Optional.of(p);
      }
      int uid = user.switchUser() ? user.uid() : HostUsers.currentUid();
      int gid = user.switchUser() ? user.gid() : uid;
      Path etcDir = rootfs.isPresent() ? null : etc.forJob(r.tier().id(), r.network(), uid, gid);
      Optional<Path> cache = settings.dependencyCache();
      if (cache.isPresent() && !Files.exists(cache.get())) {
        warnings.accept(
            "the dependency cache socket "
                + cache.get()
                + " does not exist: this job runs without it");
        cache = Optional.empty();
      }
      CacheAccess.Session session = null;
      try {
        Optional<BwrapCommand.CacheForward> forward = Optional.empty();
        if (cache.isEmpty() && rootfs.isPresent()) {
          warnOnce("the dependency cache is not offered to jobs on an image other than 'host'");
        } else if (cache.isEmpty()) {
          Optional<Path> socat = socat();
          if (socat.isEmpty()) {
            warnOnce(
                "socat is not installed: jobs get no SEAKEEPER_CACHE_URL (install the Debian"
                    + " package socat)");
          } else {
            session =
                cacheAccess.open(r.id(), r.tier(), execDir.resolve("cache.sock")).orElse(null);
          }
          if (session != null) {
            int port = r.network() ? freeLoopbackPort() : BwrapCommand.CACHE_PORT;
            String url = "http://127.0.0.1:" + port + "/";
            Path start = execDir.resolve("start.sh");
            Files.writeString(start, BwrapCommand.START_SCRIPT);
            Workspaces.readableBy(start, user);
            Path m2 = execDir.resolve("m2-settings.xml");
            // the cache's Maven files are offered only on the host image, where they are bound
            // bubblewrap runs as the tier's user when Seakeeper switches users (as root), else as
            // this process's user, who can read the cache anyway
            java.util.List<Path> files =
                session.mavenFiles().stream()
                    .filter(d -> !user.switchUser() || openToAnyone(d))
                    .toList();
            if (files.size() < session.mavenFiles().size()) {
              warnOnce(
                  "the dependency cache's directory is not readable by other users (mode of it or"
                      + " a parent): jobs fetch Maven files from it over HTTP only");
            }
            Files.writeString(m2, BwrapCommand.m2Settings(url, files.size()));
            Workspaces.readableBy(m2, user);
            forward =
                Optional.of(
                    new BwrapCommand.CacheForward(
                        session.socket(), port, socat.get(), start, m2, files));
          }
        }
        List<String> bwrap =
            BwrapCommand.build(
                settings.bwrap(),
                r,
                execDir,
                rootfs,
                etcDir,
                STATUS_FD,
                STATUS_FD + 1,
                cache,
                forward);
        Path status = execDir.resolve("status.json");
        try (SecretPipes pipes = SecretPipes.open(r.id(), r.secrets())) {
          return runLauncher(
              execDir, launcher(status, user, pipes.fifos(), bwrap), status, deadline, "");
        }
      } finally {
        if (session != null) {
          session.close();
        }
      }
    }

    private JobOutcome runLauncher(
        Path execDir, List<String> cmd, Path status, long deadline, String phase)
        throws IOException {
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().clear();
      pb.directory(execDir.toFile());
      process = pb.start();
      if (killedFor.get() != null) {
        kill();
      }
      Thread reader =
          Thread.ofPlatform().name("sandbox-out-" + r.id()).daemon().start(() -> pump(process));
      boolean finished;
      try {
        finished = process.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (!finished) {
          killedFor.compareAndSet(null, "timeout");
          kill();
          process.waitFor();
        }
        reader.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill();
        return new JobOutcome.InfraError("interrupted");
      }
      if ("timeout".equals(killedFor.get())) {
        return timedOut(phase);
      }
      if (killedFor.get() != null) {
        return new JobOutcome.Cancelled();
      }
      Optional<Integer> exit = exitCode(status);
      if (exit.isEmpty()) {
        return new JobOutcome.InfraError(
            "the sandbox did not start the job (bubblewrap exit "
                + process.exitValue()
                + "; see the log)");
      }
      return exit.get() == 0 ? new JobOutcome.Succeeded() : new JobOutcome.Failed(exit.get());
    }

    /** As root: join the cgroups, then drop to the tier user and exec bubblewrap. */
    private List<String> launcher(
        Path status, HostUser user, List<Path> secretPipes, List<String> bwrap) {
      List<String> cmd = new ArrayList<>();
      cmd.add("/bin/sh");
      cmd.add("-c");
      // status on fd 3; join the cgroups; open the secret pipes as fds 4, 5, ... (read by bwrap)
      cmd.add(
          "exec "
              + STATUS_FD
              + ">\"$1\"; shift; n=$1; shift; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit"
              + " 125; shift; n=$((n-1)); done; m=$1; shift; fd="
              + (STATUS_FD + 1)
              + "; while [ \"$m\" -gt 0 ]; do eval \"exec $fd<\\\"\\$1\\\"\" || exit 125; shift;"
              + " fd=$((fd+1)); m=$((m-1)); done; exec \"$@\"");
      cmd.add("seakeeper-launch");
      cmd.add(status.toString());
      List<Path> procs = cgroup == null ? List.of() : cgroup.procsFiles();
      cmd.add(Integer.toString(procs.size()));
      procs.forEach(p -> cmd.add(p.toString()));
      cmd.add(Integer.toString(secretPipes.size()));
      secretPipes.forEach(p -> cmd.add(p.toString()));
      if (user.switchUser()) {
        cmd.addAll(
            List.of(
                "/usr/bin/setpriv",
                "--reuid=" + user.uid(),
                "--regid=" + user.gid(),
                "--clear-groups",
                "--inh-caps=-all",
                "--bounding-set=-all",
                "--no-new-privs",
                "--"));
      }
      cmd.addAll(bwrap);
      return cmd;
    }

    private void pump(Process p) {
      try (java.io.InputStream in = p.getInputStream()) {
        OutputLines.pump(
            in, out::line); // bounded: a line past OutputLines.MAX_LINE goes out in pieces
      } catch (IOException e) {
        // the process is gone; its exit status tells the rest
      }
    }
  }

  private final java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private void warnOnce(String warning) {
    if (warned.add(warning)) {
      warnings.accept(warning);
    }
  }

  /** The host's socat, which forwards a job's loopback port to its cache socket. */
  static Optional<Path> socat() {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
      Path p = Path.of(dir, "socat");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * A loopback port free now, for a job that shares the host's network (its own namespace has every
   * port to itself).
   */
  private static int freeLoopbackPort() throws IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static Optional<Integer> exitCode(Path status) {
    try {
      String s = Files.readString(status);
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\"exit-code\"\\s*:\\s*(\\d+)").matcher(s);
      return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
