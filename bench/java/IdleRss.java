import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Idle resident memory of the README's start command, {@code ./seakeeper server} (the quick start,
 * launcher flags included), in a fresh directory: after its first demo build ended and SETTLE
 * seconds passed (default 60), RSS of the java process as {@code ps -o rss} shows it.
 */
public final class IdleRss {
  public static void main(String[] args) throws Exception {
    int settle = Integer.parseInt(System.getenv().getOrDefault("SETTLE", "60"));
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Stats.Report report =
        new Stats.Report(BenchServer.ROOT.resolve("bench/results/idle-rss-" + stamp + ".txt"));
    report.line(System.getenv().getOrDefault("MACHINE_FACTS", ""));
    List<String> variants = new java.util.ArrayList<>(List.of(""));
    for (String v :
        System.getenv().getOrDefault("CANDIDATE_FLAGS", "-Xms16m -Xmx512m").split(";")) {
      if (!v.isBlank()) {
        variants.add(v.strip());
      }
    }
    List<String> summary = new java.util.ArrayList<>();
    for (String flags : variants) {
      summary.add(measure(report, settle, flags));
    }
    report.line("");
    report.line("Summary (same run, one after the other):");
    summary.forEach(report::line);
    report.save();
  }

  static String measure(Stats.Report report, int settle, String flags) throws Exception {
    report.line("");
    report.line(
        flags.isEmpty()
            ? "== as shipped (./seakeeper's flags only)"
            : "== candidate: JAVA_TOOL_OPTIONS=\"" + flags + "\" added to ./seakeeper's flags");
    Path dir =
        Files.createTempDirectory(
            Path.of(System.getenv().getOrDefault("BENCH_TMP", "/var/tmp")), "skbench-rss-");
    String result;
    int port = BenchServer.freePort();
    List<String> cmd =
        List.of(
            BenchServer.ROOT.resolve("bench/isolated.sh").toString(),
            dir.resolve("isolation").toString(),
            BenchServer.ROOT.resolve("seakeeper").toString(),
            "server",
            "--data-dir",
            dir.resolve("data").toString(),
            "--port",
            Integer.toString(port));
    report.line(
        "idle RSS of: ./seakeeper server --data-dir "
            + dir.resolve("data")
            + " --port "
            + port
            + "  (the README's command; port/data dir only to stay apart)");
    try (BenchServer server =
        BenchServer.launch(
            cmd, dir, port, flags.isEmpty() ? Map.of() : Map.of("JAVA_TOOL_OPTIONS", flags))) {
      String exe = Files.readSymbolicLink(Path.of("/proc/" + server.pid() + "/exe")).toString();
      long startedRss = server.rssKib();
      long t0 = System.nanoTime();
      while (true) { // the demo's first post build
        List<JsonNode> builds = server.allBuilds();
        if (!builds.isEmpty() && builds.stream().allMatch(b -> !b.get("finished_at").isNull())) {
          report.line(
              "first build done after "
                  + (System.nanoTime() - t0) / 1_000_000
                  + " ms: "
                  + builds.size()
                  + " builds, statuses "
                  + builds.stream()
                      .map(b -> b.get("job").asText() + "=" + b.get("status").asText())
                      .toList());
          break;
        }
        if (System.nanoTime() - t0 > 300_000_000_000L) {
          throw new IllegalStateException("the demo build did not end in 5 minutes");
        }
        Thread.sleep(500);
      }
      long peak = 0;
      Stats last30 = new Stats("RSS over the last 30 s of settling (MiB)");
      for (int s = 0; s < settle; s++) {
        Thread.sleep(1000);
        long rss = server.rssKib();
        peak = Math.max(peak, rss);
        if (s >= settle - 30) {
          last30.add(rss / 1024.0);
        }
      }
      String ps =
          BenchServer.run(dir, Map.of(), "ps", "-o", "rss=", "-p", Long.toString(server.pid()))
              .strip();
      long psKib = Long.parseLong(ps);
      report.line(
          "process: pid "
              + server.pid()
              + " ("
              + exe
              + "), RSS right after /healthz answered: "
              + startedRss / 1024
              + " MiB");
      report.line(
          String.format(
              Locale.ROOT,
              "ps -o rss after %d s settled: %d KiB = %.1f MiB   (peak while settling %.1f MiB;"
                  + " last 30 s min %.1f / max %.1f MiB)",
              settle,
              psKib,
              psKib / 1024.0,
              peak / 1024.0,
              last30.min(),
              last30.max()));
      report.line("goal <= 150 MB (RSS): " + (psKib * 1024L <= 150_000_000L ? "MET" : "MISSED"));
      result =
          String.format(
              Locale.ROOT,
              "%-40s idle RSS %6.1f MiB (%d KiB)  goal <= 150 MB: %s",
              flags.isEmpty() ? "as shipped" : flags,
              psKib / 1024.0,
              psKib,
              psKib * 1024L <= 150_000_000L ? "MET" : "MISSED");
      report.line("");
      report.line("breakdown (jcmd; informative):");
      for (String what : List.of("GC.heap_info", "VM.flags")) {
        try {
          report.line(
              BenchServer.run(
                      dir,
                      Map.of(),
                      Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                      Long.toString(server.pid()),
                      what)
                  .strip());
        } catch (Exception e) {
          report.line("jcmd " + what + " failed: " + e.getMessage());
        }
      }
      report.line(smapsSummary(server.pid()));
      report.line("threads: " + Files.list(Path.of("/proc/" + server.pid() + "/task")).count());
      BenchServer.run(
          dir,
          Map.of(),
          Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(server.pid()),
          "GC.run");
      Thread.sleep(2000);
      report.line(
          String.format(
              Locale.ROOT,
              "after jcmd GC.run (not part of the figure): %.1f MiB",
              server.rssKib() / 1024.0));
    } finally {
      if (!"1".equals(System.getenv("KEEP"))) {
        BenchServer.deleteTree(dir);
      }
    }
    return result;
  }

  /**
   * RSS by mapping kind from /proc/PID/smaps: java heap, code cache, CDS archive, libjvm, other
   * anonymous, other files.
   */
  static String smapsSummary(long pid) throws Exception {
    Map<String, Long> by = new java.util.TreeMap<>();
    String name = "";
    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
      if (l.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
        String[] f = l.trim().split("\\s+", 6);
        name = f.length > 5 ? f[5] : "[anon]";
      } else if (l.startsWith("Rss:")) {
        long kib = Long.parseLong(l.replaceAll("[^0-9]", ""));
        String k =
            name.contains("libjvm")
                ? "libjvm.so"
                : name.endsWith(".jsa")
                    ? "CDS archive"
                    : name.endsWith(".jar") || name.endsWith("modules")
                        ? "jars/modules (mapped)"
                        : name.startsWith("/")
                            ? "other files"
                            : "anonymous (heap, metaspace, code cache, thread stacks, malloc)";
        by.merge(k, kib, Long::sum);
      }
    }
    StringBuilder sb = new StringBuilder("RSS by mapping (MiB):");
    by.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.1f;", k, v / 1024.0)));
    return sb.toString();
  }
}
