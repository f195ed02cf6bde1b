import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.seakeeper.gerrit.GerritRest;

/**
 * A real Gerrit for a benchmark, set up as the JUnit fixture app/src/test/.../gerrit/GerritServer
 * does (shared/docs/gerrit-for-tests.md): a separate JVM from the jars Maven copied to
 * app/target/gerrit-lib, a site made by {@code init --batch --dev}, loopback ports, the CI account
 * {@value #CI} (HTTP password, ed25519 key made by ssh-keygen) and the Verified label. Also a
 * {@code gerrit stream-events} listener (an {@code ssh} process as the CI account) that records
 * when each patch set's creation and its first Verified vote are seen.
 */
final class BenchGerrit implements AutoCloseable {
  static final String CI = "ci-bot";
  static final String ADMIN = "admin";
  static final String ADMIN_PASSWORD = "secret";
  static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final int httpPort;
  final int sshPort;
  final Path ciKey;
  final Path ciPasswordFile;
  final String ciPassword = "ci-" + Long.toHexString(System.nanoTime());
  private final Process process;
  GerritRest admin;
  GerritRest ci;
  private Process stream;

  /** When the listener saw things, by patch set revision (commit sha). */
  record Seen(long nanos, Instant wall) {}

  final Map<String, Seen> created = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Seen>> votes = new ConcurrentHashMap<>();

  private BenchGerrit(Path dir, int httpPort, int sshPort, Process process) {
    this.dir = dir;
    this.httpPort = httpPort;
    this.sshPort = sshPort;
    this.process = process;
    this.ciKey = dir.resolve("ci_ed25519");
    this.ciPasswordFile = dir.resolve("ci-password");
  }

  static String classpath() throws IOException {
    Path lib = BenchServer.ROOT.resolve("app/target/gerrit-lib");
    if (!Files.isDirectory(lib)) {
      throw new IOException(
          lib + " is missing: `mvn -o -B install -DskipTests` copies Gerrit's jars there");
    }
    try (Stream<Path> s = Files.list(lib)) {
      List<String> jars = s.map(Path::toString).filter(p -> p.endsWith(".jar")).sorted().toList();
      if (jars.size() < 6) {
        throw new IOException(
            lib + " holds " + jars.size() + " jars, expected Gerrit's two and BouncyCastle's four");
      }
      return String.join(":", jars);
    }
  }

  static BenchGerrit start(Path dir) throws Exception {
    Files.createDirectories(dir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = classpath();
    Path site = dir.resolve("site");
    BenchServer.run(
        dir,
        Map.of(),
        java,
        "-cp",
        cp,
        "com.google.gerrit.launcher.GerritLauncher",
        "init",
        "--batch",
        "--dev",
        "--no-auto-start",
        "-d",
        site.toString());
    int http = BenchServer.freePort();
    int ssh = BenchServer.freePort();
    String cfg = site.resolve("etc/gerrit.config").toString();
    BenchServer.git(dir, "config", "-f", cfg, "httpd.listenUrl", "http://127.0.0.1:" + http + "/");
    BenchServer.git(
        dir, "config", "-f", cfg, "gerrit.canonicalWebUrl", "http://127.0.0.1:" + http + "/");
    BenchServer.git(dir, "config", "-f", cfg, "sshd.listenAddress", "127.0.0.1:" + ssh);
    BenchServer.git(dir, "config", "-f", cfg, "sendemail.enable", "false");
    BenchServer.git(
        dir, "config", "-f", cfg, "container.javaHome", System.getProperty("java.home"));
    Path log4j = dir.resolve("log4j.properties");
    Files.writeString(
        log4j,
        """
        log4j.rootLogger=WARN, stdout
        log4j.logger.com.google.gerrit.pgm.Daemon=INFO
        log4j.appender.stdout=org.apache.log4j.ConsoleAppender
        log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
        log4j.appender.stdout.layout.ConversionPattern=%d %p %c: %m%n
        """);
    List<String> cmd =
        List.of(
            java,
            "-Xmx768m",
            "-XX:+UseSerialGC",
            "-Dlog4j.configuration=file:" + log4j,
            "-Dflogger.backend_factory=com.google.common.flogger.backend.log4j.Log4jBackendFactory#getInstance",
            "-Dflogger.logging_context=com.google.gerrit.server.logging.LoggingContext#getInstance",
            "-cp",
            cp,
            "com.google.gerrit.launcher.GerritLauncher",
            "daemon",
            "-d",
            site.toString(),
            "--console-log");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("gerrit.log").toFile())
            .start();
    BenchGerrit g = new BenchGerrit(dir, http, ssh, p);
    try {
      GerritRest anonymous = new GerritRest(g.url(), null, null);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (!anonymous.tryGet("config/server/version")) {
        if (!p.isAlive() || System.nanoTime() > end) {
          throw new IOException(
              "Gerrit did not start:\n" + Files.readString(dir.resolve("gerrit.log")));
        }
        Thread.sleep(200);
      }
      g.setUp();
      return g;
    } catch (Exception e) {
      g.close();
      throw e;
    }
  }

