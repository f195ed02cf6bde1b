package org.seakeeper.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.argument.Argument;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;

/** Column conversions shared by the JDBI store's tables. Stateless. */
final class Sql {
  private Sql() {}

  /** The precision the store keeps: instants are truncated to it before they are written. */
  static Instant kept(Instant at) {
    return at.truncatedTo(ChronoUnit.MILLIS);
  }

  static Optional<Instant> kept(Optional<Instant> at) {
    return at.map(Sql::kept);
  }

  /** A TIMESTAMP WITH TIME ZONE argument in UTC (null when empty). */
  static Argument timestamp(Optional<Instant> at) {
    return (position, statement, ctx) -> {
      if (at.isPresent()) {
        statement.setObject(position, OffsetDateTime.ofInstant(kept(at.get()), ZoneOffset.UTC));
      } else {
        statement.setNull(position, Types.TIMESTAMP_WITH_TIMEZONE);
      }
    };
  }

  static Argument timestamp(Instant at) {
    return timestamp(Optional.of(at));
  }

  static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class))
        .map(OffsetDateTime::toInstant);
  }

  static Instant requiredInstant(ResultSet rs, String column) throws SQLException {
    return instant(rs, column).orElseThrow(() -> new SQLException("column " + column + " is null"));
  }

  static Optional<String> optional(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getString(column));
  }

  static BuildStatus status(String id) {
    return BuildStatus.parse(id)
        .orElseThrow(() -> new IllegalStateException("unknown build status in the store: " + id));
  }

  static PipelineName pipeline(String id) {
    return PipelineName.parse(id)
        .orElseThrow(() -> new IllegalStateException("unknown pipeline in the store: " + id));
  }

  static Tier tier(String id) {
    for (Tier t : Tier.values()) {
      if (t.id().equals(id)) {
        return t;
      }
    }
    throw new IllegalStateException("unknown tier in the store: " + id);
  }

  /** Whether {@code e} (or a cause) is a unique-key violation (SQLSTATE 23505). */
  static boolean uniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** The database products this store speaks. */
  enum Dialect {
    H2,
    POSTGRESQL;

    static Dialect of(String productName) {
      String p = productName.toLowerCase(Locale.ROOT);
      if (p.contains("postgres")) {
        return POSTGRESQL;
      }
      if (p.contains("h2")) {
        return H2;
      }
      throw new IllegalArgumentException("unsupported database " + productName);
    }
  }
}
