import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.core.store.Store;
import org.seakeeper.store.JdbiStore;
import org.seakeeper.store.Stores;

/**
 * History queries on a large store (bench/history-query.sh): ROWS build records (default 1M) in H2
 * and in PostgreSQL, opened and migrated by the real {@link Stores}; the first REAL_STORE_ROWS of
 * them written through {@link Store#transaction} as the scheduler writes them, the rest with JDBC
 * batches into the same tables (columns and encodings as SqlBuilds writes them). Then {@code
 * store.queries().list(...)} timed for the API's typical queries, and again with candidate indexes
 * added (CANDIDATE=0 to skip).
 *
 * <p>Args: h2 and/or postgresql. Env: ROWS, QUERIES (per kind, default 300), PG_URL, PG_USER,
 * PG_PASSWORD_FILE, BENCH_TMP.
 */
public final class HistoryQuery {
  static final int PROJECTS = 200;
  static final String[] JOBS = {
    "build",
    "test",
    "lint",
    "docs",
    "integration",
    "unit[PY=3.11]",
    "unit[PY=3.12]",
    "package",
    "deploy",
    "e2e"
  };

  public static void main(String[] args) throws Exception {
    int rows = Integer.parseInt(System.getenv().getOrDefault("ROWS", "1000000"));
    int queries = Integer.parseInt(System.getenv().getOrDefault("QUERIES", "300"));
    int realRows = Integer.parseInt(System.getenv().getOrDefault("REAL_STORE_ROWS", "20000"));
    boolean candidate = !"0".equals(System.getenv().getOrDefault("CANDIDATE", "1"));
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Stats.Report report =
        new Stats.Report(BenchServer.ROOT.resolve("bench/results/history-query-" + stamp + ".txt"));
    report.line(System.getenv().getOrDefault("MACHINE_FACTS", ""));
    report.line(
        "history-query: "
            + rows
            + " builds per database, "
            + queries
            + " timed queries per kind (after 20 warm-up), each through store.queries().list(...),"
            + " limit 50");
    Map<String, Map<String, Stats>> all = new LinkedHashMap<>();
    for (String db : args.length == 0 ? new String[] {"h2", "postgresql"} : args) {
      Path dir =
          Files.createTempDirectory(
              Path.of(System.getenv().getOrDefault("BENCH_TMP", "/var/tmp")), "skbench-hq-");
      try {
        ServerConfig.Store cfg =
            db.equals("h2")
                ? new ServerConfig.Store("h2", Optional.empty(), Optional.empty(), Optional.empty())
                : new ServerConfig.Store(
                    "postgresql",
                    Optional.of(System.getenv("PG_URL")),
                    Optional.of(System.getenv("PG_USER")),
                    Optional.of(System.getenv("PG_PASSWORD_FILE")));
        try (JdbiStore store = Stores.open(cfg, dir)) {
          Data data = load(report, db, store, dir, rows, realRows);
          all.putAll(measure(report, db + " V1", store.queries()::list, data, queries));
          plans(report, db + " V1", db, dir, data, false);
          // what an anonymous reader gets (V3): the same queries without unpublished embargoed
          // builds
          all.putAll(
              measure(report, db + " public", store.queries().publicView()::list, data, queries));
          if (candidate) {
            try (Connection c = connect(db, dir);
                Statement s = c.createStatement()) {
              long t0 = System.nanoTime();
              s.execute("CREATE INDEX bench_builds_project_id ON builds (project, id)");
              s.execute(
                  "CREATE INDEX bench_builds_project_status_id ON builds (project, status, id)");
              s.execute("ANALYZE");
              report.line(
                  String.format(
                      Locale.ROOT,
                      "%s: candidate indexes builds (project, id) and (project, status, id) made in"
                          + " %.1f s",
                      db,
                      (System.nanoTime() - t0) / 1e9));
            }
            all.putAll(measure(report, db + " +idx", store.queries()::list, data, queries));
            plans(report, db + " +idx", db, dir, data, false);
            all.putAll(measure(report, db + " +idx +order", fixedList(store), data, queries));
            plans(report, db + " +idx +order", db, dir, data, true);
          }
        }
      } finally {
        if (!"1".equals(System.getenv("KEEP"))) {
          BenchServer.deleteTree(dir);
        }
      }
    }
    report.line("");
    report.line(
        "Summary: p50 / p99 in ms (goal p99 <= 50 ms). V1: the schema as shipped (V1__init.sql) and"
            + " SqlBuilds.list as shipped; +idx: plus indexes");
    report.line(
        "builds (project, id) and (project, status, id); +idx +order: plus the ORDER BY of"
            + " HistoryQuery.orderFor (filter-bound index columns first, then id DESC).");
    List<String> kinds = all.values().iterator().next().keySet().stream().toList();
    StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-44s", "query"));
    all.keySet()
        .forEach(
            k ->
                h.append(
                    String.format(
                        Locale.ROOT, " | %-24s", k.length() > 24 ? k.substring(0, 24) : k)));
    report.line(h.toString());
    for (String kind : kinds) {
      StringBuilder r = new StringBuilder(String.format(Locale.ROOT, "%-44s", kind));
      for (Map<String, Stats> m : all.values()) {
        Stats s = m.get(kind);
        r.append(
            String.format(
                Locale.ROOT,
                " | %7s / %7s %-6s",
                Stats.f(s.pct(50)),
                Stats.f(s.pct(99)),
                s.pct(99) <= 50 ? "ok" : "MISS"));
      }
      report.line(r.toString());
    }
    report.save();
  }

