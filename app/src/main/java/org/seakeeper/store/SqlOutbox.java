package org.seakeeper.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.seakeeper.core.store.Outbox;
import org.seakeeper.core.store.OutboxEntry;
import org.seakeeper.core.store.OutboxKind;

/** The outbox on the {@code outbox} table, inside one transaction's handle. Not thread-safe. */
final class SqlOutbox implements Outbox {
  private static final String COLUMNS =
      "id, buildset_id, kind, created_at, delivered_at, attempts, not_before, last_error";

  private final Handle h;

  SqlOutbox(Handle h) {
    this.h = h;
  }

  @Override
  public OutboxEntry add(OutboxEntry entry) {
    long id =
        h.createUpdate(
                "INSERT INTO outbox (buildset_id, kind, created_at, delivered_at, attempts,"
                    + " not_before, last_error) VALUES (:buildset, :kind, :created, :delivered,"
                    + " :attempts, :notBefore, :lastError)")
            .bind("buildset", entry.buildsetId())
            .bind("kind", entry.kind().id())
            .bind("created", Sql.timestamp(entry.createdAt()))
            .bind("delivered", Sql.timestamp(entry.deliveredAt()))
            .bind("attempts", entry.attempts())
            .bind("notBefore", Sql.timestamp(entry.notBefore()))
            .bind("lastError", entry.lastError().orElse(null))
            .executeAndReturnGeneratedKeys("id")
            .mapTo(Long.class)
            .one();
    return new OutboxEntry(
        id,
        entry.buildsetId(),
        entry.kind(),
        Sql.kept(entry.createdAt()),
        Sql.kept(entry.deliveredAt()),
        entry.attempts(),
        Sql.kept(entry.notBefore()),
        entry.lastError());
  }

  @Override
  public List<OutboxEntry> pending(int limit, Instant now) {
    return h.createQuery(
            "SELECT "
                + COLUMNS
                + " FROM outbox WHERE delivered_at IS NULL AND (not_before IS NULL OR not_before <="
                + " :now) ORDER BY id LIMIT :limit")
        .bind("now", Sql.timestamp(now))
        .bind("limit", limit)
        .map((rs, ctx) -> entry(rs))
        .list();
  }

  @Override
  public void defer(long id, Instant notBefore, String error) {
    int n =
        h.createUpdate(
                "UPDATE outbox SET attempts = attempts + 1, not_before = :notBefore, last_error ="
                    + " :error WHERE id = :id")
            .bind("notBefore", Sql.timestamp(notBefore))
            .bind("error", error)
            .bind("id", id)
            .execute();
    if (n != 1) {
      throw new IllegalArgumentException("no outbox entry " + id);
    }
  }

  @Override
  public void markDelivered(long id, Instant at) {
    int n =
        h.createUpdate("UPDATE outbox SET delivered_at = :at WHERE id = :id")
            .bind("at", Sql.timestamp(at))
            .bind("id", id)
            .execute();
    if (n != 1) {
      throw new IllegalArgumentException("no outbox entry " + id);
    }
  }

  @Override
  public List<PendingCount> pendingCounts() {
    return h.createQuery(
            "SELECT b.connection AS connection, o.kind AS kind, COUNT(*) AS n FROM outbox o JOIN"
                + " buildsets b ON b.id = o.buildset_id WHERE o.delivered_at IS NULL GROUP BY"
                + " b.connection, o.kind ORDER BY b.connection, o.kind")
        .map(
            (rs, ctx) ->
                new PendingCount(
                    rs.getString("connection"), kind(rs.getString("kind")), rs.getLong("n")))
        .list();
  }

  private static OutboxEntry entry(ResultSet rs) throws SQLException {
    return new OutboxEntry(
        rs.getLong("id"),
        rs.getLong("buildset_id"),
        kind(rs.getString("kind")),
        Sql.requiredInstant(rs, "created_at"),
        Sql.instant(rs, "delivered_at"),
        rs.getInt("attempts"),
        Sql.instant(rs, "not_before"),
        Optional.ofNullable(rs.getString("last_error")));
  }

  private static OutboxKind kind(String id) {
    return OutboxKind.parse(id)
        .orElseThrow(() -> new IllegalStateException("unknown outbox kind in the store: " + id));
  }
}
