package org.seakeeper.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.seakeeper.core.model.ServerConfig;

/**
 * A throw-away PostgreSQL cluster for one test class, made with Debian's {@code initdb} and {@code
 * pg_ctl} under a temporary directory; the system's PostgreSQL service is not used. The server runs
 * as {@code nobody} when the tests run as root (PostgreSQL refuses root), listens on 127.0.0.1 on a
 * free port and on a socket inside the directory, and requires a random password over TCP. {@link
 * #newDatabase} makes an empty database per test. After the class the cluster is stopped and its
 * directory removed. Without PostgreSQL the class is skipped, or fails under {@code CI=true}.
 * Register as a static {@code @RegisterExtension} field. Not thread-safe.
 */
final class PostgresCluster implements BeforeAllCallback, AfterAllCallback {
  static final String SUPERUSER = "postgres";
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private Path base;
  private Path bin;
  private int port;
  private String password;
  private boolean running;
  private Thread shutdownHook;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Optional<Path> found = findBin();
    if (found.isEmpty()) {
      String msg =
          "PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) are missing: apt-get"
              + " install postgresql (or scripts/ensure-deps.sh --tests)";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(msg);
      }
      Assumptions.abort(msg);
    }
    bin = found.get();
    boolean root = isRoot();
    if (root && runAs().isEmpty()) {
      Assertions.fail(
          "running as root, and neither runuser nor setpriv is there to run PostgreSQL as nobody"
              + " (apt-get install util-linux)");
    }
    base = Files.createTempDirectory("sk-pg-");
    password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    Path pwfile = base.resolve("password");
    Files.writeString(pwfile, password + "\n");
    Files.createDirectory(base.resolve("sock"));
    if (root) {
      for (Path p : List.of(base, pwfile, base.resolve("sock"))) {
        giveToNobody(p);
      }
    }
    run(
        bin.resolve("initdb").toString(),
        "-D",
        base.resolve("data").toString(),
        "-U",
        SUPERUSER,
        "--pwfile=" + pwfile,
        "--auth-host=scram-sha-256",
        "--auth-local=trust",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync");
    shutdownHook = new Thread(this::stopQuietly, "postgres-cluster-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    IOException last = null;
    for (int attempt = 0; attempt < 3 && !running; attempt++) {
      port = freePort();
      Files.writeString(
          base.resolve("data/postgresql.auto.conf"),
          String.join(
              "\n",
              "listen_addresses = '127.0.0.1'",
              "port = " + port,
              "unix_socket_directories = '" + base.resolve("sock") + "'",
              "fsync = off",
              "synchronous_commit = off",
              "full_page_writes = off",
              "max_connections = 60",
              "shared_buffers = 32MB",
              ""),
          StandardCharsets.UTF_8,
          StandardOpenOption.TRUNCATE_EXISTING);
      try {
        run(
            bin.resolve("pg_ctl").toString(),
            "-D",
            base.resolve("data").toString(),
            "-l",
            base.resolve("server.log").toString(),
            "-w",
            "-t",
            "60",
            "start");
        running = true;
      } catch (IOException e) {
        last = e; // most likely the port was taken meanwhile: try another
      }
    }
    if (!running) {
      throw last;
    }
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

  /** A new, empty database; its JDBC URL. */
  String newDatabase() throws SQLException {
    String name = "sk_test_" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres"), SUPERUSER, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return url(name);
  }

  String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** The server config's store section for a database of this cluster. */
  ServerConfig.Store store(String url) {
    return new ServerConfig.Store(
        "postgresql",
        Optional.of(url),
        Optional.of(SUPERUSER),
        Optional.of(base.resolve("password").toString()));
  }

  private void stopQuietly() {
    if (running) {
      try {
        run(
            bin.resolve("pg_ctl").toString(),
            "-D",
            base.resolve("data").toString(),
            "-m",
            "immediate",
            "-w",
            "stop");
        running = false;
      } catch (IOException | InterruptedException e) {
        System.err.println(
            "could not stop the test PostgreSQL cluster in " + base + ": " + e.getMessage());
      }
    }
  }

  /** Runs a PostgreSQL tool, as nobody when root; fails with its output when it fails. */
  private void run(String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (isRoot()) {
      cmd.addAll(runAs().orElseThrow());
    }
    cmd.addAll(List.of(command));
    Path out = Files.createTempFile("sk-pg-tool", ".out");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .directory(base.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile());
      pb.environment().put("HOME", base.toString());
      pb.environment().put("LC_ALL", "C");
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in 120 s");
      }
      if (p.exitValue() != 0) {
        String log =
            Files.exists(base.resolve("server.log"))
                ? Files.readString(base.resolve("server.log"))
                : "";
        throw new IOException(
            String.join(" ", cmd)
                + " exited "
                + p.exitValue()
                + ":\n"
                + Files.readString(out)
                + log);
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static Optional<List<String>> runAs() {
    for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
      if (Files.isExecutable(Path.of(dir, "runuser"))) {
        return Optional.of(List.of(dir + "/runuser", "-u", "nobody", "--"));
      }
    }
    for (String dir : List.of("/usr/bin", "/bin")) {
      if (Files.isExecutable(Path.of(dir, "setpriv"))) {
        return Optional.of(
            List.of(dir + "/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
      }
    }
    return Optional.empty();
  }

  private static void giveToNobody(Path p) throws IOException {
    UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
    view.setOwner(users.lookupPrincipalByName("nobody"));
    GroupPrincipal group = users.lookupPrincipalByGroupName("nogroup");
    view.setGroup(group);
    Files.setPosixFilePermissions(
        p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------" : "rw-------"));
  }

  private static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  static Optional<Path> findBin() {
    Path preferred = Path.of("/usr/lib/postgresql/15/bin");
    if (Files.isExecutable(preferred.resolve("initdb"))
        && Files.isExecutable(preferred.resolve("pg_ctl"))) {
      return Optional.of(preferred);
    }
    Path all = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(all)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(all)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(
              b ->
                  Files.isExecutable(b.resolve("initdb"))
                      && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString())));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int version(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