  /** What the generated history holds, to draw query parameters from. */
  record Data(String[] projects, String[] connections, long maxId, List<String> changes) {}

  static Connection connect(String db, Path dir) throws Exception {
    if (db.equals("h2")) {
      return DriverManager.getConnection(
          "jdbc:h2:file:"
              + dir.toAbsolutePath().normalize().resolve("db").resolve("seakeeper")
              + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE",
          "seakeeper",
          "");
    }
    String pw =
        Files.readString(Path.of(System.getenv("PG_PASSWORD_FILE"))).lines().findFirst().orElse("");
    return DriverManager.getConnection(
        System.getenv("PG_URL") + "?reWriteBatchedInserts=true", System.getenv("PG_USER"), pw);
  }

  /**
   * A deterministic history: Zipf-distributed projects, buildsets of 1-10 jobs, realistic statuses.
   */
  static final class Gen {
    final Random rnd = new Random(42);
    final String[] projects = new String[PROJECTS];
    final String[] connections = new String[PROJECTS];
    final double[] cumulative = new double[PROJECTS];
    final Instant start = Instant.parse("2024-11-26T00:00:00Z");
    final List<String> changes = new ArrayList<>();
    int nextChange = 10_000;
    final HexFormat hex = HexFormat.of();

    Gen() {
      double sum = 0;
      for (int i = 0; i < PROJECTS; i++) {
        projects[i] = "org/project-" + String.format(Locale.ROOT, "%03d", i);
        connections[i] = i % 5 == 4 ? "local" : "review";
        sum += 1 / Math.pow(i + 1, 1.1);
        cumulative[i] = sum;
      }
      for (int i = 0; i < PROJECTS; i++) {
        cumulative[i] /= sum;
      }
    }

    int project() {
      double u = rnd.nextDouble();
      for (int i = 0; i < PROJECTS; i++) {
        if (u <= cumulative[i]) {
          return i;
        }
      }
      return PROJECTS - 1;
    }

    String sha() {
      byte[] b = new byte[20];
      rnd.nextBytes(b);
      return hex.formatHex(b);
    }

    BuildStatus status(boolean newest) {
      if (newest) {
        return rnd.nextBoolean() ? BuildStatus.QUEUED : BuildStatus.RUNNING;
      }
      double u = rnd.nextDouble();
      return u < 0.85
          ? BuildStatus.SUCCESS
          : u < 0.93
              ? BuildStatus.FAILURE
              : u < 0.96
                  ? BuildStatus.SKIPPED
                  : u < 0.98
                      ? BuildStatus.CANCELLED
                      : u < 0.99
                          ? BuildStatus.ERROR
                          : u < 0.995
                              ? BuildStatus.TIMED_OUT
                              : u < 0.997 ? BuildStatus.INTERRUPTED : BuildStatus.DEQUEUED;
    }

