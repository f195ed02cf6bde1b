import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.seakeeper.app.Wiring;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.Tier;
import org.seakeeper.sandbox.BubblewrapExecutor;
import org.seakeeper.sandbox.BwrapCommand;
import org.seakeeper.sandbox.Cgroups;
import org.seakeeper.sandbox.HostUser;
import org.seakeeper.sandbox.HostUsers;
import org.seakeeper.sandbox.SandboxProbe;
import org.seakeeper.sandbox.Workspaces;

/**
 * Where one job launch's time goes inside a warm JVM: times each phase of
 * BubblewrapExecutor.Run.execute separately (public APIs where they exist, the few private steps
 * replicated line for line), then whole executions, then bare process spawns from Java. Run through
 * bench/launch-phases.sh, which builds the jar and a git repo to check out.
 *
 * <p>Usage: java -cp app/target/seakeeper.jar bench/LaunchPhases.java REPO COMMIT N
 */
public final class LaunchPhases {
  static final Map<String, List<Long>> times = new LinkedHashMap<>();

  static void record(String phase, long nanos) {
    times.computeIfAbsent(phase, k -> new ArrayList<>()).add(nanos);
  }

  public static void main(String[] args) throws Exception {
    String repo = args[0];
    String commit = args[1];
    int n = Integer.parseInt(args[2]);
    int warm = Math.max(5, n / 5);
    Path workRoot = Files.createTempDirectory(Path.of("/var/tmp"), "seakeeper-phases");
    Files.setPosixFilePermissions(workRoot, PosixFilePermissions.fromString("rwx--x--x"));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    Workspaces.delete(workRoot);
                  } catch (IOException e) {
                    System.err.println("could not remove " + workRoot + ": " + e.getMessage());
                  }
                }));
    Path artifacts = workRoot.resolve("artifacts");
    Checkout checkout = Checkout.gitCommit(repo, commit);
    Workspaces workspaces = new Workspaces(workRoot.resolve("work"));
    Cgroups cgroups = Cgroups.system();
    HostUser user = new HostUsers().forTier(Tier.UNTRUSTED);
    Path bwrap = SandboxProbe.findBwrap();
    List<String> setpriv =
        user.switchUser()
            ? List.of(
                "/usr/bin/setpriv",
                "--reuid=" + user.uid(),
                "--regid=" + user.gid(),
                "--clear-groups",
                "--inh-caps=-all",
                "--bounding-set=-all",
                "--no-new-privs",
                "--")
            : List.of();
    List<String> bare =
        List.of(
            bwrap.toString(),
            "--unshare-all",
            "--unshare-user",
            "--disable-userns",
            "--die-with-parent",
            "--new-session",
            "--ro-bind",
            "/usr",
            "/usr",
            "--symlink",
            "usr/bin",
            "/bin",
            "--symlink",
            "usr/lib",
            "/lib",
            "--symlink",
            "usr/lib64",
            "/lib64",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--tmpfs",
            "/tmp",
            "true");
    Path plain = Files.createDirectory(workRoot.resolve("plain"));
    try (var files = Files.list(Path.of(repo))) {
      for (Path f : files.filter(f -> !f.getFileName().toString().equals(".git")).toList()) {
        Files.copy(f, plain.resolve(f.getFileName().toString()));
      }
    }
    List<String> bareUser = new ArrayList<>(setpriv);
    bareUser.addAll(bare);
    List<String> warnings = new ArrayList<>();
    // Interleaved, so that the machine's noise hits every measurement alike: per iteration, one
    // execution phase by phase, one whole execution through the executor, a workspace without
    // .git, then bare spawns.
    try (BubblewrapExecutor executor =
        Wiring.bubblewrap(
            Optional.empty(),
            Tier.UNTRUSTED,
            workRoot.resolve("work2"),
            artifacts,
            warnings::add)) {
      for (int i = 0; i < warm + n; i++) {
        boolean keep = i >= warm;
        // A pause before each cgroup-joining measurement: a write to cgroup.procs shortly after
        // another one skips the RCU grace period the first one paid, which would flatter the
        // second.
        Thread.sleep(QUIET_MS);
        phases(
            "phases-" + ProcessHandle.current().pid() + "-" + i,
            checkout,
            workspaces,
            cgroups,
            user,
            bwrap,
            setpriv,
            keep);
        Thread.sleep(QUIET_MS);
        whole(
            executor, request("whole-" + ProcessHandle.current().pid() + "-" + i, checkout), keep);
        // The same workspace without .git: what copying only the commit's files would cost.
        long w0 = System.nanoTime();
        Path plainExec =
            workspaces.create(
                "untrusted",
                "plain-" + ProcessHandle.current().pid() + "-" + i,
                Checkout.directory(plain.toString()),
                user);
        long w1 = System.nanoTime();
        Workspaces.delete(plainExec);
        long w2 = System.nanoTime();
        if (keep) {
          record("workspace create, same files without .git (Checkout.directory)", w1 - w0);
          record("workspace delete, same files without .git", w2 - w1);
        }
        long t0 = System.nanoTime();
        spawn(List.of("/bin/true"));
        long t1 = System.nanoTime();
        spawn(bareUser);
        long t2 = System.nanoTime();
        spawn(
            List.of(
                "/bin/sh",
                "-c",
                "exec \"$@\"",
                "sh",
                "/bin/bash",
                "--noprofile",
                "--norc",
                "-c",
                "true"));
        long t3 = System.nanoTime();
        if (keep) {
          record("java spawn /bin/true", t1 - t0);
          record("java spawn setpriv + bare bwrap true", t2 - t1);
          record("java spawn sh -> bash -c true", t3 - t2);
        }
      }
    }
    workspaces.close();

    System.out.printf(
        "%nPhases of one trivial job in a warm JVM (N=%d after %d warm-up), milliseconds%n",
        n, warm);
    System.out.printf("  %-66s %8s %8s %8s%n", "phase", "median", "mean", "p90");
    for (Map.Entry<String, List<Long>> e : times.entrySet()) {
      long[] v = e.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
      double mean = Arrays.stream(v).average().orElse(0) / 1e6;
      System.out.printf(
          "  %-66s %8.2f %8.2f %8.2f%n",
          e.getKey(),
          v[v.length / 2] / 1e6,
          mean,
          v[(int) Math.min(v.length - 1, Math.round(v.length * 0.9))] / 1e6);
    }
    System.out.printf(
        "  cgroup destroys that took > 5 ms (a 10 ms sleep in Handle.destroy): %d of %d%n",
        slowDestroys, n);
    if (!warnings.isEmpty()) {
      System.out.println("  executor warnings: " + warnings.stream().distinct().toList());
    }
    if (args.length > 3) {
      StringBuilder json =
          new StringBuilder(
              "{\n  \"benchmark\": \"launch-phases\",\n  \"n\": "
                  + n
                  + ",\n  \"slow_cgroup_destroys\": "
                  + slowDestroys
                  + ",\n  \"phases_ms\": {\n");
      int k = 0;
      for (Map.Entry<String, List<Long>> e : times.entrySet()) {
        long[] v = e.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
        json.append(
            String.format(
                "    \"%s\": {\"median\": %.3f, \"mean\": %.3f}%s%n",
                e.getKey(),
                v[v.length / 2] / 1e6,
                Arrays.stream(v).average().orElse(0) / 1e6,
                ++k < times.size() ? "," : ""));
      }
      json.append("  }\n}\n");
      Files.writeString(Path.of(args[3]), json.toString());
    }
  }

  static int slowDestroys;
  static final long QUIET_MS = 60;
  static int iteration;

  /** The launch of phases 5 and 6 without cgroups; returns the nanoseconds it took. */
  static long noCgroupLaunch(Path exec, List<String> setpriv, List<String> argv, boolean keep)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(launcher(exec.resolve("status.json"), null, setpriv, argv))
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().clear();
    pb.directory(exec.toFile());
    long u0 = System.nanoTime();
    Process q = pb.start();
    drain(q.getInputStream());
    q.waitFor();
    long u1 = System.nanoTime();
    if (keep) {
      record("spawn + run without cgroups (same argv, order alternated)", u1 - u0);
    }
    return u1 - u0;
  }

  /** One execution, phase by phase, as BubblewrapExecutor.Run.execute does it. */
  static void phases(
      String id,
      Checkout checkout,
      Workspaces workspaces,
      Cgroups cgroups,
      HostUser user,
      Path bwrap,
      List<String> setpriv,
      boolean keep)
      throws IOException, InterruptedException {
    ExecutionRequest r = request(id, checkout);
    long t0 = System.nanoTime();
    // The git checkout itself (GitPack + the sandboxed checkout) is measured by bench/repo-size.sh.
    Path exec = workspaces.create(r.tier().id(), r.id(), user);
    long t1 = System.nanoTime();
    prepare(exec, user, r.script());
    long t2 = System.nanoTime();
    // Not a phase: the same launch without cgroups, to see what joining them costs; every other
    // iteration before the cgroups exist, else after they are gone, so that order favours neither.
    long extraBefore = 0;
    boolean noCgroupFirst = (iteration++ % 2) == 0;
    if (noCgroupFirst) {
      long e0 = System.nanoTime();
      noCgroupLaunch(
          exec,
          setpriv,
          BwrapCommand.build(bwrap, r, exec, Optional.empty(), exec.resolve("etc"), 3),
          keep);
      extraBefore = System.nanoTime() - e0;
    }
    long t2b = t2 + extraBefore;
    Cgroups.Attempt attempt = cgroups.create(r.id(), 4L << 30, 4096);
    Cgroups.Handle cg = attempt.handle().orElse(null);
    long t3 = System.nanoTime();
    List<String> argv =
        BwrapCommand.build(bwrap, r, exec, Optional.empty(), exec.resolve("etc"), 3);
    long t4 = System.nanoTime();
    List<String> cmd = launcher(exec.resolve("status.json"), cg, setpriv, argv);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().clear();
    pb.directory(exec.toFile());
    Process p = pb.start();
    long t5 = System.nanoTime();
    Thread reader = Thread.ofPlatform().daemon().start(() -> drain(p.getInputStream()));
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("job did not finish");
    }
    long t6 = System.nanoTime();
    reader.join(Duration.ofSeconds(10));
    String status = Files.readString(exec.resolve("status.json"));
    if (!java.util.regex.Pattern.compile("\"exit-code\"\\s*:\\s*0\\b").matcher(status).find()) {
      throw new IllegalStateException("sandbox did not run the job: " + status);
    }
    long t7 = System.nanoTime();
    if (cg != null) {
      cg.destroy();
    }
    long t8 = System.nanoTime();
    if (!noCgroupFirst) {
      noCgroupLaunch(exec, setpriv, argv, keep);
    }
    long t8b = System.nanoTime();
    Workspaces.delete(exec);
    long t9 = System.nanoTime();
    if (keep) {
      record("1 execution dirs (Workspaces.create, no checkout)", t1 - t0);
      record("2 prepare (job.sh, etc/ files, chown)", t2 - t1);
      record("3 cgroups create (Cgroups.create)", t3 - t2b);
      record("4 argv (BwrapCommand.build)", t4 - t3);
      record("5 spawn (ProcessBuilder.start of the launcher)", t5 - t4);
      record("6 sandbox run until exit (sh, setpriv, bwrap, bash)", t6 - t5);
      record("7 output join + status.json", t7 - t6);
      record("8 cgroups destroy (Handle.destroy)", t8 - t7);
      record("9 workspace delete (Workspaces.delete)", t9 - t8b);
      record("= sum of phases", (t9 - t0) - extraBefore - (t8b - t8));
      record("spawn + run with cgroups (5+6)", t6 - t4);
      if (t8 - t7 > 5_000_000) {
        slowDestroys++;
      }
    }
  }

  /** One whole execution through the public executor, as LocalRun starts it. */
  static void whole(BubblewrapExecutor executor, ExecutionRequest r, boolean keep)
      throws Exception {
    long t0 = System.nanoTime();
    Executor.Result res =
        executor.start(r, line -> {}).result().toCompletableFuture().get(60, TimeUnit.SECONDS);
    long t1 = System.nanoTime();
    if (!(res.outcome() instanceof JobOutcome.Succeeded)) {
      throw new IllegalStateException("job failed: " + res.outcome());
    }
    if (keep) {
      record("whole execution (BubblewrapExecutor.start .. result)", t1 - t0);
      record("  of which the executor's own Result.elapsed", res.elapsed().toNanos());
    }
  }

  static ExecutionRequest request(String id, Checkout checkout) {
    return new ExecutionRequest(
        id,
        "j",
        "true",
        Duration.ofMinutes(1),
        "host",
        Tier.UNTRUSTED,
        false,
        Map.of(),
        checkout,
        List.of());
  }

  /** BubblewrapExecutor.Run.prepare, line for line (it is private). */
  static void prepare(Path execDir, HostUser user, String scriptText) throws IOException {
    Path script = execDir.resolve("job.sh");
    Files.writeString(script, scriptText.endsWith("\n") ? scriptText : scriptText + "\n");
    Path etc = Files.createDirectory(execDir.resolve("etc"));
    int uid = user.switchUser() ? user.uid() : -1;
    int gid = user.switchUser() ? user.gid() : -1;
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        "passwd",
        "root:x:0:0:root:/root:/usr/sbin/nologin\nbuild:x:"
            + uid
            + ":"
            + gid
            + ":Seakeeper build:/home/build:/bin/bash\n"
            + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
    files.put("group", "root:x:0:\nbuild:x:" + gid + ":\nnogroup:x:65534:\n");
    files.put("hosts", "127.0.0.1 localhost seakeeper\n::1 localhost ip6-localhost\n");
    files.put("nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n");
    for (Map.Entry<String, String> f : files.entrySet()) {
      Files.writeString(etc.resolve(f.getKey()), f.getValue());
    }
    if (user.switchUser()) {
      for (Path p : List.of(script, etc)) {
        Files.setAttribute(p, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
      }
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("r--------"));
    }
  }

  /** BubblewrapExecutor.Run.launcher, line for line (it is private). */
  static List<String> launcher(
      Path status, Cgroups.Handle cg, List<String> setpriv, List<String> bwrap) {
    List<String> cmd = new ArrayList<>();
    cmd.add("/bin/sh");
    cmd.add("-c");
    cmd.add(
        "exec 3>\"$1\"; shift; n=$1; shift; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit"
            + " 125; shift; n=$((n-1)); done; exec \"$@\"");
    cmd.add("seakeeper-launch");
    cmd.add(status.toString());
    List<Path> procs = cg == null ? List.of() : cg.procsFiles();
    cmd.add(Integer.toString(procs.size()));
    procs.forEach(p -> cmd.add(p.toString()));
    cmd.addAll(setpriv);
    cmd.addAll(bwrap);
    return cmd;
  }

  static void spawn(List<String> cmd) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    drain(p.getInputStream());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(cmd + " failed");
    }
  }

  static void drain(InputStream in) {
    try (in) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      // the process is gone
    }
  }
}
