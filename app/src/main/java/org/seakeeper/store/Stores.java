package org.seakeeper.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.seakeeper.core.model.ServerConfig;

/**
 * Opens the store the server config names (docs/contracts.md §3) and brings its schema up to date
 * with the Flyway migrations in {@code db/migration}. Stateless; thread-safe.
 *
 * <ul>
 *   <li>{@code {type: h2}}: an embedded H2 database in the file {@code
 *       DATA_DIR/db/seakeeper.mv.db}. Every commit is written to the file before {@link
 *       org.seakeeper.core.store.Store#transaction} returns ({@code WRITE_DELAY=0}), so after the
 *       process is killed ({@code kill -9}, a crash) the next open finds every committed
 *       transaction and none of the one in progress. The file is locked by the operating system
 *       while a process has it open (a second server gets "in use"); the lock goes with the
 *       process, so a killed server leaves no stale lock. H2 does not force each commit to the
 *       disk: a power loss may lose the last moments of commits, but the file stays consistent. The
 *       {@code db} directory is made {@code rwx------}.
 *   <li>{@code {type: postgresql, url, user, password_file}}: the database at the JDBC URL; the
 *       password is the first line of {@code password_file}. The store holds a session advisory
 *       lock, so a second server on the same database fails to open instead of writing beside it.
 * </ul>
 *
 * <p>Any failure is a {@link StoreException} with one sentence for people.
 */
public final class Stores {
  /** The key of the PostgreSQL advisory lock held by the one server writing a database. */
  static final long ADVISORY_LOCK = 0x5EA_4EE9E5L;

  private static final int H2_ALREADY_OPEN = 90020;

  private Stores() {}

  /** Opens (creating and migrating when needed) the store of {@code config} for {@code dataDir}. */
  public static JdbiStore open(ServerConfig.Store config, Path dataDir) {
    return switch (config.type()) {
      case "h2" -> openH2(dataDir);
      case "postgresql" -> openPostgres(config);
      default ->
          throw new StoreException(
              "store.type",
              "unknown store type '" + config.type() + "' (expected h2 or postgresql)",
              null);
    };
  }

  private static JdbiStore openH2(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize().resolve("db");
    String location = dir.resolve("seakeeper.mv.db").toString();
    if (dir.toString().contains(";")) {
      throw new StoreException(location, "the path must not contain ';'", null);
    }
    try {
      privateDirectory(dir);
    } catch (IOException e) {
      throw new StoreException(
          location, "cannot create the directory " + dir + ": " + ioReason(e), e);
    }
    String url =
        "jdbc:h2:file:" + dir.resolve("seakeeper") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    return start(location, url, "seakeeper", "", 4, Optional.empty());
  }

  private static JdbiStore openPostgres(ServerConfig.Store config) {
    String url =
        config
            .url()
            .orElseThrow(
                () ->
                    new StoreException(
                        "postgresql",
                        "store.url is missing (jdbc:postgresql://HOST:PORT/DATABASE)",
                        null));
    String location = url.replaceFirst("\\?.*$", "");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new StoreException(location, "store.url must start with jdbc:postgresql:", null);
    }
    String password = "";
    if (config.passwordFile().isPresent()) {
      Path file = Path.of(config.passwordFile().get());
      try {
        password = Files.readString(file).lines().findFirst().orElse("");
      } catch (IOException e) {
        throw new StoreException(
            location, "cannot read password_file " + file + ": " + ioReason(e), e);
      }
    }
    String user = config.user().orElse(null);
    Connection lock = null;
    try {
      Properties props = new Properties();
      if (user != null) {
        props.setProperty("user", user);
      }
      props.setProperty("password", password);
      props.setProperty("ApplicationName", "seakeeper-lock");
      lock = DriverManager.getConnection(url, props);
      try (PreparedStatement s = lock.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
        s.setLong(1, ADVISORY_LOCK);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          if (!rs.getBoolean(1)) {
            throw new StoreException(
                location, "another Seakeeper server is using this database", null);
          }
        }
      }
    } catch (SQLException e) {
      closeQuietly(lock);
      throw new StoreException(location, reason(e), e);
    } catch (RuntimeException e) {
      closeQuietly(lock);
      throw e;
    }
    return start(location, url, user, password, 8, Optional.of(lock));
  }

  private static JdbiStore start(
      String location,
      String url,
      String user,
      String password,
      int poolSize,
      Optional<Connection> lock) {
    HikariDataSource ds = null;
    try {
      HikariConfig hc = new HikariConfig();
      hc.setJdbcUrl(url);
      hc.setUsername(user);
      hc.setPassword(password);
      hc.setPoolName("seakeeper-store");
      hc.setMaximumPoolSize(poolSize);
      hc.setMinimumIdle(1);
      hc.setConnectionTimeout(15_000);
      ds = new HikariDataSource(hc);
      Sql.Dialect dialect;
      try (Connection c = ds.getConnection()) {
        dialect = Sql.Dialect.of(c.getMetaData().getDatabaseProductName());
      }
      migrate(location, ds);
      HikariDataSource pool = ds;
      return new JdbiStore(
          ds,
          dialect,
          () -> {
            pool.close();
            if (lock.isPresent()) {
              lock.get().close();
            }
          });
    } catch (RuntimeException | SQLException e) {
      if (ds != null) {
        ds.close();
      }
      lock.ifPresent(Stores::closeQuietly);
      if (e instanceof StoreException se) {
        throw se;
      }
      throw new StoreException(location, reason(e), e);
    }
  }

  private static void migrate(String location, HikariDataSource ds) {
    // A schema with migrations this build does not know was written by a newer Seakeeper: refuse
    // it.
    Flyway flyway =
        Flyway.configure(Stores.class.getClassLoader())
            .dataSource(ds)
            .locations("classpath:db/migration")
            .failOnMissingLocations(true)
            .cleanDisabled(true)
            .ignoreMigrationPatterns(new String[0])
            .load();
    for (MigrationInfo m : flyway.info().applied()) {
      if (m.getState().name().startsWith("FUTURE")) {
        throw new StoreException(
            location,
            "the database schema has version "
                + m.getVersion()
                + ", which this Seakeeper does not know: it was written by a newer Seakeeper",
            null);
      }
    }
    flyway.migrate();
  }

  /**
   * Creates {@code dir} when missing and makes it {@code rwx------}: the database and the logs
   * (embargoed builds among them) are readable by the server's user only, never by the tier users
   * jobs run as.
   */
  static void privateDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  private static String ioReason(IOException e) {
    return switch (e) {
      case NoSuchFileException x -> "no such file";
      case AccessDeniedException x -> "permission denied";
      case FileSystemException x when x.getReason() != null -> x.getReason();
      default -> String.valueOf(e.getMessage());
    };
  }

  /** A one-line reason for people: the database's own message where there is one. */
  static String reason(Throwable e) {
    String message = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException s) {
        if (s.getErrorCode() == H2_ALREADY_OPEN && s.getClass().getName().startsWith("org.h2.")) {
          return "the database is in use by another process (is another Seakeeper server running on"
              + " this data_dir?)";
        }
        message = s.getMessage();
      } else if (t instanceof FlywayException && message == null) {
        message = "schema migration failed: " + t.getMessage();
      }
    }
    if (message == null) {
      message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already failing; the first error is the one to report
      }
    }
  }
}