    /**
     * One buildset (id 0) and its builds (ids 0), at position {@code frac} (0..1) of the history.
     */
    Map.Entry<Buildset, List<Build>> next(double frac, boolean newest) {
      int p = project();
      double u = rnd.nextDouble();
      PipelineName pipeline =
          u < 0.70
              ? PipelineName.CHECK
              : u < 0.85
                  ? PipelineName.GATE
                  : u < 0.95
                      ? PipelineName.POST
                      : u < 0.99 ? PipelineName.PERIODIC : PipelineName.RELEASE;
      Optional<String> change = Optional.empty();
      Optional<String> patchset = Optional.empty();
      String ref =
          pipeline == PipelineName.RELEASE
              ? "refs/tags/v" + rnd.nextInt(100) + "." + rnd.nextInt(10)
              : "refs/heads/main";
      if (pipeline == PipelineName.CHECK || pipeline == PipelineName.GATE) {
        int c;
        if (changes.isEmpty() || rnd.nextDouble() < 0.5) {
          c = nextChange++;
          changes.add(Integer.toString(c));
        } else {
          c =
              Integer.parseInt(
                  changes.get(changes.size() - 1 - rnd.nextInt(Math.min(changes.size(), 50))));
        }
        change = Optional.of(Integer.toString(c));
        patchset = Optional.of(Integer.toString(1 + rnd.nextInt(4)));
        ref =
            "refs/changes/"
                + String.format(Locale.ROOT, "%02d", c % 100)
                + "/"
                + c
                + "/"
                + patchset.get();
      }
      Instant created = start.plusSeconds((long) (frac * 730 * 86400));
      String commit = sha();
      boolean configError = rnd.nextDouble() < 0.003;
      Optional<Instant> setFinished =
          newest ? Optional.empty() : Optional.of(created.plusSeconds(60 + rnd.nextInt(1800)));
      Buildset s =
          new Buildset(
              0,
              0,
              connections[p],
              projects[p],
              change,
              patchset,
              ref,
              commit,
              pipeline,
              pipeline.defaultTier(),
              created,
              setFinished);
      List<Build> builds = new ArrayList<>();
      int jobs = configError ? 1 : 1 + rnd.nextInt(10);
      for (int j = 0; j < jobs; j++) {
        BuildStatus st = configError ? BuildStatus.CONFIG_ERROR : status(newest);
        Optional<Instant> started =
            st == BuildStatus.QUEUED
                    || st == BuildStatus.DEQUEUED
                    || st == BuildStatus.SKIPPED
                    || st == BuildStatus.CONFIG_ERROR
                ? Optional.empty()
                : Optional.of(created.plusMillis(rnd.nextInt(30_000)));
        Optional<Instant> finished =
            st.terminal()
                ? Optional.of(started.orElse(created).plusMillis(5_000 + rnd.nextInt(1_200_000)))
                : Optional.empty();
        String detail =
            switch (st) {
              case FAILURE -> "exit 1";
              case SKIPPED -> "needs 'build', which failed";
              case ERROR -> "infrastructure error: the sandbox did not start the job";
              case CONFIG_ERROR ->
                  ".seakeeper.yaml:3:5: error: unknown key 'need' in job 'test' (did you mean"
                      + " 'needs'?)";
              default -> "";
            };
        builds.add(
            new Build(
                0,
                0,
                s.connection(),
                s.project(),
                change,
                patchset,
                ref,
                commit,
                pipeline,
                configError ? Optional.empty() : Optional.of(JOBS[j]),
                rnd.nextDouble() < 0.02 ? 2 : 1,
                st,
                s.tier(),
                j == 0 ? List.of() : List.of("build"),
                created,
                started,
                finished,
                detail,
                st.terminal() ? Optional.of(hex.formatHex(new byte[32])) : Optional.empty()));
      }
      return Map.entry(s, builds);
    }
  }

