import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Seakeeper server process for a benchmark: started from app/target/seakeeper.jar with the
 * launcher's JVM flags (bench/isolated.sh keeps it apart from other servers on the host), polled
 * over loopback HTTP, stopped with SIGTERM. Also small git and process helpers.
 */
final class BenchServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path ROOT =
      Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
  static final Path JAR = ROOT.resolve("app/target/seakeeper.jar");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Process process;
  final int port;
  final Path dir;
  final Path log;

  private BenchServer(Process process, int port, Path dir, Path log) {
    this.process = process;
    this.port = port;
    this.dir = dir;
    this.log = log;
  }

  /**
   * Starts {@code java <flags> -jar seakeeper.jar <args>} in {@code dir}, isolated, and waits for
   * /healthz.
   */
  static BenchServer start(Path dir, int port, List<String> args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ROOT.resolve("bench/isolated.sh").toString());
    cmd.add(dir.resolve("isolation").toString());
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String f :
        System.getenv()
            .getOrDefault(
                "SERVER_JVM_FLAGS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto")
            .split("\\s+")) {
      if (!f.isBlank()) {
        cmd.add(f);
      }
    }
    cmd.add("-jar");
    cmd.add(JAR.toString());
    cmd.addAll(args);
    return launch(cmd, dir, port);
  }

  /** Starts an arbitrary command line (e.g. ./seakeeper server) that serves on {@code port}. */
  static BenchServer launch(List<String> cmd, Path dir, int port)
      throws IOException, InterruptedException {
    return launch(cmd, dir, port, Map.of());
  }

  static BenchServer launch(List<String> cmd, Path dir, int port, Map<String, String> env)
      throws IOException, InterruptedException {
    Path log = dir.resolve("server.log");
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    Process p =
        pb.directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    BenchServer s = new BenchServer(p, port, dir, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException(
            "the server exited (" + p.exitValue() + "):\n" + Files.readString(log));
      }
      try {
        if (s.get("/healthz").contains("ok")) {
          return s;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    s.close();
    throw new IOException(
        "the server did not answer /healthz within 180 s:\n" + Files.readString(log));
  }

  String get(String path) throws IOException, InterruptedException {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build();
    HttpResponse<String> resp =
        HTTP.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (resp.statusCode() / 100 != 2) {
      throw new IOException("GET " + path + ": HTTP " + resp.statusCode() + " " + resp.body());
    }
    return resp.body();
  }

  JsonNode json(String path) throws IOException, InterruptedException {
    return JSON.readTree(get(path));
  }

  /** Every build, newest first, through the API's paging. */
  List<JsonNode> allBuilds() throws IOException, InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    String path = "/api/v1/builds?limit=1000";
    while (true) {
      JsonNode page = json(path);
      page.get("builds").forEach(out::add);
      JsonNode next = page.get("next");
      if (next == null || next.isNull() || page.get("builds").isEmpty()) {
        return out;
      }
      path = URI.create(next.asText()).getRawPath() + "?" + URI.create(next.asText()).getRawQuery();
    }
  }

  long pid() {
    return process.pid();
  }

  /** Resident set size of the server process, in KiB. */
  long rssKib() throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** User+system CPU time of the server process and its reaped children, in ms. */
  long[] cpuMs() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long hz = 100;
    long self = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    long children = Long.parseLong(f[13]) + Long.parseLong(f[14]);
    return new long[] {self * 1000 / hz, children * 1000 / hz};
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (process.isAlive()) {
      process.destroy(); // SIGTERM: the server's shutdown hook closes the store
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
    }
    Path cg = dir.resolve("isolation/cgroups-to-remove");
    if (Files.exists(cg)) {
      for (String g : Files.readAllLines(cg)) {
        removeCgroup(Path.of(g));
      }
      Files.delete(cg);
    }
  }

  private static void removeCgroup(Path g) throws IOException {
    if (!Files.isDirectory(g)) {
      return;
    }
    try (Stream<Path> s = Files.list(g)) {
      for (Path c : s.filter(Files::isDirectory).toList()) {
        removeCgroup(c);
      }
    }
    try {
      Files.delete(g);
    } catch (IOException e) {
      System.err.println("bench: could not remove cgroup " + g + ": " + e);
    }
  }

  static Instant time(JsonNode b, String field) {
    JsonNode v = b.get(field);
    return v == null || v.isNull() ? null : Instant.parse(v.asText());
  }

  static double ms(Instant from, Instant to) {
    return (to.toEpochMilli() - from.toEpochMilli())
        + ((to.getNano() % 1_000_000) - (from.getNano() % 1_000_000)) / 1e6;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String run(Path dir, Map<String, String> env, String... cmd)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  static final Map<String, String> GIT_ENV =
      Map.of(
          "GIT_AUTHOR_NAME",
          "bench",
          "GIT_AUTHOR_EMAIL",
          "bench@localhost",
          "GIT_COMMITTER_NAME",
          "bench",
          "GIT_COMMITTER_EMAIL",
          "bench@localhost",
          "GIT_TERMINAL_PROMPT",
          "0");

  static String git(Path dir, String... args) throws IOException, InterruptedException {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "git";
    System.arraycopy(args, 0, cmd, 1, args.length);
    return run(dir, GIT_ENV, cmd);
  }

  /** A fresh bare repo and a work tree whose origin it is; returns the work tree. */
  static Path newRepo(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    git(dir, "init", "-q", "--bare", "--initial-branch=main", dir.resolve("repo.git").toString());
    Path work = dir.resolve("work");
    git(dir, "init", "-q", "--initial-branch=main", work.toString());
    git(work, "remote", "add", "origin", dir.resolve("repo.git").toString());
    return work;
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static String serverConfig(Path dir, int port, int maxParallel, String store) {
    return "data_dir: "
        + dir.resolve("data")
        + "\n"
        + "http: {port: "
        + port
        + ", bind: 127.0.0.1, public_url: http://127.0.0.1:"
        + port
        + "/}\n"
        + "executors:\n  trusted: {max_parallel: "
        + maxParallel
        + "}\n"
        + "repos:\n  - name: bench\n    path: "
        + dir.resolve("repo.git")
        + "\n"
        + (store == null ? "" : store);
  }
}
