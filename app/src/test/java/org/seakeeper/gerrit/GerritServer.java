package org.seakeeper.gerrit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Gerrit for one test class (shared/docs/gerrit-for-tests.md): a separate JVM started from
 * the jars Maven copied to {@code target/gerrit-lib}, on free loopback ports, with a site copied
 * from a template that {@code init --batch --dev} made once per build. After start it has the CI
 * account {@value #CI_USER} (HTTP password and an ed25519 SSH key), the {@code Verified} label and
 * the permissions a CI needs; {@link #createProject} adds projects. Register as a static
 * {@code @RegisterExtension} field and tag the class {@code slow}. Stopped (and its site removed)
 * after the class. Not thread-safe.
 */
public final class GerritServer implements BeforeAllCallback, AfterAllCallback {
  public static final String CI_USER = "ci-bot";
  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "secret";
  static final Path LIB = Path.of("target", "gerrit-lib").toAbsolutePath();
  static final Path TEMPLATE = Path.of("target", "gerrit-site-template").toAbsolutePath();

  private Path base;
  private Process process;
  private int httpPort;
  private int sshPort;
  private GerritRest admin;
  private Path ciKey;
  private Path ciPasswordFile;
  private final String ciPassword = "ci-" + Long.toHexString(System.nanoTime());
  private Thread shutdownHook;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    long t0 = System.nanoTime();
    base = Files.createTempDirectory("sk-gerrit-");
    Path site = base.resolve("site");
    GerritSites.copy(GerritSites.template(javaBin(), classpath()), site);
    shutdownHook = new Thread(this::stopQuietly, "gerrit-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    start(site);
    admin = new GerritRest(url(), ADMIN, ADMIN_PASSWORD);
    setUpCiAccount();
    System.out.printf(
        "Gerrit for %s ready in %.1f s on %s%n",
        context.getDisplayName(), (System.nanoTime() - t0) / 1e9, url());
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stopQuietly();
    if (shutdownHook != null) {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    }
    if (base != null) {
      try (Stream<Path> files = Files.walk(base)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private void start(Path site) throws Exception {
    httpPort = freePort();
    sshPort = freePort();
    FileBasedConfig cfg =
        new FileBasedConfig(site.resolve("etc/gerrit.config").toFile(), FS.DETECTED);
    cfg.load();
    cfg.setString("httpd", null, "listenUrl", "http://127.0.0.1:" + httpPort + "/");
    cfg.setString("gerrit", null, "canonicalWebUrl", "http://127.0.0.1:" + httpPort + "/");
    cfg.setString("sshd", null, "listenAddress", "127.0.0.1:" + sshPort);
    cfg.setBoolean("sendemail", null, "enable", false);
    cfg.setString("container", null, "javaHome", System.getProperty("java.home"));
    cfg.save();
    Path log4j = base.resolve("log4j.properties");
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
        new ArrayList<>(
            List.of(
                javaBin(),
                "-Xmx768m",
                "-XX:+UseSerialGC",
                "-Dlog4j.configuration=file:" + log4j,
                "-Dflogger.backend_factory=com.google.common.flogger.backend.log4j.Log4jBackendFactory#getInstance",
                "-Dflogger.logging_context=com.google.gerrit.server.logging.LoggingContext#getInstance",
                "-cp",
                classpath(),
                "com.google.gerrit.launcher.GerritLauncher",
                "daemon",
                "-d",
                site.toString(),
                "--console-log"));
    Path console = base.resolve("console.log");
    process =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(console.toFile()).start();
    GerritRest anonymous = new GerritRest(url(), null, null);
    long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Gerrit exited with " + process.exitValue() + ":\n" + tail(console));
      }
      if (anonymous.tryGet("config/server/version")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("Gerrit did not answer REST within 120 s:\n" + tail(console));
  }

  private void setUpCiAccount() throws Exception {
    ciKey = base.resolve("ci_ed25519");
    String publicKey = SshKeys.generate(ciKey);
    ciPasswordFile = base.resolve("ci-password");
    Files.writeString(ciPasswordFile, ciPassword + "\n");
    Files.setPosixFilePermissions(ciPasswordFile, PosixFilePermissions.fromString("rw-------"));
    admin.put(
        "accounts/" + CI_USER,
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
            + "\"submit\":{\"rules\":{\""
            + serviceUsers
            + "\":"
            + allow
            + "}},"
            + "\"push\":{\"rules\":{\""
            + admins
            + "\":{\"action\":\"ALLOW\",\"force\":true}}}}}}}");
  }

  /** Creates a project with an empty initial commit on {@code master}. */
  public void createProject(String name) throws IOException {
    admin.put("projects/" + GerritRest.encode(name), "{\"create_empty_commit\":true}");
  }

  /** The REST and git base URL, ending in {@code /}. */
  public String url() {
    return "http://127.0.0.1:" + httpPort + "/";
  }

  public int sshPort() {
    return sshPort;
  }

  public Path ciKey() {
    return ciKey;
  }

  public Path ciPasswordFile() {
    return ciPasswordFile;
  }

  public String ciPassword() {
    return ciPassword;
  }

  /** REST as the admin (what people do in tests: review, abandon, submit). */
  public GerritRest admin() {
    return admin;
  }

  /** REST as the CI account. */
  public GerritRest ci() {
    return new GerritRest(url(), CI_USER, ciPassword);
  }

  /** A server-config snippet for a gerrit connection to this server serving {@code projects}. */
  public String connectionYaml(String name, String projects) {
    return "  - name: "
        + name
        + "\n    type: gerrit\n    url: "
        + url()
        + "\n    user: "
        + CI_USER
        + "\n    http_password_file: "
        + ciPasswordFile
        + "\n    ssh: {host: 127.0.0.1, port: "
        + sshPort
        + ", key: "
        + ciKey
        + "}\n    projects: "
        + projects
        + "\n";
  }

  /** The change as the admin sees it, with messages and every revision. */
  public JsonNode change(String project, int number) throws IOException {
    return admin.get(
        "changes/"
            + GerritRest.encode(project)
            + "~"
            + number
            + "?o=ALL_REVISIONS&o=MESSAGES&o=DETAILED_LABELS&o=DETAILED_ACCOUNTS");
  }

  private void stopQuietly() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    // the site is thrown away: no need for a graceful shutdown
    p.destroyForcibly();
    try {
      p.waitFor(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String classpath() throws IOException {
    if (!Files.isDirectory(LIB)) {
      throw new IllegalStateException(
          LIB
              + " is missing: Maven copies Gerrit's jars there in process-test-resources (run the"
              + " tests through mvn)");
    }
    try (Stream<Path> jars = Files.list(LIB)) {
      List<String> all =
          jars.filter(p -> p.toString().endsWith(".jar")).map(Path::toString).sorted().toList();
      if (all.size() < 6) {
        throw new IllegalStateException(
            LIB + " holds " + all.size() + " jars, expected Gerrit's two and BouncyCastle's four");
      }
      return String.join(":", all);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
