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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Push -> Verified vote visible against a real Gerrit (bench/push-to-vote.sh): one Gerrit, one
 * project per system, and per round one change pushed for review to each system in turn (the order
 * rotates), each waited for before the next. "Vote visible" is when the benchmark's own {@code
 * gerrit stream-events} listener sees the {@code comment-added} event carrying the Verified vote;
 * the clock starts when {@code git push} returns (the change exists).
 *
 * <ul>
 *   <li>{@code floor}: the benchmark posts the vote over REST (the CI account, a warm HTTP client)
 *       as soon as the push returns: Gerrit's own cost of a vote.
 *   <li>{@code seakeeper}: a real {@code seakeeper server} (app/target/seakeeper.jar, isolated as
 *       bench/isolated.sh does) with a gerrit connection; one check job {@code cat counter.txt} in
 *       the checked-out patch set (fetched by Seakeeper, in the sandbox).
 *   <li>{@code buildbot-noop}, {@code buildbot-git}: Buildbot (Debian's 3.7) with
 *       GerritChangeSource + GerritStatusPush; one builder whose only step is {@code true}, one
 *       whose steps are a {@code steps.Gerrit} checkout of the patch set and {@code cat
 *       counter.txt}. See bench/buildbot-master.cfg.in for the work-around of the version check.
 * </ul>
 *
 * <p>Args: N [WARMUP]. Env: SYSTEMS (comma list, default all four), BENCH_TMP, KEEP=1.
 */
public final class PushToVote {
  static final List<String> ALL = List.of("floor", "seakeeper", "buildbot-noop", "buildbot-git");

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<String> systems =
        List.of(System.getenv().getOrDefault("SYSTEMS", String.join(",", ALL)).split(","));
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Path results = BenchServer.ROOT.resolve("bench/results");
    Path dir =
        Files.createTempDirectory(
            Path.of(System.getenv().getOrDefault("BENCH_TMP", "/var/tmp")), "skbench-p2v-");
    try {
      run(n, warmup, systems, stamp, results, dir);
    } finally {
      if (!"1".equals(System.getenv("KEEP"))) {
        BenchServer.deleteTree(dir);
      } else {
        System.out.println("kept " + dir);
      }
    }
  }

  static final class Sys {
    final String name;
    final String project;
    Path work;
    final Stats total;
    final List<String[]> raw = new ArrayList<>();
    int timeouts;
    boolean dropped;

    Sys(String name) {
      this.name = name;
      this.project = "bench-" + name;
      this.total = new Stats(name + ": push return -> vote seen");
    }
  }

  static void run(int n, int warmup, List<String> names, String stamp, Path results, Path dir)
      throws Exception {
    Stats.Report report = new Stats.Report(results.resolve("push-to-vote-" + stamp + ".txt"));
    report.line(System.getenv().getOrDefault("MACHINE_FACTS", ""));
    report.line(
        "push-to-vote: N="
            + n
            + " changes per system (after "
            + warmup
            + " warm-up rounds), systems "
            + names);
    long t0 = System.nanoTime();
    Map<String, Sys> sys = new LinkedHashMap<>();
    names.forEach(s -> sys.put(s, new Sys(s)));
    Stats push = new Stats("git push (start -> return)");
    try (BenchGerrit g = BenchGerrit.start(dir.resolve("gerrit"))) {
      report.line(
          String.format(
              Locale.ROOT,
              "Gerrit 3.13.5 (from the Maven jars, reports version '%s') up in %.1f s",
              g.admin.get("config/server/version").asText(),
              (System.nanoTime() - t0) / 1e9));
      for (Sys s : sys.values()) {
        g.createProject(s.project);
        s.work = g.cloneProject(s.project, dir.resolve("work-" + s.name));
      }
      g.createProject("bench-probe");
      Path probe = g.cloneProject("bench-probe", dir.resolve("work-probe"));
      g.listen("bench-probe", probe);

      BenchServer seakeeper = null;
      Buildbot buildbot = null;
      try {
        if (sys.containsKey("seakeeper")) {
          Sys s = sys.get("seakeeper");
          g.pushToMaster(
              s.work,
              Map.of(
                  ".seakeeper.yaml",
                  "jobs:\n  t:\n    run: \"cat counter.txt\"\npipelines:\n  check: [t]\n"));
          seakeeper = startSeakeeper(g, dir.resolve("seakeeper"), s.project);
        }
        if (sys.containsKey("buildbot-noop") || sys.containsKey("buildbot-git")) {
          buildbot = Buildbot.start(g, dir.resolve("buildbot"));
          report.line("buildbot: " + buildbot.version);
        }
        int rounds = warmup + n;
        List<Sys> order = new ArrayList<>(sys.values());
        for (int i = 0; i < rounds; i++) {
          for (int k = 0; k < order.size(); k++) {
            Sys s = order.get((i + k) % order.size());
            if (s.dropped) {
              continue;
            }
            BenchGerrit.Pushed p = BenchGerrit.Pushed.push(s.work, s.name + " " + i);
            if (s.name.equals("floor")) {
              g.floorVote(s.project, p);
            }
            BenchGerrit.Seen v;
            try {
              v = g.vote(p.sha()).get(i < warmup ? 120 : 60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
              s.timeouts++;
              System.err.println(
                  "push-to-vote: " + s.name + ": no vote on " + p.sha() + " within the limit");
              if (s.timeouts >= 3) {
                s.dropped = true;
                report.line(
                    s.name
                        + ": DROPPED after 3 changes without a vote (see the logs under "
                        + dir
                        + ", KEEP=1 keeps them)");
              }
              continue;
            }
            if (i < warmup) {
              continue;
            }
            double ms = (v.nanos() - p.returnNanos()) / 1e6;
            s.total.add(ms);
            push.add((p.returnNanos() - p.startNanos()) / 1e6);
            BenchGerrit.Seen created = g.created.get(p.sha());
            s.raw.add(
                new String[] {
                  p.sha(),
                  p.returned().toString(),
                  created == null ? "" : created.wall().toString(),
                  v.wall().toString(),
                  Stats.f(ms)
                });
          }
          if (i == warmup - 1 || (i >= warmup && (i - warmup + 1) % 10 == 0)) {
            System.err.printf(Locale.ROOT, "push-to-vote: round %d/%d done%n", i + 1, rounds);
          }
        }
      } finally {
        if (buildbot != null) {
          buildbot.close();
        }
        if (seakeeper != null) {
          seakeeper.close();
        }
      }
    }
    report.line("");
    report.line(Stats.header("ms"));
    for (Sys s : sys.values()) {
      report.line(s.total.row());
    }
    report.line(push.row());
    Sys floor = sys.get("floor");
    if (floor != null && floor.total.count() > 0) {
      report.line("");
      for (Sys s : sys.values()) {
        if (s != floor && s.total.count() > 0) {
          report.line(
              String.format(
                  Locale.ROOT,
                  "ratio %-14s / floor:   p50 %6.2fx   p99 %6.2fx",
                  s.name,
                  s.total.pct(50) / floor.total.pct(50),
                  s.total.pct(99) / floor.total.pct(99)));
        }
      }
      Sys sk = sys.get("seakeeper");
      if (sk != null && sk.total.count() > 0) {
        report.line(
            String.format(
                Locale.ROOT,
                "goal: seakeeper p50 <= 2x floor: %s",
                sk.total.pct(50) <= 2 * floor.total.pct(50) ? "MET" : "MISSED"));
        for (String b : List.of("buildbot-noop", "buildbot-git")) {
          Sys bb = sys.get(b);
          if (bb != null && bb.total.count() > 0) {
            report.line(
                String.format(
                    Locale.ROOT,
                    "%s p50 / seakeeper p50: %.2fx",
                    b,
                    bb.total.pct(50) / sk.total.pct(50)));
          }
        }
      }
    }
    if (sys.containsKey("seakeeper") && sys.get("seakeeper").total.count() > 0) {
      breakdown(report, dir.resolve("seakeeper/data/db/seakeeper"), sys.get("seakeeper"));
    }
    report.save();
    StringBuilder csv =
        new StringBuilder(
            "system,sha,push_return,patchset_created_seen,vote_seen,push_return_to_vote_ms\n");
    for (Sys s : sys.values()) {
      for (String[] r : s.raw) {
        csv.append(s.name).append(',').append(String.join(",", r)).append('\n');
      }
    }
    Path out = results.resolve("push-to-vote-" + stamp + ".csv");
    Files.writeString(out, csv.toString());
    System.out.println("samples written to " + out);
  }

  static BenchServer startSeakeeper(BenchGerrit g, Path dir, String project) throws Exception {
    Files.createDirectories(dir);
    int port = BenchServer.freePort();
    String yaml =
        "data_dir: "
            + dir.resolve("data")
            + "\n"
            + "http: {port: "
            + port
            + ", bind: 127.0.0.1, public_url: http://127.0.0.1:"
            + port
            + "/}\n"
            + "connections:\n"
            + "  - name: review\n    type: gerrit\n    url: "
            + g.url()
            + "\n    user: "
            + BenchGerrit.CI
            + "\n    http_password_file: "
            + g.ciPasswordFile
            + "\n    ssh: {host: 127.0.0.1, port: "
            + g.sshPort
            + ", key: "
            + g.ciKey
            + "}\n    projects: ["
            + project
            + "]\n"
            + System.getenv().getOrDefault("SK_CONNECTION_EXTRA", "");
    Path cfg = dir.resolve("server.yaml");
    Files.writeString(cfg, yaml);
    // as BenchServer.start, plus a logback file that turns on the Gerrit adapter's timing lines
    List<String> cmd =
        new ArrayList<>(
            List.of(
                BenchServer.ROOT.resolve("bench/isolated.sh").toString(),
                dir.resolve("isolation").toString(),
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
    return BenchServer.launch(cmd, dir, port);
  }

  /** The values of "... in N ms" lines of the server log that contain {@code what}. */
  static Stats logged(Path log, String what, String name) throws IOException {
    Stats s = new Stats(name);
    java.util.regex.Pattern p =
        java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(what) + " in (\\d+) ms");
    for (String l : Files.readAllLines(log)) {
      java.util.regex.Matcher m = p.matcher(l);
      if (m.find()) {
        s.add(Double.parseDouble(m.group(1)));
      }
    }
    return s;
  }

  /**
   * Where Seakeeper's time goes, from its database (read after the server stopped) and the
   * benchmark's clocks: push return, event received (inbox), buildset created, build queued,
   * started, finished, buildset finished, review delivered (outbox), vote seen on the stream.
   */
  static void breakdown(Stats.Report report, Path db, Sys sk) throws Exception {
    Map<String, Instant[]> byCommit = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + db, "seakeeper", "");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT s.commit_sha, e.received_at, e.processed_at, s.created_at, b.queued_at,"
                    + " b.started_at, b.finished_at, s.finished_at, o.created_at, o.delivered_at"
                    + " FROM buildsets s JOIN events e ON e.id = s.event_id JOIN builds b ON"
                    + " b.buildset_id = s.id LEFT JOIN outbox o ON o.buildset_id = s.id")) {
      while (rs.next()) {
        Instant[] t = new Instant[9];
        for (int i = 0; i < 9; i++) {
          OffsetDateTime o = rs.getObject(i + 2, OffsetDateTime.class);
          t[i] = o == null ? null : o.toInstant();
        }
        byCommit.put(rs.getString(1), t);
      }
    }
    String[] names = {
      "push return -> patchset-created seen (Gerrit)",
      "push return -> event in inbox (received_at)",
      "received_at -> buildset created",
      "buildset created -> build started",
      "build started -> build finished (job in sandbox)",
      "build finished -> buildset finished",
      "buildset finished -> outbox entry",
      "outbox entry -> review delivered (POST)",
      "review delivered -> vote seen on the stream"
    };
    List<Stats> rows = new ArrayList<>();
    for (String nm : names) {
      rows.add(new Stats("  " + nm));
    }
    for (String[] r : sk.raw) {
      Instant[] t = byCommit.get(r[0]);
      if (t == null) {
        continue;
      }
      Instant pushed = Instant.parse(r[1]);
      Instant seen = Instant.parse(r[3]);
      if (!r[2].isEmpty()) {
        rows.get(0).add(BenchServer.ms(pushed, Instant.parse(r[2])));
      }
      rows.get(1).add(BenchServer.ms(pushed, t[0]));
      rows.get(2).add(BenchServer.ms(t[0], t[2]));
      rows.get(3).add(BenchServer.ms(t[2], t[4]));
      rows.get(4).add(BenchServer.ms(t[4], t[5]));
      rows.get(5).add(BenchServer.ms(t[5], t[6]));
      if (t[7] != null && t[8] != null) {
        rows.get(6).add(BenchServer.ms(t[6], t[7]));
        rows.get(7).add(BenchServer.ms(t[7], t[8]));
        rows.get(8).add(BenchServer.ms(t[8], seen));
      }
    }
    Path log = db.getParent().getParent().getParent().resolve("server.log");
    if (Files.exists(log)) {
      rows.add(4, logged(log, "fetched", "    of which: JGit fetch (server log, + warm-up)"));
      rows.add(
          9, logged(log, "review posted", "    of which: review POST (server log, + warm-up)"));
    }
    report.line("");
    report.line(
        "seakeeper, where the time goes (database timestamps are whole milliseconds; the steps add"
            + " up to the total):");
    report.line(Stats.header("ms"));
    for (Stats s : rows) {
      report.line(s.row());
    }
  }

  /**
   * Buildbot master + worker from Debian's packages, configured from bench/buildbot-master.cfg.in.
   */
  static final class Buildbot implements AutoCloseable {
    final Path dir;
    final String version;

    private Buildbot(Path dir, String version) {
      this.dir = dir;
      this.version = version;
    }

    static Buildbot start(BenchGerrit g, Path dir) throws Exception {
      Files.createDirectories(dir);
      String version =
          BenchServer.run(dir, Map.of(), "buildbot", "--version")
              .lines()
              .findFirst()
              .orElse("?")
              .strip();
      Path master = dir.resolve("master");
      Path worker = dir.resolve("worker");
      BenchServer.run(dir, Map.of(), "buildbot", "create-master", "-r", master.toString());
      int pb = BenchServer.freePort();
      String cfg =
          Files.readString(BenchServer.ROOT.resolve("bench/buildbot-master.cfg.in"))
              .replace("@SSH_PORT@", Integer.toString(g.sshPort))
              .replace("@KEY@", g.ciKey.toString())
              .replace("@PB_PORT@", Integer.toString(pb))
              .replace("@GIT_URL@", g.adminGitUrl("bench-buildbot-git"))
              .replace("@USER@", BenchGerrit.CI);
      Files.writeString(master.resolve("master.cfg"), cfg);
      BenchServer.run(dir, Map.of(), "buildbot", "checkconfig", master.toString());
      BenchServer.run(
          dir,
          Map.of(),
          "buildbot-worker",
          "create-worker",
          "-r",
          worker.toString(),
          "127.0.0.1:" + pb,
          "w1",
          "pw");
      BenchServer.run(dir, Map.of(), "buildbot", "start", master.toString());
      BenchServer.run(dir, Map.of(), "buildbot-worker", "start", worker.toString());
      return new Buildbot(dir, version);
    }

    @Override
    public void close() {
      for (String[] cmd :
          List.of(
              new String[] {"buildbot-worker", "stop", dir.resolve("worker").toString()},
              new String[] {"buildbot", "stop", dir.resolve("master").toString()})) {
        try {
          BenchServer.run(dir, Map.of(), cmd);
        } catch (IOException | InterruptedException e) {
          System.err.println("push-to-vote: " + String.join(" ", cmd) + ": " + e.getMessage());
        }
      }
    }
  }
}