  static Data load(
      Stats.Report report, String db, JdbiStore store, Path dir, int rows, int realRows)
      throws Exception {
    Gen g = new Gen();
    int estBuildsets = rows / 5;
    long written = 0;
    long bsCount = 0;
    // 1. Through the real store, one transaction per buildset, as the scheduler writes them.
    long t0 = System.nanoTime();
    while (written < Math.min(realRows, rows)) {
      var e = g.next(bsCount++ / (double) estBuildsets, false);
      long n =
          store.transaction(
              tx -> {
                Buildset s = tx.builds().insert(e.getKey());
                for (Build b : e.getValue()) {
                  Build w =
                      new Build(
                          0,
                          s.id(),
                          b.connection(),
                          b.project(),
                          b.change(),
                          b.patchset(),
                          b.ref(),
                          b.commit(),
                          b.pipeline(),
                          b.job(),
                          b.attempt(),
                          b.status(),
                          b.tier(),
                          b.needs(),
                          b.queuedAt(),
                          b.startedAt(),
                          b.finishedAt(),
                          b.detail(),
                          b.logSha256());
                  tx.builds().insert(w);
                }
                return (long) e.getValue().size();
              });
      written += n;
    }
    double realSecs = (System.nanoTime() - t0) / 1e9;
    report.line(
        String.format(
            Locale.ROOT,
            "%s: %d builds (%d buildsets) through Store.transaction in %.1f s = %.0f builds/s",
            db,
            written,
            bsCount,
            realSecs,
            written / realSecs));
    // 2. The rest with JDBC batches, explicit ids continuing the store's.
    t0 = System.nanoTime();
    long maxBuild;
    try (Connection c = connect(db, dir)) {
      c.setAutoCommit(false);
      long buildId;
      long setId;
      try (Statement s = c.createStatement();
          ResultSet r1 = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM builds")) {
        r1.next();
        buildId = r1.getLong(1);
      }
      try (Statement s = c.createStatement();
          ResultSet r2 = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM buildsets")) {
        r2.next();
        setId = r2.getLong(1);
      }
      try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO buildsets (id, event_id, connection, project, change_id, patchset,"
                      + " ref, commit_sha, pipeline, tier, created_at, finished_at) VALUES"
                      + " (?,?,?,?,?,?,?,?,?,?,?,?)");
          PreparedStatement pb =
              c.prepareStatement(
                  "INSERT INTO builds (id, buildset_id, connection, project, change_id, patchset,"
                      + " ref, commit_sha, pipeline, job, attempt, status, tier, needs, queued_at,"
                      + " started_at, finished_at, detail, log_sha256) VALUES"
                      + " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        int pending = 0;
        while (written < rows) {
          var e = g.next(bsCount++ / (double) estBuildsets, rows - written < 20);
          Buildset s = e.getKey();
          setId++;
          ps.setLong(1, setId);
          ps.setLong(2, setId);
          ps.setString(3, s.connection());
          ps.setString(4, s.project());
          ps.setString(5, s.change().orElse(null));
          ps.setString(6, s.patchset().orElse(null));
          ps.setString(7, s.ref());
          ps.setString(8, s.commit());
          ps.setString(9, s.pipeline().id());
          ps.setString(10, s.tier().id());
          ps.setObject(11, ts(s.createdAt()));
          ps.setObject(
              12,
              s.finishedAt().map(HistoryQuery::ts).orElse(null),
              java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
          ps.addBatch();
          for (Build b : e.getValue()) {
            buildId++;
            pb.setLong(1, buildId);
            pb.setLong(2, setId);
            pb.setString(3, b.connection());
            pb.setString(4, b.project());
            pb.setString(5, b.change().orElse(null));
            pb.setString(6, b.patchset().orElse(null));
            pb.setString(7, b.ref());
            pb.setString(8, b.commit());
            pb.setString(9, b.pipeline().id());
            pb.setString(10, b.job().orElse(null));
            pb.setInt(11, b.attempt());
            pb.setString(12, b.status().id());
            pb.setString(13, b.tier().id());
            pb.setString(14, b.needs().isEmpty() ? "[]" : "[\"build\"]");
            pb.setObject(15, ts(b.queuedAt()));
            pb.setObject(
                16,
                b.startedAt().map(HistoryQuery::ts).orElse(null),
                java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
            pb.setObject(
                17,
                b.finishedAt().map(HistoryQuery::ts).orElse(null),
                java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
            pb.setString(18, b.detail());
            pb.setString(19, b.logSha256().orElse(null));
            pb.addBatch();
            written++;
            pending++;
          }
          if (pending >= 5000) {
            ps.executeBatch();
            pb.executeBatch();
            c.commit();
            pending = 0;
          }
        }
        ps.executeBatch();
        pb.executeBatch();
        c.commit();
      }
      maxBuild = buildId;
      try (Statement s = c.createStatement()) {
        s.execute("ALTER TABLE builds ALTER COLUMN id RESTART WITH " + (buildId + 1));
        s.execute("ALTER TABLE buildsets ALTER COLUMN id RESTART WITH " + (setId + 1));
        c.commit();
        c.setAutoCommit(true);
        long a0 = System.nanoTime();
        s.execute("ANALYZE");
        report.line(
            String.format(
                Locale.ROOT,
                "%s: ANALYZE took %.1f s (PostgreSQL's autovacuum / H2's auto-analyze would do this"
                    + " on a live server)",
                db,
                (System.nanoTime() - a0) / 1e9));
      }
    }
    report.line(
        String.format(
            Locale.ROOT,
            "%s: %d builds, %d buildsets in total; bulk part in %.1f s",
            db,
            written,
            bsCount,
            (System.nanoTime() - t0) / 1e9));
    // The real store reads what was bulk-loaded: one record through the API's path.
    Build probe = store.queries().build(maxBuild).orElseThrow();
    if (!probe.project().startsWith("org/project-")) {
      throw new IllegalStateException("unexpected record " + probe);
    }
    try (Connection c = connect(db, dir);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT project, COUNT(*) FROM builds GROUP BY project ORDER BY 2 DESC")) {
      r.next();
      report.line(
          String.format(
              Locale.ROOT,
              "%s: largest project %s has %d builds (%.1f%%)",
              db,
              r.getString(1),
              r.getLong(2),
              100.0 * r.getLong(2) / written));
    }
    return new Data(g.projects, g.connections, maxBuild, List.copyOf(g.changes));
  }

  static OffsetDateTime ts(Instant i) {
    return OffsetDateTime.ofInstant(
        i.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), ZoneOffset.UTC);
  }

  static Map<String, Map<String, Stats>> measure(
      Stats.Report report,
      String label,
      java.util.function.Function<BuildQuery, List<Build>> list,
      Data d,
      int queries) {
    Random rnd = new Random(7);
    Map<String, Supplier<BuildQuery>> kinds = new LinkedHashMap<>();
    Supplier<Integer> anyProject = () -> rnd.nextInt(PROJECTS);
    Supplier<Long> anyId = () -> 1 + (long) (rnd.nextDouble() * d.maxId());
    kinds.put("latest 50", () -> BuildQuery.latest(50));
    kinds.put(
        "project (uniform over 200)",
        () ->
            q(
                Optional.empty(),
                Optional.of(d.projects()[anyProject.get()]),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));
    kinds.put(
        "project (the largest, ~21% of rows)",
        () ->
            q(
                Optional.empty(),
                Optional.of(d.projects()[0]),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));
    kinds.put(
        "connection + project",
        () -> {
          int p = anyProject.get();
          return q(
              Optional.of(d.connections()[p]),
              Optional.of(d.projects()[p]),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty());
        });
    kinds.put(
        "project + status=failure",
        () ->
            q(
                Optional.empty(),
                Optional.of(d.projects()[anyProject.get()]),
                Optional.empty(),
                Optional.empty(),
                Optional.of(BuildStatus.FAILURE),
                Optional.empty()));
    kinds.put(
        "project + status=timed_out (rare)",
        () ->
            q(
                Optional.empty(),
                Optional.of(d.projects()[anyProject.get()]),
                Optional.empty(),
                Optional.empty(),
                Optional.of(BuildStatus.TIMED_OUT),
                Optional.empty()));
    kinds.put(
        "project + pipeline=post",
        () ->
            q(
                Optional.empty(),
                Optional.of(d.projects()[anyProject.get()]),
                Optional.empty(),
                Optional.of(PipelineName.POST),
                Optional.empty(),
                Optional.empty()));
    kinds.put(
        "status=failure",
        () ->
            q(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(BuildStatus.FAILURE),
                Optional.empty()));
    kinds.put(
        "paging: before=<random id>",
        () ->
            q(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(anyId.get())));
    kinds.put(
        "paging: project + before=<random id>",
        () ->
            q(
                Optional.empty(),
                Optional.of(d.projects()[anyProject.get()]),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(anyId.get())));
    kinds.put(
        "change",
        () ->
            q(
                Optional.empty(),
                Optional.empty(),
                Optional.of(d.changes().get(rnd.nextInt(d.changes().size()))),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));
    Map<String, Stats> out = new LinkedHashMap<>();
    report.line("");
    report.line(label + ":");
    report.line(Stats.header("ms") + "  rows/q");
    for (var k : kinds.entrySet()) {
      for (int i = 0; i < 20; i++) {
        list.apply(k.getValue().get());
      }
      Stats s = new Stats(k.getKey());
      long rowsSeen = 0;
      for (int i = 0; i < queries; i++) {
        BuildQuery q = k.getValue().get();
        long t0 = System.nanoTime();
        rowsSeen += list.apply(q).size();
        s.add((System.nanoTime() - t0) / 1e6);
      }
      report.line(s.row() + String.format(Locale.ROOT, "  %6.1f", rowsSeen / (double) queries));
      out.put(k.getKey(), s);
    }
    Map<String, Map<String, Stats>> r = new LinkedHashMap<>();
    r.put(label, out);
    return r;
  }

  /**
   * The plan of each kind of query for one sample parameter (the SQL SqlBuilds.list sends, values
   * inlined), into the report file only.
   */
  static void plans(
      Stats.Report report, String label, String db, Path dir, Data d, boolean fixedOrder)
      throws Exception {
    int p = 17; // a mid-sized project
    List<String> wheres =
        List.of(
            "",
            "project = '" + d.projects()[p] + "'",
            "connection = '" + d.connections()[p] + "' AND project = '" + d.projects()[p] + "'",
            "project = '" + d.projects()[p] + "' AND status = 'failure'",
            "project = '" + d.projects()[p] + "' AND pipeline = 'post'",
            "id < " + d.maxId() / 2,
            "project = '" + d.projects()[p] + "' AND id < " + d.maxId() / 2);
    report.file("");
    report.file("Plans, " + label + " (project " + d.projects()[p] + "):");
    try (Connection c = connect(db, dir);
        Statement s = c.createStatement()) {
      for (String w : wheres) {
        String sql =
            "SELECT id, buildset_id, connection, project, change_id, patchset, ref, commit_sha,"
                + " pipeline, job, attempt, status, tier, needs, queued_at, started_at,"
                + " finished_at, detail, log_sha256 FROM builds "
                + (w.isEmpty() ? "" : "WHERE " + w + " ")
                + "ORDER BY "
                + (fixedOrder
                    ? orderFor(
                        w.contains("project ="),
                        w.contains("connection ="),
                        w.contains("status ="),
                        w.contains("change_id ="),
                        w.contains("pipeline ="))
                    : "id DESC")
                + " LIMIT 50";
        report.file("-- " + (w.isEmpty() ? "(no filter)" : w));
        try (ResultSet rs =
            s.executeQuery(
                (db.equals("h2") ? "EXPLAIN ANALYZE " : "EXPLAIN (ANALYZE, BUFFERS) ") + sql)) {
          while (rs.next()) {
            String plan = rs.getString(1);
            if (db.equals(
                "h2")) { // keep H2's planner comments (index, scanCount, index sorted, reads), not
              // the column list
              java.util.regex.Matcher m =
                  java.util.regex.Pattern.compile("/\\*(.*?)\\*/", java.util.regex.Pattern.DOTALL)
                      .matcher(plan);
              List<String> notes = new ArrayList<>();
              while (m.find()) {
                notes.add(m.group(1).strip().replaceAll("\\s+", " "));
              }
              report.file("   " + String.join(" | ", notes));
            } else {
              report.file("   " + plan);
            }
          }
        }
      }
    }
  }

  /**
   * The candidate ORDER BY fix: put the columns the filter holds constant first, in the order of an
   * index that has them, so H2 reads that index backwards and stops after LIMIT rows ("index
   * sorted") instead of reading every matching row and sorting. Same order of rows (those columns
   * are constant); PostgreSQL plans it as before.
   */
  static String orderFor(
      boolean project, boolean connection, boolean status, boolean change, boolean pipeline) {
    List<String> o = new ArrayList<>();
    if (project) {
      o.add("project DESC");
      if (status) {
        o.add("status DESC"); // index (project, status, id)
      } else if (connection) {
        o.add("connection DESC"); // index builds_project (project, connection, id)
      }
    } else if (change) {
      o.add("change_id DESC");
    } else if (status) {
      o.add("status DESC");
    } else if (pipeline) {
      o.add("pipeline DESC");
    }
    o.add("id DESC");
    return String.join(", ", o);
  }

  /**
   * SqlBuilds.list with the ORDER BY fix, run through the store's own JDBI, handle and row mapping
   * (SqlBuilds.builds, reached by reflection) so only the SQL text differs from the real one.
   */
  static java.util.function.Function<BuildQuery, List<Build>> fixedList(JdbiStore store)
      throws Exception {
    var jdbiField = JdbiStore.class.getDeclaredField("jdbi");
    jdbiField.setAccessible(true);
    var codecField = JdbiStore.class.getDeclaredField("codec");
    codecField.setAccessible(true);
    org.jdbi.v3.core.Jdbi jdbi = (org.jdbi.v3.core.Jdbi) jdbiField.get(store);
    Object codec = codecField.get(store);
    Class<?> sqlBuilds = Class.forName("org.seakeeper.store.SqlBuilds");
    var ctor = sqlBuilds.getDeclaredConstructor(org.jdbi.v3.core.Handle.class, codec.getClass());
    ctor.setAccessible(true);
    var builds =
        sqlBuilds.getDeclaredMethod("builds", String.class, java.util.function.UnaryOperator.class);
    builds.setAccessible(true);
    return query ->
        jdbi.withHandle(
            h -> {
              List<String> where = new ArrayList<>();
              query.connection().ifPresent(x -> where.add("connection = :connection"));
              query.project().ifPresent(x -> where.add("project = :project"));
              query.change().ifPresent(x -> where.add("change_id = :change"));
              query.pipeline().ifPresent(x -> where.add("pipeline = :pipeline"));
              query.status().ifPresent(x -> where.add("status = :status"));
              query.before().ifPresent(x -> where.add("id < :before"));
              String clause =
                  (where.isEmpty() ? "" : "WHERE " + String.join(" AND ", where))
                      + " ORDER BY "
                      + orderFor(
                          query.project().isPresent(),
                          query.connection().isPresent(),
                          query.status().isPresent(),
                          query.change().isPresent(),
                          query.pipeline().isPresent())
                      + " LIMIT :limit";
              java.util.function.UnaryOperator<org.jdbi.v3.core.statement.Query> binder =
                  q -> {
                    query.connection().ifPresent(x -> q.bind("connection", x));
                    query.project().ifPresent(x -> q.bind("project", x));
                    query.change().ifPresent(x -> q.bind("change", x));
                    query.pipeline().ifPresent(x -> q.bind("pipeline", x.id()));
                    query.status().ifPresent(x -> q.bind("status", x.id()));
                    query.before().ifPresent(x -> q.bind("before", x));
                    return q.bind("limit", query.limit());
                  };
              try {
                @SuppressWarnings("unchecked")
                List<Build> r =
                    (List<Build>) builds.invoke(ctor.newInstance(h, codec), clause, binder);
                return r;
              } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
              }
            });
  }

  static BuildQuery q(
      Optional<String> connection,
      Optional<String> project,
      Optional<String> change,
      Optional<PipelineName> pipeline,
      Optional<BuildStatus> status,
      Optional<Long> before) {
    return new BuildQuery(connection, project, change, pipeline, status, before, 50);
  }
}