  String url() {
    return "http://127.0.0.1:" + httpPort + "/";
  }

  /** The git URL of a project with the admin's credentials in it. */
  String adminGitUrl(String project) {
    return "http://" + ADMIN + ":" + ADMIN_PASSWORD + "@127.0.0.1:" + httpPort + "/a/" + project;
  }

  private void setUp() throws Exception {
    admin = new GerritRest(url(), ADMIN, ADMIN_PASSWORD);
    BenchServer.run(
        dir,
        Map.of(),
        "ssh-keygen",
        "-q",
        "-t",
        "ed25519",
        "-N",
        "",
        "-C",
        CI,
        "-f",
        ciKey.toString());
    String publicKey = Files.readString(dir.resolve("ci_ed25519.pub")).strip();
    Files.writeString(ciPasswordFile, ciPassword + "\n");
    Files.setPosixFilePermissions(ciPasswordFile, PosixFilePermissions.fromString("rw-------"));
    admin.put(
        "accounts/" + CI,
        GerritRest.json(
            "name",
            "CI Bot",
            "http_password",
            ciPassword,
            "ssh_key",
            publicKey,
            "groups",
            List.of("Service Users")));
    admin.put(
        "projects/All-Projects/labels/Verified",
        "{\"values\":{\"-1\":\"Fails\",\" 0\":\"No"
            + " score\",\"+1\":\"Verified\"},\"function\":\"NoBlock\"}");
    admin.put(
        "projects/All-Projects/submit_requirements/Verified",
        "{\"name\":\"Verified\",\"submittability_expression\":\"label:Verified=MAX AND"
            + " -label:Verified=MIN\"}");
    String serviceUsers = admin.get("groups/Service%20Users").get("id").asText();
    String admins = admin.get("groups/Administrators").get("id").asText();
    String allow = "{\"action\":\"ALLOW\"}";
    admin.post(
        "projects/All-Projects/access",
        "{\"add\":{"
            + "\"GLOBAL_CAPABILITIES\":{\"permissions\":{\"streamEvents\":{\"rules\":{\""
            + serviceUsers
            + "\":"
            + allow
            + "}}}},"
            + "\"refs/*\":{\"permissions\":{\"read\":{\"rules\":{\""
            + serviceUsers
            + "\":"
            + allow
            + "}}}},"
            + "\"refs/heads/*\":{\"permissions\":{"
            + "\"label-Verified\":{\"rules\":{\""
            + serviceUsers
            + "\":{\"action\":\"ALLOW\",\"min\":-1,\"max\":1}}},"
            + "\"push\":{\"rules\":{\""
            + admins
            + "\":{\"action\":\"ALLOW\",\"force\":true}}}}}}}");
    ci = new GerritRest(url(), CI, ciPassword);
  }

  void createProject(String name) throws IOException {
    admin.put("projects/" + GerritRest.encode(name), "{\"create_empty_commit\":true}");
  }

  /** The ssh options every ssh client of this Gerrit uses here (a throw-away host key). */
  List<String> sshArgs() {
    return List.of(
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        "-i",
        ciKey.toString(),
        "-p",
        Integer.toString(sshPort),
        CI + "@127.0.0.1");
  }

