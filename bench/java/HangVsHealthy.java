import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event -> job start of a local push while a Gerrit connection of the same server hangs
 * (bench/hang-vs-healthy.sh). One real Gerrit (BenchGerrit), one real Seakeeper server with a local
 * repo and a gerrit connection whose {@code url} points at a TCP relay in front of Gerrit's HTTP
 * port (SSH goes straight to Gerrit, so stream-events keeps delivering). Two conditions,
 * interleaved A B A B ...:
 *
 * <ul>
 *   <li>{@code healthy}: the relay forwards; Gerrit is idle (the previous change's vote was seen).
 *   <li>{@code hang}: the relay is switched to hang (accepts, reads, never answers), a change is
 *       uploaded to Gerrit straight to its port, and the benchmark waits until the server's call
 *       for it (the mirror fetch / REST) is stuck on the relay; then the local push is timed. After
 *       the local build, the relay forwards again (cutting the hung connection), and the benchmark
 *       waits for that change's Verified vote, so the next healthy sample finds Gerrit idle.
 * </ul>
 *
 * Each sample is what bench/event-to-start.sh measures: a commit pushed to main of a local bare
 * repo served by the server, one post job whose first command prints the clock in the sandbox. The
 * headline is {@code git push} start -> that clock (the hook hands the event over inside the push,
 * so the build often starts before the push returns); "event received" -> job running is the
 * server-side figure of event-to-start. 300 ms pass before each local push in both conditions.
 *
 * <p>Args: N [WARMUP]. Env: REQUEST_TIMEOUT (the connection's request_timeout, default 60s, so the
 * hung call is still hung when the local push arrives), BENCH_TMP, KEEP=1.
 */
public final class HangVsHealthy {
  static final String PROJECT = "bench-gerrit";

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 25;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Path results = BenchServer.ROOT.resolve("bench/results");
    Path dir =
        Files.createTempDirectory(
            Path.of(System.getenv().getOrDefault("BENCH_TMP", "/var/tmp")), "skbench-hvh-");
    try {
      run(n, warmup, stamp, results, dir);
    } finally {
      if (!"1".equals(System.getenv("KEEP"))) {
        BenchServer.deleteTree(dir);
      } else {
        System.out.println("kept " + dir);
      }
    }
  }

  /** One local push: when it started and returned, its build, when the job ran. */
  record Sample(
      String cond,
      long id,
      Instant t0,
      Instant t1,
      Instant queued,
      Instant started,
      Instant job,
      double hungForMs,
      boolean stillHung,
      String load,
      long gerritCpu,
      long serverCpu) {}

  /** User+system CPU ms of a process (its reaped children included), -1 when gone. */
  static long cpuMs(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11])
              + Long.parseLong(f[12])
              + Long.parseLong(f[13])
              + Long.parseLong(f[14]))
          * 10;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Gerrit's JVM: the child of this JVM that runs GerritLauncher daemon. */
  static long gerritPid() {
    return ProcessHandle.current()
        .children()
        .filter(
            p ->
                p.info()
                    .arguments()
                    .map(a -> String.join(" ", a).contains("GerritLauncher daemon"))
                    .orElse(false))
        .mapToLong(ProcessHandle::pid)
        .findFirst()
        .orElse(-1);
  }

  static String load() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
  }

  static void run(int n, int warmup, String stamp, Path results, Path dir) throws Exception {
    Stats.Report report = new Stats.Report(results.resolve("hang-vs-healthy-" + stamp + ".txt"));
    report.line(System.getenv().getOrDefault("MACHINE_FACTS", ""));
    String requestTimeout = System.getenv().getOrDefault("REQUEST_TIMEOUT", "60s");
    report.line(
        "hang-vs-healthy: N="
            + n
            + " local pushes per condition (after "
            + warmup
            + " warm-up pairs), interleaved healthy/hang; gerrit request_timeout "
            + requestTimeout);
    long t0 = System.nanoTime();
    List<Sample> samples = new ArrayList<>();
    Stats gerritDelay = new Stats("hung gerrit change: relay passes again -> vote seen");
    Stats hangDetect = new Stats("gerrit upload returned -> server's call hung on relay");
    List<String> hungRequests = new ArrayList<>();
    try (BenchGerrit g = BenchGerrit.start(dir.resolve("gerrit"));
        Relay relay = new Relay(g.httpPort)) {
      report.line(
          String.format(
              Locale.ROOT,
              "Gerrit up in %.1f s (version '%s')",
              (System.nanoTime() - t0) / 1e9,
              g.admin.get("config/server/version").asText()));
      g.createProject(PROJECT);
      Path gwork = g.cloneProject(PROJECT, dir.resolve("work-gerrit"));
      g.pushToMaster(
          gwork,
          Map.of(".seakeeper.yaml", "jobs:\n  t:\n    run: \"true\"\npipelines:\n  check: [t]\n"));
      g.createProject("bench-probe");
      g.listen("bench-probe", g.cloneProject("bench-probe", dir.resolve("work-probe")));

      Path local = dir.resolve("local");
      Path work = BenchServer.newRepo(local);
      Files.writeString(
          work.resolve(".seakeeper.yaml"),
          "jobs:\n  t:\n    run: \"date +%s%N\"\npipelines:\n  post: [t]\n");
      Files.writeString(work.resolve("counter.txt"), "start\n");
      BenchServer.git(work, "add", "-A");
      BenchServer.git(work, "commit", "-q", "-m", "bench config");
      BenchServer.git(work, "push", "-q", "origin", "HEAD:main");

      Path sk = dir.resolve("seakeeper");
      Files.createDirectories(sk);
      int port = BenchServer.freePort();
      String yaml =
          "data_dir: "
              + sk.resolve("data")
              + "\n"
              + "http: {port: "
              + port
              + ", bind: 127.0.0.1, public_url: http://127.0.0.1:"
              + port
              + "/}\n"
              + "executors:\n  trusted: {max_parallel: 4}\n"
              + "repos:\n  - name: bench\n    path: "
              + local.resolve("repo.git")
              + "\n"
              + "connections:\n"
              + "  - name: review\n    type: gerrit\n    url: http://127.0.0.1:"
              + relay.port()
              + "/\n    user: "
              + BenchGerrit.CI
              + "\n    http_password_file: "
              + g.ciPasswordFile
              + "\n    ssh: {host: 127.0.0.1, port: "
              + g.sshPort
              + ", key: "
              + g.ciKey
              + "}\n    projects: ["
              + PROJECT
              + "]\n    request_timeout: "
              + requestTimeout
              + "\n";
      Path cfg = sk.resolve("server.yaml");
      Files.writeString(cfg, yaml);
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  BenchServer.ROOT.resolve("bench/isolated.sh").toString(),
                  sk.resolve("isolation").toString(),
                  Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      for (String f :
          System.getenv()
              .getOrDefault(
                  "SERVER_JVM_FLAGS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto")
              .split("\\s+")) {
        if (!f.isBlank()) {
          cmd.add(f);
        }
      }
      cmd.add(
          "-Dlogback.configurationFile="
              + BenchServer.ROOT.resolve("bench/logback-gerrit-debug.xml"));
      cmd.addAll(List.of("-jar", BenchServer.JAR.toString(), "server", "--config", cfg.toString()));
      try (BenchServer server = BenchServer.launch(cmd, sk, port)) {
        // The first change makes the mirror (a clone); later hangs are on incremental fetches.
        BenchGerrit.Pushed first = BenchGerrit.Pushed.push(gwork, "mirror");
        g.vote(first.sha()).get(180, TimeUnit.SECONDS);
        boolean dumped = false;
        long gpid = gerritPid();
        for (int i = 0; i < warmup + n; i++) {
          for (String cond : List.of("healthy", "hang")) {
            BenchGerrit.Pushed p = null;
            long hungAt = 0;
            long g0 = cpuMs(gpid);
            long s0 = cpuMs(server.pid());
            if (cond.equals("hang")) {
              relay.hang();
              long before = relay.dropped();
              p = BenchGerrit.Pushed.push(gwork, "hang " + i);
              long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
              while (relay.dropped() == before) {
                if (System.nanoTime() > end) {
                  throw new IllegalStateException(
                      "the server made no call to Gerrit's HTTP within 30 s of the upload of "
                          + p.sha());
                }
                Thread.sleep(5);
              }
              hungAt = System.nanoTime();
              if (i >= warmup) {
                hangDetect.add((hungAt - p.returnNanos()) / 1e6);
              }
            }
            Thread.sleep(
                300); // both conditions: the same pause before the local push (in "hang", the call
            // stays hung)
            String ld = load();
            Files.writeString(work.resolve("counter.txt"), cond + " " + i + "\n");
            BenchServer.git(work, "commit", "-q", "-a", "-m", cond + " " + i);
            String sha = BenchServer.git(work, "rev-parse", "HEAD").strip();
            Instant a = Instant.now();
            BenchServer.git(work, "push", "-q", "origin", "HEAD:main");
            Instant b = Instant.now();
            if (cond.equals("hang") && i >= warmup && !dumped) {
              dumped = true; // while the local build is on its way and the Gerrit call hangs
              threadDump(server, results.resolve("hang-vs-healthy-" + stamp + "-threads"), sk);
            }
            JsonNode build = EventToStart.waitFor(server, sha);
            if (!"success".equals(build.get("status").asText())) {
              throw new IllegalStateException(
                  "local build "
                      + build.get("id").asText()
                      + " ended "
                      + build.get("status").asText());
            }
            long id = build.get("id").asLong();
            long ns =
                Long.parseLong(
                    server
                        .get("/api/v1/builds/" + id + "/log")
                        .strip()
                        .lines()
                        .findFirst()
                        .orElseThrow()
                        .strip());
            Instant job = Instant.ofEpochSecond(ns / 1_000_000_000L, ns % 1_000_000_000L);
            long gcpu = cpuMs(gpid) - g0;
            long scpu = cpuMs(server.pid()) - s0;
            double hungFor = 0;
            boolean still = false;
            if (p != null) {
              hungFor = (System.nanoTime() - hungAt) / 1e6;
              still = relay.hanging() > 0;
              relay.pass();
              long passed = System.nanoTime();
              BenchGerrit.Seen v = g.vote(p.sha()).get(180, TimeUnit.SECONDS);
              if (i >= warmup) {
                gerritDelay.add((v.nanos() - passed) / 1e6);
              }
            }
            if (i >= warmup) {
              samples.add(
                  new Sample(
                      cond,
                      id,
                      a,
                      b,
                      BenchServer.time(build, "queued_at"),
                      BenchServer.time(build, "started_at"),
                      job,
                      hungFor,
                      still,
                      ld,
                      gcpu,
                      scpu));
            }
          }
          if ((i + 1) % 5 == 0) {
            System.err.printf(
                Locale.ROOT,
                "hang-vs-healthy: pair %d/%d done (load %s)%n",
                i + 1,
                warmup + n,
                load());
          }
        }
      }
      hungRequests.addAll(relay.hungRequests);
      Files.copy(
          sk.resolve("server.log"), results.resolve("hang-vs-healthy-" + stamp + "-server.log"));
    }
    Map<Long, Instant> received =
        EventToStart.receivedAt(dir.resolve("seakeeper/data/db/seakeeper"));
    report.line(
        String.format(
            Locale.ROOT,
            "run took %.0f s (Gerrit start included); load average at the end: %s",
            (System.nanoTime() - t0) / 1e9,
            Files.readString(Path.of("/proc/loadavg")).strip()));
    Map<String, Map<String, Stats>> by = new LinkedHashMap<>();
    String[] metrics = {
      "push start -> job running (job's clock)",
      "push start -> started_at (API)",
      "event received -> job running",
      "event received -> queued_at",
      "git push (start -> return, hook incl.)",
      "push start -> event received"
    };
    for (String c : List.of("healthy", "hang")) {
      Map<String, Stats> m = new LinkedHashMap<>();
      for (String k : metrics) {
        m.put(k, new Stats(c + ": " + k));
      }
      by.put(c, m);
    }
    Map<String, Stats[]> cpu = new LinkedHashMap<>();
    for (String c : List.of("healthy", "hang")) {
      cpu.put(
          c,
          new Stats[] {
            new Stats(c + ": Gerrit JVM CPU ms per sample"),
            new Stats(c + ": Seakeeper server CPU ms per sample")
          });
    }
    int notHung = 0;
    StringBuilder csv =
        new StringBuilder(
            "cond,build_id,push_start,push_return,received_at,queued_at,started_at,job_running,gerrit_hung_for_ms,still_hung_after,load1,gerrit_cpu_ms,server_cpu_ms\n");
    for (Sample s : samples) {
      Map<String, Stats> m = by.get(s.cond());
      Instant rec = received.get(s.id());
      m.get(metrics[0]).add(BenchServer.ms(s.t0(), s.job()));
      m.get(metrics[1]).add(BenchServer.ms(s.t0(), s.started()));
      m.get(metrics[2]).add(BenchServer.ms(rec, s.job()));
      m.get(metrics[3]).add(BenchServer.ms(rec, s.queued()));
      m.get(metrics[4]).add(BenchServer.ms(s.t0(), s.t1()));
      m.get(metrics[5]).add(BenchServer.ms(s.t0(), rec));
      cpu.get(s.cond())[0].add(s.gerritCpu());
      cpu.get(s.cond())[1].add(s.serverCpu());
      if (s.cond().equals("hang") && !s.stillHung()) {
        notHung++;
      }
      csv.append(
              String.join(
                  ",",
                  s.cond(),
                  Long.toString(s.id()),
                  s.t0().toString(),
                  s.t1().toString(),
                  String.valueOf(rec),
                  String.valueOf(s.queued()),
                  String.valueOf(s.started()),
                  s.job().toString(),
                  Stats.f(s.hungForMs()),
                  Boolean.toString(s.stillHung()),
                  s.load(),
                  Long.toString(s.gerritCpu()),
                  Long.toString(s.serverCpu())))
          .append('\n');
    }
    report.line("");
    report.line(Stats.header("ms"));
    for (String k : metrics) {
      report.line(by.get("healthy").get(k).row());
      report.line(by.get("hang").get(k).row());
    }
    for (Stats[] c : cpu.values()) {
      report.line(c[0].row());
      report.line(c[1].row());
    }
    report.line(hangDetect.row());
    report.line(gerritDelay.row());
    report.line(
        "CPU per sample: from before the 300 ms pause (in \"hang\", before the Gerrit upload) to"
            + " the local job found finished; /proc, 10 ms ticks.");
    report.line("");
    for (String k : metrics) {
      Stats h = by.get("healthy").get(k);
      Stats x = by.get("hang").get(k);
      report.line(
          String.format(
              Locale.ROOT,
              "ratio hang/healthy, %-42s p50 %.2fx   p90 %.2fx",
              k + ":",
              x.pct(50) / h.pct(50),
              x.pct(90) / h.pct(90)));
    }
    Stats h = by.get("healthy").get(metrics[0]);
    Stats x = by.get("hang").get(metrics[0]);
    report.line(
        String.format(
            Locale.ROOT,
            "goal p50(hang) <= 1.2x p50(healthy), push start -> job running: %s (%.2fx)",
            x.pct(50) <= 1.2 * h.pct(50) ? "MET" : "MISSED",
            x.pct(50) / h.pct(50)));
    report.line(
        "hang samples whose Gerrit call was no longer hung when the local job had run: "
            + notHung
            + " of "
            + x.count()
            + " (0 expected)");
    Map<String, Integer> kinds = new java.util.TreeMap<>();
    hungRequests.forEach(r -> kinds.merge(r, 1, Integer::sum));
    report.line("requests that hung on the relay (warm-up included): " + kinds);
    report.save();
    Path out = results.resolve("hang-vs-healthy-" + stamp + ".csv");
    Files.writeString(out, csv.toString());
    System.out.println("samples written to " + out);
  }

  /** jstack (platform threads) and jcmd Thread.dump_to_file (virtual threads too) of the server. */
  static void threadDump(BenchServer server, Path prefix, Path sk) {
    String jdk = System.getProperty("java.home");
    try {
      Files.writeString(
          Path.of(prefix + "-jstack.txt"),
          BenchServer.run(sk, Map.of(), jdk + "/bin/jstack", Long.toString(server.pid())));
      Path all = sk.resolve("threads.txt");
      BenchServer.run(
          sk,
          Map.of(),
          jdk + "/bin/jcmd",
          Long.toString(server.pid()),
          "Thread.dump_to_file",
          "-format=text",
          all.toString());
      Files.copy(all, Path.of(prefix + "-all.txt"));
    } catch (Exception e) {
      System.err.println("hang-vs-healthy: thread dump failed: " + e.getMessage());
    }
  }

  /**
   * A TCP relay in front of Gerrit's HTTP port (a small copy of the idea of the tests' FaultRelay):
   * forwards both ways, or, hanging, accepts and reads and never answers (bytes from either side
   * are dropped, on new and already open connections). {@link #pass} cuts every open connection, so
   * a hung call fails at once, and forwards again.
   */
  static final class Relay implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Socket> hung = ConcurrentHashMap.newKeySet();
    private final AtomicLong dropped = new AtomicLong();

    /** The first line of each connection that hung (query strings cut). */
    final java.util.Queue<String> hungRequests = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private volatile boolean hang;

    Relay(int target) throws IOException {
      this.target = target;
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofPlatform()
          .daemon()
          .name("relay")
          .start(
              () -> {
                while (!listener.isClosed()) {
                  try {
                    Socket c = listener.accept();
                    open.add(c);
                    Thread.ofVirtual().start(() -> serve(c));
                  } catch (IOException e) {
                    return;
                  }
                }
              });
    }

    int port() {
      return listener.getLocalPort();
    }

    /** Reads from the clients dropped while hanging (each read counts one). */
    long dropped() {
      return dropped.get();
    }

    /** Connections that sent bytes while hanging and are still open. */
    int hanging() {
      return hung.size();
    }

    void hang() {
      hang = true;
    }

    void pass() {
      hang = false;
      for (Socket s : List.copyOf(open)) {
        close(s);
      }
      hung.clear();
    }

    private void serve(Socket c) {
      Socket up = null;
      try {
        if (!hang) {
          up = new Socket();
          up.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5000);
          open.add(up);
          Socket u = up;
          Thread.ofVirtual().start(() -> pump(u, c));
        }
        Socket u = up;
        InputStream in = c.getInputStream();
        byte[] buf = new byte[16384];
        for (int r; (r = in.read(buf)) >= 0; ) {
          if (hang || u == null) {
            if (hung.add(c)) {
              String head = new String(buf, 0, r, java.nio.charset.StandardCharsets.ISO_8859_1);
              int eol = head.indexOf("\r\n");
              String line = eol > 0 ? head.substring(0, eol) : "(not an HTTP request head)";
              hungRequests.add(
                  line.replaceAll("\\?.*? HTTP/", " HTTP/").replaceAll("/[0-9a-f]{40}", "/<sha>"));
            }
            dropped.incrementAndGet();
          } else {
            u.getOutputStream().write(buf, 0, r);
          }
        }
      } catch (IOException e) {
        // cut or closed
      } finally {
        close(c);
        if (up != null) {
          close(up);
        }
      }
    }

    private void pump(Socket from, Socket to) {
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        byte[] buf = new byte[16384];
        for (int r; (r = in.read(buf)) >= 0; ) {
          if (!hang) {
            out.write(buf, 0, r);
          }
        }
      } catch (IOException e) {
        // cut or closed
      } finally {
        close(from);
        close(to);
      }
    }

    private void close(Socket s) {
      open.remove(s);
      hung.remove(s);
      try {
        s.close();
      } catch (IOException e) {
        // closed
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
      pass();
    }
  }
}
