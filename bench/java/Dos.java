import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * What each denial-of-service attack of the attack suite (DenialOfServiceTest) costs the others
 * (bench/dos.sh): one real server ({@code seakeeper server --config}, the launcher's JVM flags)
 * serving a hostile repo and a canary. For each attack, two windows one after the other in the same
 * run: the canary alone, then the canary while the attack runs. In each window the canary is pushed
 * SAMPLES times to {@code main} (one trivial post job, each build waited for before the next push),
 * timing {@code git push} start -> the build's {@code started_at}; and the server's peak resident
 * memory (/proc/PID/status VmRSS, every 50 ms) and peak Java heap used and committed ({@code jstat
 * -gc PID 100}: S0U+S1U+EU+OU, S0C+S1C+EC+OC; the server's /metrics has no JVM memory gauges) are
 * recorded. Ratios during / alone; the goal is within 2x.
 *
 * <p>Light attacks (git bombs, globs, the job explosion, control characters) push a fresh hostile
 * change before every canary push; the flood is one change running through the window; the client
 * attacks (8 whole reads of a big log, looping; 20 live log streams from one client) run against a
 * build made before the window. Args: [SAMPLES=5]. Env: FLOOD_MB (default 400), BIG_LOG_MB (default
 * 120), BENCH_TMP, KEEP=1.
 */
public final class Dos {
  static final String GLOB = "**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**b";
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final Path dir;
  private final BenchServer server;
  private final Path hostile;
  private final Path canary;
  private final String hostileBase;
  private final String token;
  private int counter;
  private double lastQueuedMs;

  Dos(Path dir, BenchServer server, Path hostile, Path canary, String hostileBase, String token) {
    this.dir = dir;
    this.server = server;
    this.hostile = hostile;
    this.canary = canary;
    this.hostileBase = hostileBase;
    this.token = token;
  }

  public static void main(String[] args) throws Exception {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int floodMb = Integer.parseInt(System.getenv().getOrDefault("FLOOD_MB", "400"));
    int bigMb = Integer.parseInt(System.getenv().getOrDefault("BIG_LOG_MB", "120"));
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Stats.Report report =
        new Stats.Report(BenchServer.ROOT.resolve("bench/results/dos-" + stamp + ".txt"));
    report.line(System.getenv().getOrDefault("MACHINE_FACTS", ""));
    report.line("server JVM flags: " + System.getenv().getOrDefault("SERVER_JVM_FLAGS", ""));
    report.line(
        "samples per window: " + samples + ", flood " + floodMb + " MB, big log " + bigMb + " MB");
    Path dir =
        Files.createTempDirectory(
            Path.of(System.getenv().getOrDefault("BENCH_TMP", "/var/tmp")), "skbench-dos-");
    try {
      Path hostile = BenchServer.newRepo(dir.resolve("hostile"));
      Path canary = BenchServer.newRepo(dir.resolve("canary"));
      Files.writeString(
          canary.resolve(".seakeeper.yaml"),
          "jobs:\n  ok: {run: \"cat counter.txt\"}\npipelines:\n  post: [ok]\n");
      Files.writeString(canary.resolve("counter.txt"), "0\n");
      BenchServer.git(canary, "add", "-A");
      BenchServer.git(canary, "commit", "-q", "-m", "base");
      BenchServer.git(canary, "push", "-q", "origin", "HEAD:main");
      Files.writeString(
          hostile.resolve(".seakeeper.yaml"),
          "jobs:\n  noop: {run: \"true\"}\npipelines:\n  check: [noop]\n");
      BenchServer.git(hostile, "add", "-A");
      BenchServer.git(hostile, "commit", "-q", "-m", "base");
      BenchServer.git(hostile, "push", "-q", "origin", "HEAD:main");
      String base = BenchServer.git(hostile, "rev-parse", "HEAD").strip();
      int port = BenchServer.freePort();
      Path cfg = dir.resolve("server.yaml");
      Files.writeString(
          cfg,
          "data_dir: "
              + dir.resolve("data")
              + "\nhttp: {port: "
              + port
              + ", bind: 127.0.0.1, public_url: http://127.0.0.1:"
              + port
              + "/}\nrepos:\n  - name: hostile\n    path: "
              + dir.resolve("hostile/repo.git")
              + "\n  - name: canary\n    path: "
              + dir.resolve("canary/repo.git")
              + "\n");
      try (BenchServer server =
              BenchServer.start(dir, port, List.of("server", "--config", cfg.toString()));
          Sampler sampler = new Sampler(server)) {
        String token = Files.readString(dir.resolve("data/admin-token")).strip();
        new Dos(dir, server, hostile, canary, base, token)
            .run(report, sampler, samples, floodMb, bigMb);
      }
    } finally {
      if (!"1".equals(System.getenv("KEEP"))) {
        BenchServer.deleteTree(dir);
      } else {
        System.out.println("kept " + dir);
      }
    }
    report.save();
  }

  /** One window's figures. */
  record Window(Stats latency, double rssMib, double heapUsedMib, double heapCommittedMib) {}

  /** An attack: what starts before the window, before each canary push, and ends it. */
  interface Attack {
    default void start() throws Exception {}

    default void beforeSample() throws Exception {}

    /** Waits for the attack's builds to end, closes its clients; a note for the table. */
    String finish() throws Exception;
  }

  interface Maker {
    Attack make() throws Exception;
  }

  void run(Stats.Report report, Sampler sampler, int samples, int floodMb, int bigMb)
      throws Exception {
    for (int i = 0; i < 3; i++) { // warm-up
      canarySample();
    }
    Map<String, Maker> attacks = new java.util.LinkedHashMap<>();
    attacks.put("git bomb in the change", () -> light(this::bomb, false));
    attacks.put("git bomb in the parent", () -> light(this::bomb, true));
    attacks.put("glob in when.files, 4,000-char path", () -> light(this::whenFilesGlob, false));
    attacks.put("glob in artifacts, 4,000-char path", () -> light(this::artifactsGlob, false));
    attacks.put("job x matrix explosion (96,000 jobs)", () -> light(this::explosion, false));
    attacks.put("control characters in names/values", () -> light(this::controlChars, false));
    attacks.put(floodMb + " MB output line", () -> flood(floodMb));
    attacks.put(bigMb + " MB log read whole by 8 clients", () -> bigLogReaders(bigMb));
    attacks.put("20 live log streams from one client", this::streams);
    List<String> rows = new ArrayList<>();
    List<String> csv = new ArrayList<>();
    csv.add(
        "attack,window,p50_ms,p90_ms,max_ms,peak_rss_mib,peak_heap_used_mib,peak_heap_committed_mib");
    for (var e : attacks.entrySet()) {
      long t0 = System.nanoTime();
      Window alone = alone(sampler, samples);
      Attack attack = e.getValue().make();
      attack.start();
      sampler.reset();
      long[] cpu0 = server.cpuMs();
      Stats during = new Stats("during");
      Stats queued = new Stats("push -> queued during");
      for (int i = 0; i < samples; i++) {
        attack.beforeSample();
        during.add(canarySample());
        queued.add(lastQueuedMs);
      }
      String note = attack.finish();
      long[] cpu1 = server.cpuMs();
      note +=
          String.format(
              Locale.ROOT,
              "; canary push->queued p50 %.0f ms; server CPU %.1f s (+ jobs %.1f s)",
              queued.pct(50),
              (cpu1[0] - cpu0[0]) / 1000.0,
              (cpu1[1] - cpu0[1]) / 1000.0);
      Window dur = new Window(during, sampler.rssMib(), sampler.usedMib(), sampler.committedMib());
      String row =
          String.format(
              Locale.ROOT,
              "%-38s | %6s %6s %5.2fx | %6s %6s %5.2fx | %5.0f %5.0f %5.2fx | %5.0f %5.0f %5.2fx"
                  + " %5.0f | %s",
              e.getKey(),
              Stats.f(alone.latency().pct(50)),
              Stats.f(dur.latency().pct(50)),
              dur.latency().pct(50) / alone.latency().pct(50),
              Stats.f(alone.latency().max()),
              Stats.f(dur.latency().max()),
              dur.latency().max() / alone.latency().max(),
              alone.rssMib(),
              dur.rssMib(),
              dur.rssMib() / alone.rssMib(),
              alone.heapUsedMib(),
              dur.heapUsedMib(),
              dur.heapUsedMib() / alone.heapUsedMib(),
              dur.heapCommittedMib(),
              note + String.format(Locale.ROOT, "; %.0f s", (System.nanoTime() - t0) / 1e9));
      report.line(row);
      rows.add(row);
      for (var w : List.of(Map.entry("alone", alone), Map.entry("during", dur))) {
        csv.add(
            String.format(
                Locale.ROOT,
                "\"%s\",%s,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f",
                e.getKey(),
                w.getKey(),
                w.getValue().latency().pct(50),
                w.getValue().latency().pct(90),
                w.getValue().latency().max(),
                w.getValue().rssMib(),
                w.getValue().heapUsedMib(),
                w.getValue().heapCommittedMib()));
      }
      if (!server.process.isAlive()) {
        report.line("the server died: " + tail(server.log));
        break;
      }
    }
    report.line("");
    report.line(
        "Canary push -> build started (ms; alone, during, ratio: p50, then max of "
            + samples
            + "), server peak RSS (MiB; alone, during, ratio), peak Java heap used (MiB; same, then"
            + " the peak heap committed during the attack); goal: every ratio within 2x");
    report.line(
        String.format(
            Locale.ROOT,
            "%-38s | %-20s | %-20s | %-17s | %-23s | %s",
            "attack",
            "p50 alone/during",
            "max alone/during",
            "peak RSS",
            "peak heap used, comm.",
            "attack"));
    rows.forEach(report::line);
    report.line("p90s and heap committed alone: bench/results/dos-*.csv");
    report.line("server healthy at the end: " + server.get("/healthz").strip());
    Files.write(
        BenchServer.ROOT.resolve(
            "bench/results/dos-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                    .withZone(ZoneOffset.UTC)
                    .format(Instant.now())
                + ".csv"),
        csv);
  }

  private Window alone(Sampler sampler, int samples) throws Exception {
    sampler.reset();
    Stats s = new Stats("alone");
    for (int i = 0; i < samples; i++) {
      s.add(canarySample());
    }
    return new Window(s, sampler.rssMib(), sampler.usedMib(), sampler.committedMib());
  }

  /** A canary push to main: ms from git push start to its build's started_at (build waited for). */
  double canarySample() throws Exception {
    Files.writeString(canary.resolve("counter.txt"), ++counter + "\n");
    BenchServer.git(canary, "commit", "-q", "-a", "-m", "canary " + counter);
    String sha = BenchServer.git(canary, "rev-parse", "HEAD").strip();
    Instant t0 = Instant.now();
    BenchServer.git(canary, "push", "-q", "origin", "HEAD:main");
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < end) {
      for (JsonNode b : server.json("/api/v1/builds?project=canary&limit=20").get("builds")) {
        if (b.get("commit").asText().equals(sha) && !b.get("finished_at").isNull()) {
          if (!b.get("status").asText().equals("success")) {
            throw new IllegalStateException("canary build " + b);
          }
          lastQueuedMs = BenchServer.ms(t0, BenchServer.time(b, "queued_at"));
          return BenchServer.ms(t0, BenchServer.time(b, "started_at"));
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("the canary build did not end within 120 s");
  }

  // ---- attacks
  // -----------------------------------------------------------------------------------

  interface Push {
    String push(boolean variant) throws Exception;
  }

  /** A fresh hostile change before each canary push; finish waits until their builds ended. */
  Attack light(Push push, boolean variant) {
    List<String> shas = new ArrayList<>();
    return new Attack() {
      @Override
      public void beforeSample() throws Exception {
        shas.add(push.push(variant));
      }

      @Override
      public String finish() throws Exception {
        return awaitHostile(shas);
      }
    };
  }

  Attack flood(int mb) {
    List<String> shas = new ArrayList<>();
    return new Attack() {
      @Override
      public void start() throws Exception {
        shas.add(
            pushHostile(
                "jobs:\n  flood: {run: \"head -c "
                    + mb * 1_000_000L
                    + " /dev/zero | tr '\\\\0' a; echo; echo done\"}\npipelines:\n  check:"
                    + " [flood]\n"));
        awaitRunning(shas.getFirst());
      }

      @Override
      public String finish() throws Exception {
        return awaitHostile(shas);
      }
    };
  }

  Attack bigLogReaders(int mb) throws Exception {
    String sha =
        pushHostile(
            "jobs:\n  big: {run: \"yes 'an ordinary line of a long log, repeated until it is big'"
                + " | head -c "
                + mb * 1_000_000L
                + "; echo done\"}\npipelines:\n  check: [big]\n");
    awaitHostile(List.of(sha));
    String id = hostileBuilds(sha).getFirst().get("id").asText();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    List<Thread> readers = new ArrayList<>();
    return new Attack() {
      @Override
      public void start() {
        for (int i = 0; i < 8; i++) {
          readers.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        while (!stop.get()) {
                          try {
                            bytes.addAndGet(readWhole(id));
                            reads.incrementAndGet();
                          } catch (Exception e) {
                            System.err.println("reader: " + e);
                          }
                        }
                      }));
        }
      }

      @Override
      public String finish() throws Exception {
        stop.set(true);
        for (Thread t : readers) {
          t.join();
        }
        return reads.get() + " whole reads, " + bytes.get() / 1_000_000 + " MB";
      }
    };
  }

  Attack streams() throws Exception {
    String sha =
        pushHostile("jobs:\n  sleeper: {run: \"sleep 600\"}\npipelines:\n  check: [sleeper]\n");
    String id = awaitRunning(sha);
    List<InputStream> open = new ArrayList<>();
    List<Integer> codes = new ArrayList<>();
    return new Attack() {
      @Override
      public void start() throws Exception {
        for (int i = 0; i < 20; i++) {
          HttpResponse<InputStream> r =
              HTTP.send(
                  HttpRequest.newBuilder(url("/api/v1/builds/" + id + "/log/stream"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream());
          codes.add(r.statusCode());
          if (r.statusCode() == 200) {
            open.add(r.body());
          } else {
            r.body().close();
          }
        }
      }

      @Override
      public String finish() throws Exception {
        for (InputStream in : open) {
          in.close();
        }
        HTTP.send(
            HttpRequest.newBuilder(url("/api/v1/builds/" + id + "/cancel"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.discarding());
        awaitHostile(List.of(sha));
        return "HTTP codes "
            + codes.stream()
                .distinct()
                .map(c -> c + "x" + java.util.Collections.frequency(codes, c))
                .toList();
      }
    };
  }

  String bomb(boolean inParent) throws Exception {
    ObjectId change;
    try (Repository repo =
            new FileRepositoryBuilder().setGitDir(hostile.resolve(".git").toFile()).build();
        ObjectInserter ins = repo.newObjectInserter()) {
      ObjectId blob = ins.insert(Constants.OBJ_BLOB, "x\n".getBytes(StandardCharsets.UTF_8));
      TreeFormatter leaf = new TreeFormatter();
      for (int i = 0; i < 10; i++) {
        leaf.append("f" + i, FileMode.REGULAR_FILE, blob);
      }
      ObjectId bomb = ins.insert(leaf);
      for (int level = 0; level < 8; level++) {
        TreeFormatter t = new TreeFormatter();
        for (int i = 0; i < 10; i++) {
          t.append("d" + i, FileMode.TREE, bomb);
        }
        bomb = ins.insert(t);
      }
      ObjectId config =
          ins.insert(
              Constants.OBJ_BLOB,
              ("# "
                      + ++counter
                      + "\njobs:\n  build: {run: \"true\"}\npipelines:\n  check: [build]\n")
                  .getBytes(StandardCharsets.UTF_8));
      TreeFormatter t = new TreeFormatter();
      t.append(".seakeeper.yaml", FileMode.REGULAR_FILE, config);
      t.append("bomb", FileMode.TREE, bomb);
      change = commit(ins, ins.insert(t), ObjectId.fromString(hostileBase));
      if (inParent) {
        ObjectId readme = ins.insert(Constants.OBJ_BLOB, "hi\n".getBytes(StandardCharsets.UTF_8));
        TreeFormatter r = new TreeFormatter();
        r.append(".seakeeper.yaml", FileMode.REGULAR_FILE, config);
        r.append("README", FileMode.REGULAR_FILE, readme);
        r.append("bomb", FileMode.TREE, bomb);
        change = commit(ins, ins.insert(r), change);
      }
      ins.flush();
    }
    BenchServer.git(hostile, "push", "-q", "--force", "origin", change.name() + ":refs/for/main");
    return change.name();
  }

  private static ObjectId commit(ObjectInserter ins, ObjectId tree, ObjectId parent)
      throws IOException {
    org.eclipse.jgit.lib.CommitBuilder cb = new org.eclipse.jgit.lib.CommitBuilder();
    cb.setTreeId(tree);
    cb.setParentIds(parent);
    PersonIdent who = new PersonIdent("bench", "bench@localhost");
    cb.setAuthor(who);
    cb.setCommitter(who);
    cb.setMessage("bomb\n");
    return ins.insert(cb);
  }

  String whenFilesGlob(boolean unused) throws Exception {
    return pushHostileWithLongPath(
        "jobs:\n  globbed: {run: \"true\", when: {files: [\""
            + GLOB
            + "\"]}}\n  plain: {run: \"true\"}\npipelines:\n  check: [globbed, plain]\n");
  }

  String artifactsGlob(boolean unused) throws Exception {
    return pushHostileWithLongPath(
        "jobs:\n  collect: {run: \"true\", artifacts: [\""
            + GLOB
            + "\"]}\npipelines:\n  check: [collect]\n");
  }

  String explosion(boolean unused) throws Exception {
    StringBuilder yaml = new StringBuilder("jobs:\n  .t:\n    run: \"true\"\n    matrix: {A: [");
    for (int i = 0; i < 64; i++) {
      yaml.append(i == 0 ? "" : ", ").append("v").append(i);
    }
    yaml.append("]}\n");
    for (int i = 0; i < 1500; i++) {
      yaml.append("  j").append(i).append(": {extends: .t}\n");
    }
    yaml.append("pipelines:\n  check: [j0]\n");
    return pushHostile(yaml.toString());
  }

  String controlChars(boolean unused) throws Exception {
    String evil =
        "x\\n12:00:00.000 INFO  o.s.s.LogReporter - FORGED \\e[31mred\\e[0m \\u202Eevil\\r";
    return pushHostile(
        "jobs:\n  m: {run: \"true\", matrix: {X: [\""
            + evil
            + "\", plain]}}\npipelines:\n  check: [m]\n");
  }

  // ---- helpers
  // -----------------------------------------------------------------------------------

  String pushHostile(String yaml) throws Exception {
    BenchServer.git(hostile, "reset", "-q", "--hard", hostileBase);
    return commitHostile(yaml);
  }

  String pushHostileWithLongPath(String yaml) throws Exception {
    BenchServer.git(hostile, "reset", "-q", "--hard", hostileBase);
    Path d = hostile;
    for (int i = 0; i < 15; i++) {
      d = d.resolve("a".repeat(250));
    }
    Files.createDirectories(d);
    Files.writeString(d.resolve("a".repeat(250)), "long\n");
    return commitHostile(yaml);
  }

  private String commitHostile(String yaml) throws Exception {
    Files.writeString(hostile.resolve(".seakeeper.yaml"), yaml);
    Files.writeString(hostile.resolve("marker.txt"), ++counter + "\n");
    BenchServer.git(hostile, "add", "-A");
    BenchServer.git(hostile, "commit", "-q", "-m", "hostile " + counter);
    BenchServer.git(hostile, "push", "-q", "--force", "origin", "HEAD:refs/for/main");
    return BenchServer.git(hostile, "rev-parse", "HEAD").strip();
  }

  List<JsonNode> hostileBuilds(String sha) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode b : server.json("/api/v1/builds?project=hostile&limit=1000").get("builds")) {
      if (b.get("commit").asText().equals(sha)) {
        out.add(b);
      }
    }
    return out;
  }

  /** Waits until every build of these hostile changes ended; their statuses, counted. */
  String awaitHostile(List<String> shas) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < end) {
      List<JsonNode> all = new ArrayList<>();
      boolean done = true;
      for (String sha : shas) {
        List<JsonNode> mine = hostileBuilds(sha);
        done &= !mine.isEmpty() && mine.stream().allMatch(b -> !b.get("finished_at").isNull());
        all.addAll(mine);
      }
      if (done) {
        Map<String, Long> by = new java.util.TreeMap<>();
        all.forEach(b -> by.merge(b.get("status").asText(), 1L, Long::sum));
        return shas.size() + " changes: " + by;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("hostile builds did not end within 300 s: " + shas);
  }

  String awaitRunning(String sha) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < end) {
      for (JsonNode b : hostileBuilds(sha)) {
        if (b.get("status").asText().equals("running")) {
          return b.get("id").asText();
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no running build of " + sha);
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.port + path);
  }

  long readWhole(String id) throws Exception {
    HttpResponse<InputStream> r =
        HTTP.send(
            HttpRequest.newBuilder(url("/api/v1/builds/" + id + "/log"))
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    long n = 0;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = r.body()) {
      for (int k; (k = in.read(buf)) > 0; ) {
        n += k;
      }
    }
    return n;
  }

  static String tail(Path log) throws IOException {
    String s = Files.readString(log);
    return s.substring(Math.max(0, s.length() - 3000));
  }

  /** Peak RSS (every 50 ms) and peak heap used / committed (jstat -gc every 100 ms). */
  static final class Sampler implements AutoCloseable {
    private final BenchServer server;
    private final AtomicLong rssKib = new AtomicLong();
    private final AtomicLong usedKib = new AtomicLong();
    private final AtomicLong committedKib = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Process jstat;

    Sampler(BenchServer server) throws IOException {
      this.server = server;
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                while (!stop.get()) {
                  try {
                    long r = server.rssKib();
                    rssKib.accumulateAndGet(r, Math::max);
                    Thread.sleep(50);
                  } catch (Exception e) {
                    return;
                  }
                }
              });
      jstat =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jstat").toString(),
                  "-gc",
                  Long.toString(server.pid()),
                  "100")
              .redirectErrorStream(true)
              .start();
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(jstat.getInputStream()))) {
                  List<String> head = null;
                  for (String l; (l = r.readLine()) != null; ) {
                    String[] f = l.trim().split("\\s+");
                    if (l.contains("S0C")) {
                      head = List.of(f);
                      continue;
                    }
                    if (head == null || f.length != head.size()) {
                      continue;
                    }
                    double used = 0;
                    double committed = 0;
                    for (String c : List.of("S0U", "S1U", "EU", "OU")) {
                      used += Double.parseDouble(f[head.indexOf(c)]);
                    }
                    for (String c : List.of("S0C", "S1C", "EC", "OC")) {
                      committed += Double.parseDouble(f[head.indexOf(c)]);
                    }
                    usedKib.accumulateAndGet((long) used, Math::max);
                    committedKib.accumulateAndGet((long) committed, Math::max);
                  }
                } catch (Exception e) {
                  if (!stop.get()) {
                    System.err.println("jstat: " + e);
                  }
                }
              });
    }

    void reset() throws InterruptedException {
      Thread.sleep(150); // one more jstat line of the window before
      rssKib.set(0);
      usedKib.set(0);
      committedKib.set(0);
    }

    double rssMib() {
      return rssKib.get() / 1024.0;
    }

    double usedMib() {
      return usedKib.get() == 0 ? Double.NaN : usedKib.get() / 1024.0;
    }

    double committedMib() {
      return committedKib.get() == 0 ? Double.NaN : committedKib.get() / 1024.0;
    }

    @Override
    public void close() {
      stop.set(true);
      jstat.destroy();
    }
  }
}