  /** Starts the stream-events listener and waits until it sees a vote posted now. */
  void listen(String probeProject, Path probeWork) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ssh"));
    cmd.addAll(sshArgs());
    cmd.addAll(List.of("gerrit", "stream-events"));
    stream =
        new ProcessBuilder(cmd).redirectError(dir.resolve("stream-events.err").toFile()).start();
    Thread.ofPlatform()
        .daemon()
        .name("stream-events")
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(stream.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  Seen seen = new Seen(System.nanoTime(), Instant.now());
                  try {
                    JsonNode ev = JSON.readTree(line);
                    String rev = ev.path("patchSet").path("revision").asText("");
                    switch (ev.path("type").asText()) {
                      case "patchset-created" -> created.putIfAbsent(rev, seen);
                      case "comment-added" -> {
                        for (JsonNode a : ev.path("approvals")) {
                          if ("Verified".equals(a.path("type").asText())
                              && a.path("value").asInt(0) != 0) {
                            vote(rev).complete(seen);
                          }
                        }
                      }
                      default -> {}
                    }
                  } catch (IOException e) {
                    // not JSON: ignore
                  }
                }
              } catch (IOException e) {
                // the stream ended
              }
            });
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      Pushed p = Pushed.push(probeWork, "probe");
      floorVote(probeProject, p);
      try {
        vote(p.sha()).get(2, TimeUnit.SECONDS);
        return;
      } catch (java.util.concurrent.TimeoutException e) {
        // the listener was not connected yet
      }
    }
    throw new IOException(
        "the stream-events listener saw no vote within 60 s: "
            + Files.readString(dir.resolve("stream-events.err")));
  }

  CompletableFuture<Seen> vote(String sha) {
    return votes.computeIfAbsent(sha, k -> new CompletableFuture<>());
  }

  /** The floor: the vote posted over REST by the CI account, as a CI would with nothing to do. */
  void floorVote(String project, Pushed p) throws IOException {
    ci.post(
        "changes/"
            + GerritRest.encode(project)
            + "~master~"
            + p.changeId()
            + "/revisions/"
            + p.sha()
            + "/review",
        "{\"message\":\"floor\",\"labels\":{\"Verified\":1},\"tag\":\"autogenerated:floor\"}");
  }

  /** A change pushed for review: when the push started and returned. */
  record Pushed(String sha, String changeId, long startNanos, long returnNanos, Instant returned) {
    /**
     * A new commit on master's tip (an independent change) with its own Change-Id, pushed to
     * refs/for/master.
     */
    static Pushed push(Path work, String what) throws Exception {
      git(work, "reset", "-q", "--hard", "origin/master");
      String changeId = "I" + sha1(what + System.nanoTime());
      Files.writeString(work.resolve("counter.txt"), what + " " + System.nanoTime() + "\n");
      git(work, "add", "-A");
      git(work, "commit", "-q", "-m", what + "\n\nChange-Id: " + changeId);
      String sha = git(work, "rev-parse", "HEAD").strip();
      long t0 = System.nanoTime();
      git(work, "push", "-q", "origin", "HEAD:refs/for/master");
      long t1 = System.nanoTime();
      return new Pushed(sha, changeId, t0, t1, Instant.now());
    }
  }

  static final Map<String, String> GIT_ENV =
      Map.of(
          "GIT_AUTHOR_NAME",
          "Administrator",
          "GIT_AUTHOR_EMAIL",
          "admin@example.com",
          "GIT_COMMITTER_NAME",
          "Administrator",
          "GIT_COMMITTER_EMAIL",
          "admin@example.com",
          "GIT_TERMINAL_PROMPT",
          "0");

  /** git as the Gerrit admin (committer e-mail admin@example.com, so Gerrit takes the pushes). */
  static String git(Path dir, String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "git";
    System.arraycopy(args, 0, cmd, 1, args.length);
    return BenchServer.run(dir, GIT_ENV, cmd);
  }

  static String sha1(String s) throws Exception {
    byte[] d =
        java.security.MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
    return java.util.HexFormat.of().formatHex(d);
  }

  /** Clones a project (admin over HTTP) into {@code work}. */
  Path cloneProject(String project, Path work) throws Exception {
    git(work.getParent(), "clone", "-q", adminGitUrl(project), work.toString());
    return work;
  }

  /** Pushes files straight to master (as the admin) and updates the clone. */
  void pushToMaster(Path work, Map<String, String> files) throws Exception {
    for (Map.Entry<String, String> f : files.entrySet()) {
      Files.writeString(work.resolve(f.getKey()), f.getValue());
    }
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", "bench set-up");
    git(work, "push", "-q", "origin", "HEAD:refs/heads/master");
    git(work, "fetch", "-q", "origin");
  }

  static final HttpClient HTTP = HttpClient.newHttpClient();

  static String httpGet(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Override
  public void close() {
    if (stream != null) {
      stream.destroyForcibly();
    }
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
