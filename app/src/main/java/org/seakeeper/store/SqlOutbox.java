package org.seakeeper.store;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.seakeeper.core.store.Outbox;
import org.seakeeper.core.store.OutboxEntry;

/** The outbox on the {@code outbox} table, inside one transaction's handle. Not thread-safe. */
final class SqlOutbox implements Outbox {
  private final Handle h;

  SqlOutbox(Handle h) {
    this.h = h;
  }

  @Override
  public OutboxEntry add(OutboxEntry entry) {
    long id = h.createUpdate("INSERT INTO outbox (buildset_id, kind, created_at, delivered_at) VALUES (:buildset, :kind, :created, :delivered)")
        .bind("buildset", entry.buildsetId())
        .bind("kind", entry.kind())
        .bind("created", Sql.timestamp(entry.createdAt()))
        .bind("delivered", Sql.timestamp(entry.deliveredAt()))
        .executeAndReturnGeneratedKeys("id")
        .mapTo(Long.class)
        .one();
    return new OutboxEntry(id, entry.buildsetId(), entry.kind(), Sql.kept(entry.createdAt()), Sql.kept(entry.deliveredAt()));
  }

  @Override
  public List<OutboxEntry> pending(int limit) {
    return h.createQuery("SELECT id, buildset_id, kind, created_at, delivered_at FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT :limit")
        .bind("limit", limit)
        .map((rs, ctx) -> new OutboxEntry(rs.getLong("id"), rs.getLong("buildset_id"), rs.getString("kind"), Sql.requiredInstant(rs, "created_at"), Sql.instant(rs, "delivered_at")))
        .list();
  }

  @Override
  public void markDelivered(long id, Instant at) {
    int n = h.createUpdate("UPDATE outbox SET delivered_at = :at WHERE id = :id").bind("at", Sql.timestamp(at)).bind("id", id).execute();
    if (n != 1) {
      throw new IllegalArgumentException("no outbox entry " + id);
    }
  }
}
