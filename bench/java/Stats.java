import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Percentiles (nearest rank) and a plain-text table, shared by the server benchmarks. */
final class Stats {
  final String name;
  private final List<Double> values = new ArrayList<>();

  Stats(String name) {
    this.name = name;
  }

  void add(double v) {
    values.add(v);
  }

  int count() {
    return values.size();
  }

  /** Nearest-rank percentile, p in (0, 100]. */
  double pct(double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] s = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(s);
    int rank = (int) Math.ceil(p / 100.0 * s.length);
    return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
  }

  double min() {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  double max() {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  double mean() {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  static String f(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return String.format(
        Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
  }

  /** A row: name, n, min, p50, p90, p99, max, mean (all in the unit the values were added in). */
  static String header(String unit) {
    return String.format(
        Locale.ROOT,
        "%-52s %5s %8s %8s %8s %8s %8s %8s",
        "metric (" + unit + ")",
        "n",
        "min",
        "p50",
        "p90",
        "p99",
        "max",
        "mean");
  }

  String row() {
    return String.format(
        Locale.ROOT,
        "%-52s %5d %8s %8s %8s %8s %8s %8s",
        name,
        count(),
        f(min()),
        f(pct(50)),
        f(pct(90)),
        f(pct(99)),
        f(max()),
        f(mean()));
  }

  /** Writes text to stdout and appends it to the report file. */
  static final class Report {
    private final Path file;
    private final StringBuilder text = new StringBuilder();

    Report(Path file) {
      this.file = file;
    }

    void line(String s) {
      System.out.println(s);
      text.append(s).append('\n');
    }

    /** Only into the report file (long details). */
    void file(String s) {
      text.append(s).append('\n');
    }

    void save() throws IOException {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text.toString());
      System.out.println("results written to " + file);
    }
  }

  static void printTo(PrintStream out, List<Stats> rows, String unit) {
    out.println(header(unit));
    rows.forEach(r -> out.println(r.row()));
  }
}
