import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sustained trivial-job throughput of a real server (bench/throughput.sh). For each scenario
 * (pushes x jobs per push, trusted max_parallel) a fresh server and repo; every job is {@code run:
 * "true"} in {@code post}, all independent. jobs/s = jobs / (last finished_at - first started_at).
 * Args: N. Env: SCENARIOS, e.g. "1x500@4 1x500@2 10x50@4" (default from N).
 */
public final class Throughput {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    String scenarios =
        System.getenv()
            .getOrDefault(
                "SCENARIOS",
                "1x"
                    + n
                    + "@4 1x"
                    + n
                    + "@2 "
                    + Math.max(1, n / 50)
                    + "x"
                    + Math.min(n, 50)
                    + "@4");
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Stats.Report report =
        new Stats.Report(BenchServer.ROOT.resolve("bench/results/throughput-" + stamp + ".txt"));
    report.line(System.getenv().getOrDefault("MACHINE_FACTS", ""));
    report.line(
        "throughput: every job is run: \"true\" in post, all independent; scenarios"
            + " PUSHESxJOBS@MAX_PARALLEL: "
            + scenarios);
    report.line("");
    report.line(
        String.format(
            Locale.ROOT,
            "%-14s %6s %9s %9s %8s %9s %9s %10s %10s %s",
            "scenario",
            "jobs",
            "span s",
            "jobs/s",
            "par.eff",
            "job p50",
            "job p99",
            "srv cpu/j",
            "chld cpu/j",
            "statuses"));
    boolean baselines = !"0".equals(System.getenv().getOrDefault("BASELINES", "1"));
    List<String> ratios = new ArrayList<>();
    for (String sc : scenarios.trim().split("\\s+")) {
      if (sc.isBlank() || sc.equals("none")) {
        continue;
      }
      String[] a = sc.split("[x@]");
      int pushes = Integer.parseInt(a[0]);
      int jobs = Integer.parseInt(a[1]);
      int par = Integer.parseInt(a[2]);
      Row server = scenario(pushes, jobs, par, sc);
      report.line(server.text());
      if (baselines) { // right after, so they see the same machine load
        Row executor = baseline("executor", pushes * jobs, par);
        report.line(executor.text());
        Row bare = baseline("bare bwrap", pushes * jobs, par);
        report.line(bare.text());
        ratios.add(
            String.format(
                Locale.ROOT,
                "%-12s server %.1f jobs/s = %.2fx the executor alone (%.1f/s), %.2fx bare bwrap"
                    + " (%.1f/s)",
                sc,
                server.jobsPerSecond(),
                server.jobsPerSecond() / executor.jobsPerSecond(),
                executor.jobsPerSecond(),
                server.jobsPerSecond() / bare.jobsPerSecond(),
                bare.jobsPerSecond()));
      }
    }
    if (!ratios.isEmpty()) {
      report.line("");
      ratios.forEach(report::line);
    }
    report.line("");
    report.line(
        "Rows under a scenario, run right after it with the same N and P: bare bwrap@P: the brief's"
            + " bare bwrap launch as the tier user, P at a time (no server). executor@P:"
            + " BubblewrapExecutor.start directly (workspace copy of one");
    report.line(
        "commit's snapshot, /etc files, cgroups, launcher, bwrap, bash, cleanup), P at a time, no"
            + " scheduler, no store: the ceiling the server could reach.");
    report.line(
        "span: first started_at -> last finished_at (API). par.eff: sum of (finished_at -"
            + " started_at) / span, i.e. slots kept busy (max = max_parallel).");
    report.line(
        "job p50/p99: started_at -> finished_at of one build, ms. srv cpu/j, chld cpu/j: server JVM"
            + " and its reaped children (git, sh, setpriv, bwrap) CPU ms per job.");
    report.line(
        "For the baseline rows srv cpu/j is the benchmark JVM plus its reaped children (bwrap, sh,"
            + " setpriv) per job.");
    report.line("goal: >= 100 jobs/s on 2 cores.");
    report.save();
  }

  record Row(String text, double jobsPerSecond) {}

  /** N launches, P at a time, without a server: jobs/s over the whole batch. */
  static Row baseline(String kind, int n, int par) throws Exception {
    Path dir =
        Files.createTempDirectory(
            Path.of(System.getenv().getOrDefault("BENCH_TMP", "/var/tmp")), "skbench-tpb-");
    try {
      Files.setPosixFilePermissions(
          dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
      Path work = BenchServer.newRepo(dir);
      Files.writeString(work.resolve("counter.txt"), "start\n");
      BenchServer.git(work, "add", "-A");
      BenchServer.git(work, "commit", "-q", "-m", "one");
      BenchServer.git(work, "push", "-q", "origin", "HEAD:main");
      String sha = BenchServer.git(work, "rev-parse", "HEAD").strip();
      var executor =
          org.seakeeper.app.Wiring.bubblewrap(
              java.util.Optional.empty(),
              org.seakeeper.core.model.Tier.TRUSTED,
              dir.resolve("work"),
              dir.resolve("artifacts"),
              w -> {});
      String[] bwrap = EventToStart.bareBwrap();
      String tag = "skbench-" + ProcessHandle.current().pid() + "-" + par + "-";
      java.util.concurrent.atomic.AtomicInteger next =
          new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger failed =
          new java.util.concurrent.atomic.AtomicInteger();
      Runnable worker =
          () -> {
            int i;
            while ((i = next.getAndIncrement()) < n) {
              try {
                if (kind.equals("executor")) {
                  var r =
                      new org.seakeeper.core.executor.ExecutionRequest(
                          tag + i,
                          "t",
                          "true",
                          java.time.Duration.ofMinutes(1),
                          "host",
                          org.seakeeper.core.model.Tier.TRUSTED,
                          false,
                          Map.of(),
                          org.seakeeper.core.executor.Checkout.gitCommit(
                              dir.resolve("repo.git").toString(), sha),
                          List.of());
                  var res = executor.start(r, line -> {}).result().toCompletableFuture().get();
                  if (!(res.outcome()
                      instanceof org.seakeeper.core.executor.JobOutcome.Succeeded)) {
                    failed.incrementAndGet();
                  }
                } else {
                  EventToStart.launch(bwrap);
                }
              } catch (Exception e) {
                failed.incrementAndGet();
              }
            }
          };
      if (kind.equals(
          "executor")) { // the one snapshot of the commit, made before the clock starts (as in 1xN)
        executor
            .start(
                new org.seakeeper.core.executor.ExecutionRequest(
                    tag + "warm",
                    "t",
                    "true",
                    java.time.Duration.ofMinutes(1),
                    "host",
                    org.seakeeper.core.model.Tier.TRUSTED,
                    false,
                    Map.of(),
                    org.seakeeper.core.executor.Checkout.gitCommit(
                        dir.resolve("repo.git").toString(), sha),
                    List.of()),
                line -> {})
            .result()
            .toCompletableFuture()
            .get();
      }
      long cpu0 = cpuMs();
      long t0 = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < par; t++) {
        threads.add(Thread.ofPlatform().start(worker));
      }
      for (Thread t : threads) {
        t.join();
      }
      double span = (System.nanoTime() - t0) / 1e9;
      long cpu = cpuMs() - cpu0;
      executor.close();
      String name = "  " + (kind.equals("executor") ? "executor" : "bare bwrap") + "@" + par;
      return new Row(
          String.format(
              Locale.ROOT,
              "%-14s %6d %9.2f %9.1f %8s %9s %9s %10.1f %10s %s",
              name,
              n,
              span,
              n / span,
              "-",
              "-",
              "-",
              cpu / (double) n,
              "(incl.)",
              failed.get() == 0 ? "{success=" + n + "}" : "{failed=" + failed.get() + "}"),
          n / span);
    } finally {
      BenchServer.deleteTree(dir);
    }
  }

  /** CPU ms of this JVM and its reaped children. */
  static long cpuMs() throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11])
            + Long.parseLong(f[12])
            + Long.parseLong(f[13])
            + Long.parseLong(f[14]))
        * 10;
  }

  static Row scenario(int pushes, int jobsPerPush, int maxParallel, String name) throws Exception {
    Path dir =
        Files.createTempDirectory(
            Path.of(System.getenv().getOrDefault("BENCH_TMP", "/var/tmp")), "skbench-tp-");
    try {
      Path work = BenchServer.newRepo(dir);
      StringBuilder cfg = new StringBuilder("jobs:\n");
      for (int j = 1; j <= jobsPerPush; j++) {
        cfg.append(String.format(Locale.ROOT, "  j%04d:\n    run: \"true\"\n", j));
      }
      cfg.append("pipelines:\n  post:\n");
      for (int j = 1; j <= jobsPerPush; j++) {
        cfg.append(String.format(Locale.ROOT, "    - j%04d\n", j));
      }
      Files.writeString(work.resolve(".seakeeper.yaml"), cfg.toString());
      Files.writeString(work.resolve("counter.txt"), "start\n");
      BenchServer.git(work, "add", "-A");
      BenchServer.git(work, "commit", "-q", "-m", "config");
      BenchServer.git(
          work, "push", "-q", "origin", "HEAD:main"); // before the server starts: not built
      int port = BenchServer.freePort();
      Path serverCfg = dir.resolve("server.yaml");
      Files.writeString(serverCfg, BenchServer.serverConfig(dir, port, maxParallel, null));
      try (BenchServer server =
          BenchServer.start(dir, port, List.of("server", "--config", serverCfg.toString()))) {
        Thread.sleep(2000); // let start-up work (JIT, sandbox probes) settle
        long[] cpu0 = server.cpuMs();
        for (int p = 0; p < pushes; p++) {
          Files.writeString(work.resolve("counter.txt"), p + "\n");
          BenchServer.git(work, "commit", "-q", "-a", "-m", "push " + p);
          BenchServer.git(work, "push", "-q", "origin", "HEAD:main");
        }
        int total = pushes * jobsPerPush;
        long deadline = System.nanoTime() + 1800_000_000_000L;
        while (true) {
          JsonNode st = server.json("/api/v1/status").get("builds_by_status");
          long done = 0;
          long all = 0;
          for (var e : st.properties()) {
            all += e.getValue().asLong();
            if (!e.getKey().equals("queued") && !e.getKey().equals("running")) {
              done += e.getValue().asLong();
            }
          }
          if (all >= total && done == all) {
            break;
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("not done after 30 minutes: " + st);
          }
          Thread.sleep(250);
        }
        long[] cpu1 = server.cpuMs();
        List<JsonNode> builds = server.allBuilds();
        Instant first = null;
        Instant last = null;
        double busy = 0;
        Stats job = new Stats("job");
        Map<String, Integer> statuses = new TreeMap<>();
        for (JsonNode b : builds) {
          statuses.merge(b.get("status").asText(), 1, Integer::sum);
          Instant s = BenchServer.time(b, "started_at");
          Instant f = BenchServer.time(b, "finished_at");
          if (s == null || f == null) {
            continue;
          }
          first = first == null || s.isBefore(first) ? s : first;
          last = last == null || f.isAfter(last) ? f : last;
          double d = BenchServer.ms(s, f);
          busy += d;
          job.add(d);
        }
        double span = BenchServer.ms(first, last) / 1000.0;
        return new Row(
            String.format(
                Locale.ROOT,
                "%-14s %6d %9.2f %9.1f %8.2f %9s %9s %10.1f %10.1f %s",
                name,
                builds.size(),
                span,
                builds.size() / span,
                busy / 1000.0 / span,
                Stats.f(job.pct(50)),
                Stats.f(job.pct(99)),
                (cpu1[0] - cpu0[0]) / (double) total,
                (cpu1[1] - cpu0[1]) / (double) total,
                statuses),
            builds.size() / span);
      }
    } finally {
      if (!"1".equals(System.getenv("KEEP"))) {
        BenchServer.deleteTree(dir);
      }
    }
  }
}
