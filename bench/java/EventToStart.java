import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Event -> job start latency of a real server (bench/event-to-start.sh). Pushes N commits to main
 * one at a time, each running one trivial post job whose first (and only) command prints the wall
 * clock inside the sandbox ({@code date +%s%N}); between pushes, with the server idle, one bare
 * bubblewrap launch as the tier user is timed for the side-by-side baseline.
 *
 * <p>Args: N [warm-up]. Env: SEED_COMMITS / SEED_FILES (history pushed before the server starts),
 * MAX_PARALLEL (trusted slots, default 4), BENCH_TMP (work dir parent, default /var/tmp).
 */
public final class EventToStart {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int seedCommits = Integer.parseInt(System.getenv().getOrDefault("SEED_COMMITS", "0"));
    int seedFiles = Integer.parseInt(System.getenv().getOrDefault("SEED_FILES", "100"));
    int maxParallel = Integer.parseInt(System.getenv().getOrDefault("MAX_PARALLEL", "4"));
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Path results = BenchServer.ROOT.resolve("bench/results");
    Path dir =
        Files.createTempDirectory(
            Path.of(System.getenv().getOrDefault("BENCH_TMP", "/var/tmp")), "skbench-e2s-");
    try {
      run(n, warmup, seedCommits, seedFiles, maxParallel, stamp, results, dir);
    } finally {
      if (!"1".equals(System.getenv("KEEP"))) {
        BenchServer.deleteTree(dir);
      }
    }
  }

  static void run(
      int n,
      int warmup,
      int seedCommits,
      int seedFiles,
      int maxParallel,
      String stamp,
      Path results,
      Path dir)
      throws Exception {
    Stats.Report report = new Stats.Report(results.resolve("event-to-start-" + stamp + ".txt"));
    report.line(System.getenv().getOrDefault("MACHINE_FACTS", ""));
    report.line(
        "event-to-start: N="
            + n
            + " (after "
            + warmup
            + " warm-up pushes), trusted max_parallel="
            + maxParallel
            + ", seeded history: "
            + seedCommits
            + " commits x "
            + seedFiles
            + " files");

    Path work = BenchServer.newRepo(dir);
    Files.writeString(
        work.resolve(".seakeeper.yaml"),
        "jobs:\n  t:\n    run: \"date +%s%N\"\npipelines:\n  post: [t]\n");
    if (seedCommits > 0) {
      seed(work, seedCommits, seedFiles);
    }
    Files.writeString(work.resolve("counter.txt"), "start\n");
    BenchServer.git(work, "add", "-A");
    BenchServer.git(work, "commit", "-q", "-m", "bench config");
    BenchServer.git(
        work, "push", "-q", "origin", "HEAD:main"); // before the server starts: not delivered

    int port = BenchServer.freePort();
    Path cfg = dir.resolve("server.yaml");
    Files.writeString(cfg, BenchServer.serverConfig(dir, port, maxParallel, null));
    List<String[]> raw = new ArrayList<>();
    Map<Long, double[]> samples = new HashMap<>();
    Stats bare = new Stats("bare bwrap as tier user (spawn -> exit)");
    Stats push = new Stats("git push (start -> return, hook included)");
    try (BenchServer server =
        BenchServer.start(dir, port, List.of("server", "--config", cfg.toString()))) {
      String[] bwrap = bareBwrap();
      report.line("bare bwrap: " + String.join(" ", bwrap));
      for (int i = 0; i < 5; i++) {
        launch(bwrap);
      }
      for (int i = 0; i < warmup + n; i++) {
        Files.writeString(work.resolve("counter.txt"), i + "\n");
        BenchServer.git(work, "commit", "-q", "-a", "-m", "push " + i);
        String sha = BenchServer.git(work, "rev-parse", "HEAD").strip();
        Instant t0 = Instant.now();
        BenchServer.git(work, "push", "-q", "origin", "HEAD:main");
        Instant t1 = Instant.now();
        JsonNode b = waitFor(server, sha);
        if (!"success".equals(b.get("status").asText())) {
          throw new IllegalStateException(
              "build "
                  + b.get("id").asText()
                  + " ended "
                  + b.get("status").asText()
                  + ": "
                  + b.get("detail").asText());
        }
        long id = b.get("id").asLong();
        String log = server.get("/api/v1/builds/" + id + "/log").strip();
        long ns = Long.parseLong(log.lines().findFirst().orElseThrow().strip());
        Instant job = Instant.ofEpochSecond(ns / 1_000_000_000L, ns % 1_000_000_000L);
        Thread.sleep(30);
        double bareMs = launch(bwrap);
        if (i < warmup) {
          continue;
        }
        bare.add(bareMs);
        push.add(BenchServer.ms(t0, t1));
        Instant queued = BenchServer.time(b, "queued_at");
        Instant started = BenchServer.time(b, "started_at");
        Instant finished = BenchServer.time(b, "finished_at");
        samples.put(
            id,
            new double[] {
              BenchServer.ms(queued, started),
              BenchServer.ms(t1, started),
              BenchServer.ms(t1, job),
              BenchServer.ms(started, job),
              BenchServer.ms(job, finished),
              bareMs
            });
        raw.add(
            new String[] {
              Long.toString(id),
              t0.toString(),
              t1.toString(),
              queued.toString(),
              started.toString(),
              job.toString(),
              finished.toString(),
              Stats.f(bareMs)
            });
        Thread.sleep(30);
      }
    }
    // The event's receipt is only in the database (events.received_at): read it after the stop.
    Map<Long, Instant> received = receivedAt(dir.resolve("data/db/seakeeper"));
    Stats evStart = new Stats("event received -> job process running (in sandbox)");
    Stats evQueued = new Stats("  event received -> build queued (queued_at)");
    Stats qs = new Stats("  queued_at -> started_at (API, server side)");
    Stats startJob = new Stats("  started_at -> job process running (executor)");
    Stats pushStarted = new Stats("push return -> started_at (API, external)");
    Stats pushJob = new Stats("push return -> job process running (external)");
    Stats jobEnd = new Stats("job process running -> finished_at");
    for (String[] r : raw) {
      long id = Long.parseLong(r[0]);
      double[] s = samples.get(id);
      Instant rec = received.get(id);
      evStart.add(BenchServer.ms(rec, Instant.parse(r[5])));
      evQueued.add(BenchServer.ms(rec, Instant.parse(r[3])));
      qs.add(s[0]);
      pushStarted.add(s[1]);
      pushJob.add(s[2]);
      startJob.add(s[3]);
      jobEnd.add(s[4]);
    }
    report.line("");
    report.line(Stats.header("ms"));
    for (Stats s :
        List.of(evStart, evQueued, qs, startJob, pushStarted, pushJob, jobEnd, push, bare)) {
      report.line(s.row());
    }
    report.line("");
    report.line(
        String.format(
            Locale.ROOT,
            "ratio event->job running / bare bwrap:   p50 %.2fx   p99 %.2fx   (goal: p50 <= 2x)",
            evStart.pct(50) / bare.pct(50),
            evStart.pct(99) / bare.pct(99)));
    report.line(
        String.format(
            Locale.ROOT,
            "ratio queued_at->started_at / bare bwrap: p50 %.2fx   p99 %.2fx",
            qs.pct(50) / bare.pct(50),
            qs.pct(99) / bare.pct(99)));
    report.line(
        String.format(
            Locale.ROOT,
            "ratio push return->job running / bare:   p50 %.2fx   p99 %.2fx",
            pushJob.pct(50) / bare.pct(50),
            pushJob.pct(99) / bare.pct(99)));
    report.line(
        String.format(
            Locale.ROOT,
            "goal p50 <= 2x bare bwrap: %s;  goal p99 <= 100 ms (event received -> job running): %s"
                + " (p99 %.1f ms)",
            evStart.pct(50) <= 2 * bare.pct(50) ? "MET" : "MISSED",
            evStart.pct(99) <= 100 ? "MET" : "MISSED",
            evStart.pct(99)));
    if (!"0".equals(System.getenv().getOrDefault("BREAKDOWN", "1"))) {
      breakdown(report, dir, Math.min(n, 60));
    }
    report.save();
    Path csv = results.resolve("event-to-start-" + stamp + ".csv");
    StringBuilder sb =
        new StringBuilder(
            "build_id,push_start,push_return,received_at,queued_at,started_at,job_running,finished_at,bare_bwrap_ms\n");
    for (String[] r : raw) {
      sb.append(
              String.join(
                  ",",
                  r[0],
                  r[1],
                  r[2],
                  String.valueOf(received.get(Long.parseLong(r[0]))),
                  r[3],
                  r[4],
                  r[5],
                  r[6],
                  r[7]))
          .append('\n');
    }
    Files.writeString(csv, sb.toString());
    System.out.println("samples written to " + csv);
  }

  /**
   * Where the executor's time goes, with the server stopped: the same kinds of launches interleaved
   * round-robin so they see the same noise. A: the bare bwrap above; B: Seakeeper's own launcher
   * and bwrap command line (BwrapCommand.build) for a prepared execution directory; C:
   * BubblewrapExecutor.start on a plain directory (workspace, /etc files, cgroups, launcher, bwrap,
   * bash) until the job runs; D: the same on a git commit not seen before (C plus the per-commit
   * GitPack and the checkout in the sandbox); E: GitPack.write alone.
   */
  static void breakdown(Stats.Report report, Path dir, int k) throws Exception {
    Path root = dir.resolve("breakdown");
    Path workRoot = root.resolve("work");
    Files.createDirectories(workRoot);
    for (Path p : List.of(dir, root)) { // the tier user must reach the execution dirs under here
      Files.setPosixFilePermissions(
          p, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    }
    var executor =
        org.seakeeper.app.Wiring.bubblewrap(
            java.util.Optional.empty(),
            org.seakeeper.core.model.Tier.TRUSTED,
            workRoot,
            root.resolve("artifacts"),
            w -> {});
    var users = new org.seakeeper.sandbox.HostUsers();
    var user = users.forTier(org.seakeeper.core.model.Tier.TRUSTED);
    Path empty = Files.createDirectories(root.resolve("empty"));
    List<String> commits =
        BenchServer.git(dir.resolve("repo.git"), "rev-list", "main").lines().toList();
    var pack =
        Class.forName("org.seakeeper.sandbox.GitPack")
            .getDeclaredMethod(
                "write",
                Path.class,
                String.class,
                int.class,
                Path.class,
                Path.class,
                java.time.Duration.class,
                java.util.function.Consumer.class);
    pack.setAccessible(true);
    String[] bwrap = bareBwrap();
    String[] full = seakeeperCommand(root, user);
    String tag = "skbench-" + ProcessHandle.current().pid() + "-";
    String repo = dir.resolve("repo.git").toString();
    var workspaces = new org.seakeeper.sandbox.Workspaces(root.resolve("ws"));
    var cgroups = org.seakeeper.sandbox.Cgroups.system();
    String head = commits.getFirst();
    int[] round = {0};
    interface Op {
      double run() throws Exception;
    }
    Map<String, Op> ops = new java.util.LinkedHashMap<>();
    ops.put("A bare bwrap (spawn -> exit)", () -> launch(bwrap));
    ops.put("B Seakeeper launcher + bwrap args (spawn -> exit)", () -> launch(full));
    ops.put(
        "C executor.start, plain dir -> job running",
        () ->
            untilRunning(
                executor,
                new org.seakeeper.core.executor.ExecutionRequest(
                    tag + "c" + round[0],
                    "t",
                    "date +%s%N",
                    java.time.Duration.ofMinutes(1),
                    "host",
                    org.seakeeper.core.model.Tier.TRUSTED,
                    false,
                    Map.of(),
                    org.seakeeper.core.executor.Checkout.directory(empty.toString()),
                    List.of())));
    ops.put(
        "D executor.start, new git commit -> job running",
        () ->
            untilRunning(
                executor,
                new org.seakeeper.core.executor.ExecutionRequest(
                    tag + "d" + round[0],
                    "t",
                    "date +%s%N",
                    java.time.Duration.ofMinutes(1),
                    "host",
                    org.seakeeper.core.model.Tier.TRUSTED,
                    false,
                    Map.of(),
                    org.seakeeper.core.executor.Checkout.gitCommit(
                        repo, commits.get((2 * round[0] + 1) % commits.size())),
                    List.of())));
    ops.put(
        "E GitPack.write alone (new commit)",
        () -> {
          Path out = Files.createDirectories(root.resolve("pack-" + round[0]));
          long t0 = System.nanoTime();
          pack.invoke(
              null,
              dir.resolve("repo.git"),
              commits.get((2 * round[0] + 2) % commits.size()),
              org.seakeeper.core.executor.Checkout.DEFAULT_DEPTH,
              out.resolve("p.pack"),
              out.resolve("p.shallow"),
              java.time.Duration.ofMinutes(1),
              (java.util.function.Consumer<Process>) p -> {});
          double v = (System.nanoTime() - t0) / 1e6;
          BenchServer.deleteTree(out);
          return v;
        });
    ops.put(
        "F execution directories: create + delete",
        () -> {
          long t0 = System.nanoTime();
          Path exec = workspaces.create("trusted", tag + "f" + round[0], user);
          org.seakeeper.sandbox.Workspaces.delete(exec);
          return (System.nanoTime() - t0) / 1e6;
        });
    ops.put(
        "G cgroups create + destroy",
        () -> {
          long t0 = System.nanoTime();
          var attempt = cgroups.create(tag + "g" + round[0], 4L << 30, 4096);
          attempt.handle().ifPresent(h -> h.destroy());
          return (System.nanoTime() - t0) / 1e6;
        });
    Map<String, Stats> wall = new java.util.LinkedHashMap<>();
    Map<String, Stats> cpu = new java.util.LinkedHashMap<>();
    ops.keySet()
        .forEach(
            name -> {
              wall.put(name, new Stats(name));
              cpu.put(name, new Stats(name));
            });
    for (int i = 0; i < k + 3; i++) {
      round[0] = i;
      for (var op : ops.entrySet()) {
        long c0 = cpuMsSelf();
        double v = op.getValue().run();
        Thread.sleep(15); // let the execution's cleanup (cgroups, workspace) finish on its thread
        long c1 = cpuMsSelf();
        if (i >= 3) {
          wall.get(op.getKey()).add(v);
          cpu.get(op.getKey()).add(c1 - c0);
        }
      }
    }
    executor.close();
    workspaces.close();
    report.line("");
    report.line(
        "Where the time goes (server stopped; A-G interleaved round-robin, "
            + k
            + " rounds; C/D job = date +%s%N):");
    report.line(Stats.header("ms wall") + "  cpu/op");
    for (String name : ops.keySet()) {
      report.line(
          wall.get(name).row() + String.format(Locale.ROOT, "  %6.1f", cpu.get(name).mean()));
    }
    Stats a = wall.get("A bare bwrap (spawn -> exit)");
    Stats b = wall.get("B Seakeeper launcher + bwrap args (spawn -> exit)");
    Stats c = wall.get("C executor.start, plain dir -> job running");
    Stats d = wall.get("D executor.start, new git commit -> job running");
    Stats e = wall.get("E GitPack.write alone (new commit)");
    report.line(
        String.format(
            Locale.ROOT,
            "B/A p50 %.2fx;  C/A p50 %.2fx;  D/A p50 %.2fx;  (D-C) p50 %.1f ms vs E p50 %.1f ms",
            b.pct(50) / a.pct(50),
            c.pct(50) / a.pct(50),
            d.pct(50) / a.pct(50),
            d.pct(50) - c.pct(50),
            e.pct(50)));
    report.line(
        "cpu/op: mean CPU ms of this JVM and its reaped children during the op (+15 ms idle after"
            + " it), from /proc/self/stat (10 ms ticks, so a mean over the rounds).");
  }

  static long cpuMsSelf() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11])
            + Long.parseLong(f[12])
            + Long.parseLong(f[13])
            + Long.parseLong(f[14]))
        * 10;
  }

  /**
   * Seakeeper's launcher (sh -c, setpriv) and full bwrap command line for a prepared execution dir,
   * job {@code true}.
   */
  static String[] seakeeperCommand(Path root, org.seakeeper.sandbox.HostUser user)
      throws Exception {
    Path exec = Files.createDirectories(root.resolve("exec"));
    Files.createDirectories(exec.resolve("workspace"));
    Files.writeString(exec.resolve("job.sh"), "true\n");
    Path etc = Files.createDirectories(exec.resolve("etc"));
    for (String f : List.of("passwd", "group", "hosts", "nsswitch.conf")) {
      Files.writeString(
          etc.resolve(f),
          f.equals("passwd")
              ? "build:x:" + user.uid() + ":" + user.gid() + "::/home/build:/bin/bash\n"
              : f.equals("group") ? "build:x:" + user.gid() + ":\n" : "\n");
    }
    if (user.switchUser()) {
      BenchServer.run(
          root, Map.of(), "chown", "-R", user.uid() + ":" + user.gid(), exec.toString());
      BenchServer.run(root, Map.of(), "chmod", "700", exec.toString());
    }
    var req =
        new org.seakeeper.core.executor.ExecutionRequest(
            "skbench-b",
            "t",
            "true",
            java.time.Duration.ofMinutes(1),
            "host",
            org.seakeeper.core.model.Tier.TRUSTED,
            false,
            Map.of(),
            org.seakeeper.core.executor.Checkout.directory(exec.toString()),
            List.of());
    List<String> bw =
        org.seakeeper.sandbox.BwrapCommand.build(
            org.seakeeper.sandbox.SandboxProbe.findBwrap(),
            req,
            exec,
            java.util.Optional.empty(),
            etc,
            3);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "/bin/sh",
                "-c",
                "exec 3>\"$1\"; shift; n=$1; shift; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" ||"
                    + " exit 125; shift; n=$((n-1)); done; exec \"$@\"",
                "seakeeper-launch",
                exec.resolve("status.json").toString(),
                "0"));
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
    cmd.addAll(bw);
    return cmd.toArray(String[]::new);
  }

  /** executor.start -> the job's first command runs (its own clock), in ms; checks it succeeded. */
  static double untilRunning(
      org.seakeeper.core.executor.Executor executor, org.seakeeper.core.executor.ExecutionRequest r)
      throws Exception {
    List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    Instant t0 = Instant.now();
    var result =
        executor
            .start(r, lines::add)
            .result()
            .toCompletableFuture()
            .get(60, java.util.concurrent.TimeUnit.SECONDS);
    if (!(result.outcome() instanceof org.seakeeper.core.executor.JobOutcome.Succeeded)) {
      throw new IllegalStateException(
          "execution " + r.id() + ": " + result.outcome() + " " + lines);
    }
    long ns = Long.parseLong(lines.getFirst().strip());
    return BenchServer.ms(t0, Instant.ofEpochSecond(ns / 1_000_000_000L, ns % 1_000_000_000L));
  }

  /** Polls the API (every 10 ms) until the build of {@code sha} ended. */
  static JsonNode waitFor(BenchServer server, String sha) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (JsonNode b : server.json("/api/v1/builds?limit=5").get("builds")) {
        if (b.get("commit").asText().equals(sha)
            && !b.get("finished_at").isNull()
            && b.get("log_sha256") != null
            && !b.get("log_sha256").isNull()) {
          return b;
        }
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("no finished build of " + sha + " after 120 s");
  }

  /**
   * The brief's bare launch, as the trusted tier's host user when root (as Seakeeper starts jobs).
   */
  static String[] bareBwrap() throws Exception {
    List<String> cmd = new ArrayList<>();
    if ("0".equals(BenchServer.run(Path.of("/"), Map.of(), "id", "-u").strip())) {
      String uid = BenchServer.run(Path.of("/"), Map.of(), "id", "-u", "seakeeper-trusted").strip();
      String gid = BenchServer.run(Path.of("/"), Map.of(), "id", "-g", "seakeeper-trusted").strip();
      cmd.addAll(
          List.of(
              "/usr/bin/setpriv",
              "--reuid=" + uid,
              "--regid=" + gid,
              "--clear-groups",
              "--inh-caps=-all",
              "--bounding-set=-all",
              "--no-new-privs",
              "--"));
    }
    cmd.addAll(
        List.of(
            "bwrap",
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
            "true"));
    return cmd.toArray(String[]::new);
  }

  /**
   * Spawn -> exit of one process started the way BubblewrapExecutor starts jobs (ProcessBuilder).
   */
  static double launch(String[] cmd) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().clear();
    long t0 = System.nanoTime();
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    int rc = p.waitFor();
    long t1 = System.nanoTime();
    if (rc != 0) {
      throw new IllegalStateException("bare bwrap exited " + rc + ": " + new String(out));
    }
    return (t1 - t0) / 1e6;
  }

  static Map<Long, Instant> receivedAt(Path db) throws Exception {
    Map<Long, Instant> m = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + db, "seakeeper", "");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT b.id, e.received_at FROM builds b JOIN buildsets s ON s.id = b.buildset_id"
                    + " JOIN events e ON e.id = s.event_id")) {
      while (rs.next()) {
        m.put(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant());
      }
    }
    return m;
  }

  /**
   * A synthetic history of {@code commits} commits over {@code files} files, via git fast-import.
   */
  static void seed(Path work, int commits, int files) throws Exception {
    StringBuilder in = new StringBuilder();
    java.util.Random rnd = new java.util.Random(1);
    long t = 1_700_000_000L;
    for (int c = 1; c <= commits; c++) {
      in.append("commit refs/heads/main\ncommitter bench <bench@localhost> ")
          .append(t + c * 60)
          .append(" +0000\n");
      String msg = "seed " + c + "\n";
      in.append("data ").append(msg.length()).append('\n').append(msg);
      int touched = c == 1 ? files : Math.min(files, 3);
      for (int k = 0; k < touched; k++) {
        int f = c == 1 ? k : rnd.nextInt(files);
        StringBuilder content = new StringBuilder();
        for (int l = 0; l < 80; l++) {
          content
              .append("line ")
              .append(l)
              .append(" of file ")
              .append(f)
              .append(" at commit ")
              .append(c)
              .append(' ')
              .append(Long.toHexString(rnd.nextLong()))
              .append('\n');
        }
        byte[] data = content.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        in.append("M 100644 inline src/f")
            .append(f)
            .append(".txt\ndata ")
            .append(data.length)
            .append('\n')
            .append(content);
      }
      in.append('\n');
    }
    Process p =
        new ProcessBuilder("git", "fast-import", "--quiet")
            .directory(work.toFile())
            .redirectErrorStream(true)
            .start();
    try (var os = p.getOutputStream()) {
      os.write(in.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String out =
        new String(
            p.getInputStream()
                .readAllBytes()); // fast-import chains the commits of one branch by itself
    if (p.waitFor() != 0) {
      throw new IOException("git fast-import failed: " + out);
    }
    BenchServer.git(work, "checkout", "-q", "-f", "main");
  }
}
