import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.scheduler.SchedulerCommands;
import org.seakeeper.store.FileLogStore;
import org.seakeeper.store.JdbiStore;
import org.seakeeper.store.Stores;
import org.seakeeper.web.AccessSettings;
import org.seakeeper.web.EmbargoDesk;
import org.seakeeper.web.WebServer;

/**
 * Every page's server time at ROWS builds (bench/pages.sh): the store is loaded as {@link
 * HistoryQuery} loads it (same generator, same seed), then the real {@link WebServer} is started on
 * it (access policy as shipped, two private projects, no login: an anonymous reader, so every read
 * goes through the public view and the private-project filter) and each page is fetched over
 * loopback HTTP with random parameters. The time is the client's, from request to the last byte of
 * the body: the server's time plus a loopback round trip (~0.1-0.3 ms).
 *
 * <p>Args: h2 and/or postgresql. Env: ROWS, QUERIES (timed per page kind, default 200),
 * REAL_STORE_ROWS, PG_URL, PG_USER, PG_PASSWORD_FILE, BENCH_TMP, KEEP=1.
 */
public final class PageTiming {
  public static void main(String[] args) throws Exception {
    int rows = Integer.parseInt(System.getenv().getOrDefault("ROWS", "1000000"));
    int queries = Integer.parseInt(System.getenv().getOrDefault("QUERIES", "200"));
    int realRows = Integer.parseInt(System.getenv().getOrDefault("REAL_STORE_ROWS", "20000"));
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Stats.Report report =
        new Stats.Report(BenchServer.ROOT.resolve("bench/results/pages-" + stamp + ".txt"));
    report.line(System.getenv().getOrDefault("MACHINE_FACTS", ""));
    report.line(
        "pages: "
            + rows
            + " builds per database, "
            + queries
            + " timed GETs per page kind (after 20 warm-up), anonymous reader, loopback HTTP");
    Map<String, Map<String, Stats>> all = new LinkedHashMap<>();
    for (String db : args.length == 0 ? new String[] {"h2", "postgresql"} : args) {
      Path dir =
          Files.createTempDirectory(
              Path.of(System.getenv().getOrDefault("BENCH_TMP", "/var/tmp")), "skbench-pages-");
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
          HistoryQuery.Data data = HistoryQuery.load(report, db, store, dir, rows, realRows);
          ServerConfig.Auth auth =
              new ServerConfig.Auth(
                  Optional.empty(),
                  List.of(),
                  Set.of(data.projects()[198], data.projects()[199]),
                  ServerConfig.Auth.DEFAULT_SESSION_TTL);
          SchedulerCommands none =
              (SchedulerCommands)
                  java.lang.reflect.Proxy.newProxyInstance(
                      PageTiming.class.getClassLoader(),
                      new Class<?>[] {SchedulerCommands.class},
                      (p, m, a) -> {
                        if (m.isDefault()) {
                          return java.lang.reflect.InvocationHandler.invokeDefault(p, m, a);
                        }
                        throw new UnsupportedOperationException(m.getName());
                      });
          Map<String, Object> status = new LinkedHashMap<>(Map.of("version", "bench", "queued", 0));
          WebServer web =
              new WebServer(
                      new WebServer.Services(
                          store.queries(),
                          new FileLogStore(dir),
                          none,
                          () -> "bench-admin-token",
                          URI.create("http://127.0.0.1/"),
                          new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                              io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT),
                          () -> status),
                      EmbargoDesk.NONE,
                      new AccessSettings(store.access(), auth, Optional.empty(), Clock.systemUTC()))
                  .start("127.0.0.1", 0);
          try {
            all.put(db, measure(report, db, "http://127.0.0.1:" + web.port(), data, queries));
          } finally {
            web.stop();
          }
        }
      } finally {
        if (!"1".equals(System.getenv("KEEP"))) {
          BenchServer.deleteTree(dir);
        }
      }
    }
    report.line("");
    report.line("Summary: p50 / p99 in ms (goal p99 <= 100 ms)");
    List<String> kinds = all.values().iterator().next().keySet().stream().toList();
    StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-44s", "page"));
    all.keySet().forEach(k -> h.append(String.format(Locale.ROOT, " | %-16s", k)));
    report.line(h.toString());
    for (String k : kinds) {
      StringBuilder r = new StringBuilder(String.format(Locale.ROOT, "%-44s", k));
      for (var db : all.values()) {
        Stats s = db.get(k);
        r.append(
            String.format(
                Locale.ROOT,
                " | %-16s",
                Stats.f(s.pct(50))
                    + " / "
                    + Stats.f(s.pct(99))
                    + (s.pct(99) > 100 ? " MISS" : "")));
      }
      report.line(r.toString());
    }
    report.save();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static Map<String, Stats> measure(
      Stats.Report report, String db, String base, HistoryQuery.Data d, int queries)
      throws Exception {
    Random rnd = new Random(11);
    Supplier<String> anyProject = () -> d.projects()[rnd.nextInt(d.projects().length - 2)];
    Supplier<Long> anyId = () -> 1 + (long) (rnd.nextDouble() * d.maxId());
    Map<String, Supplier<String>> kinds = new LinkedHashMap<>();
    kinds.put("/status", () -> "/status");
    kinds.put("/builds", () -> "/builds");
    kinds.put("/builds?project=(uniform)", () -> "/builds?project=" + enc(anyProject.get()));
    kinds.put("/builds?project=(largest)", () -> "/builds?project=" + enc(d.projects()[0]));
    kinds.put(
        "/builds?project=&status=failure",
        () -> "/builds?status=failure&project=" + enc(anyProject.get()));
    kinds.put(
        "/builds?project=&pipeline=post",
        () -> "/builds?pipeline=post&project=" + enc(anyProject.get()));
    kinds.put(
        "/builds?project=&job=lint (scan 1000)",
        () -> "/builds?job=lint&project=" + enc(anyProject.get()));
    kinds.put("/builds?branch=main (scan 1000)", () -> "/builds?branch=main");
    kinds.put("/builds?before=(random id)", () -> "/builds?before=" + anyId.get());
    kinds.put(
        "/builds?project=&before=(random id)",
        () -> "/builds?project=" + enc(anyProject.get()) + "&before=" + anyId.get());
    kinds.put("/builds/{random id}", () -> "/builds/" + anyId.get());
    kinds.put(
        "/changes/{random change}",
        () -> "/changes/" + d.changes().get(rnd.nextInt(d.changes().size())));
    Map<String, Stats> out = new LinkedHashMap<>();
    try (HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build()) {
      for (var e : kinds.entrySet()) {
        Stats s = new Stats(db + " " + e.getKey());
        long bytes = 0;
        int notOk = 0;
        for (int i = 0; i < 20 + queries; i++) {
          String path = e.getValue().get();
          HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).GET().build();
          long t0 = System.nanoTime();
          HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
          double ms = (System.nanoTime() - t0) / 1e6;
          if (r.statusCode() != 200 && r.statusCode() != 404) {
            throw new IllegalStateException(path + " answered " + r.statusCode());
          }
          if (i >= 20) {
            s.add(ms);
            bytes += r.body().length;
            notOk += r.statusCode() == 200 ? 0 : 1;
          }
        }
        report.line(
            String.format(
                Locale.ROOT,
                "%s %-40s p50 %7s  p90 %7s  p99 %7s  max %7s ms  (%d KiB avg, %d of %d were 404)",
                db,
                e.getKey(),
                Stats.f(s.pct(50)),
                Stats.f(s.pct(90)),
                Stats.f(s.pct(99)),
                Stats.f(s.max()),
                bytes / queries / 1024,
                notOk,
                queries));
        out.put(e.getKey(), s);
      }
    }
    return out;
  }
}
