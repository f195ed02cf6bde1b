package org.seakeeper.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;
import org.seakeeper.core.event.EventRecord;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.store.Inbox;
import org.seakeeper.core.store.QuarantinedEvent;

/** The inbox on the {@code events} table, inside one transaction's handle. Not thread-safe. */
final class SqlInbox implements Inbox {
  /** Longer content keys are stored as their SHA-256 (still unique, still deterministic). */
  static final int MAX_KEY = 1000;

  private static final String INSERT =
      "INSERT INTO events (connection, content_key, payload, received_at) VALUES (:connection,"
          + " :key, :payload, :received)";

  private final Handle h;
  private final Sql.Dialect dialect;
  private final EventCodec codec;

  SqlInbox(Handle h, Sql.Dialect dialect, EventCodec codec) {
    this.h = h;
    this.dialect = dialect;
    this.codec = codec;
  }

  @Override
  public Optional<EventRecord> add(TriggerEvent event, Instant receivedAt) {
    String key = storedKey(event.contentKey());
    Optional<Long> id =
        switch (dialect) {
          // ON CONFLICT waits for a concurrent insert of the same key and then does nothing.
          case POSTGRESQL ->
              insert(
                  INSERT + " ON CONFLICT (connection, content_key) DO NOTHING",
                  event,
                  key,
                  receivedAt);
          // H2 has no ON CONFLICT in its default mode: insert under a savepoint and undo a
          // duplicate.
          case H2 -> insertOrUndo(event, key, receivedAt);
        };
    return id.map(i -> new EventRecord(i, event, Sql.kept(receivedAt), Optional.empty()));
  }

  private Optional<Long> insertOrUndo(TriggerEvent event, String key, Instant receivedAt) {
    boolean exists =
        h.createQuery(
                    "SELECT COUNT(*) FROM events WHERE connection = :connection AND content_key ="
                        + " :key")
                .bind("connection", event.connection())
                .bind("key", key)
                .mapTo(Long.class)
                .one()
            > 0;
    if (exists) {
      return Optional.empty();
    }
    String savepoint = "inbox_add";
    h.savepoint(savepoint);
    try {
      Optional<Long> id = insert(INSERT, event, key, receivedAt);
      h.releaseSavepoint(savepoint);
      return id;
    } catch (RuntimeException e) {
      if (!Sql.uniqueViolation(e)) {
        throw e;
      }
      h.rollbackToSavepoint(savepoint);
      return Optional.empty();
    }
  }

  private Optional<Long> insert(String sql, TriggerEvent event, String key, Instant receivedAt) {
    Update u =
        h.createUpdate(sql)
            .bind("connection", event.connection())
            .bind("key", key)
            .bind("payload", codec.encode(event))
            .bind("received", Sql.timestamp(receivedAt));
    return u.executeAndReturnGeneratedKeys("id").mapTo(Long.class).findOne();
  }

  static String storedKey(String contentKey) {
    if (contentKey.length() <= MAX_KEY) {
      return contentKey;
    }
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(contentKey.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public List<EventRecord> unprocessed(int limit, java.util.Set<String> except) {
    String skip = except.isEmpty() ? "" : " AND connection NOT IN (<except>)";
    var q =
        h.createQuery(
                "SELECT id, payload, received_at, processed_at FROM events WHERE processed_at IS"
                    + " NULL AND NOT EXISTS (SELECT 1 FROM quarantined_events q WHERE q.event_id ="
                    + " events.id)"
                    + skip
                    + " ORDER BY id LIMIT :limit")
            .bind("limit", limit);
    if (!except.isEmpty()) {
      q = q.bindList("except", List.copyOf(except));
    }
    return q.map(
            (rs, ctx) ->
                new EventRecord(
                    rs.getLong("id"),
                    codec.decode(rs.getString("payload")),
                    Sql.requiredInstant(rs, "received_at"),
                    Sql.instant(rs, "processed_at")))
        .list();
  }

  @Override
  public void markProcessed(long eventId, Instant at) {
    int n =
        h.createUpdate("UPDATE events SET processed_at = :at WHERE id = :id")
            .bind("at", Sql.timestamp(at))
            .bind("id", eventId)
            .execute();
    if (n != 1) {
      throw new IllegalArgumentException("no event " + eventId);
    }
  }

  @Override
  public long count() {
    return h.createQuery("SELECT COUNT(*) FROM events").mapTo(Long.class).one();
  }

  private static final String EVENT_COLUMNS = "e.id, e.payload, e.received_at, e.processed_at";

  private EventRecord event(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new EventRecord(
        rs.getLong("id"),
        codec.decode(rs.getString("payload")),
        Sql.requiredInstant(rs, "received_at"),
        Sql.instant(rs, "processed_at"));
  }

  @Override
  public Optional<EventRecord> event(long eventId) {
    return h.createQuery("SELECT " + EVENT_COLUMNS + " FROM events e WHERE e.id = :id")
        .bind("id", eventId)
        .map((rs, ctx) -> event(rs))
        .findOne();
  }

  @Override
  public void quarantine(long eventId, String reason, Instant at) {
    Optional<EventRecord> e = event(eventId);
    if (e.isEmpty() || e.get().processedAt().isPresent() || quarantined(eventId).isPresent()) {
      throw new IllegalArgumentException("no unprocessed, unquarantined event " + eventId);
    }
    h.createUpdate(
            "INSERT INTO quarantined_events (event_id, connection, quarantined_at, reason) VALUES"
                + " (:id, :connection, :at, :reason)")
        .bind("id", eventId)
        .bind("connection", e.get().event().connection())
        .bind("at", Sql.timestamp(at))
        .bind("reason", reason)
        .execute();
  }

  private static final String QUARANTINED =
      "SELECT "
          + EVENT_COLUMNS
          + ", q.quarantined_at, q.reason FROM quarantined_events q JOIN events e ON e.id ="
          + " q.event_id";

  private QuarantinedEvent quarantinedRow(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new QuarantinedEvent(
        event(rs), Sql.requiredInstant(rs, "quarantined_at"), rs.getString("reason"));
  }

  @Override
  public Optional<QuarantinedEvent> quarantined(long eventId) {
    return h.createQuery(QUARANTINED + " WHERE q.event_id = :id")
        .bind("id", eventId)
        .map((rs, ctx) -> quarantinedRow(rs))
        .findOne();
  }

  @Override
  public List<QuarantinedEvent> quarantinedLatest(int limit) {
    return h.createQuery(
            QUARANTINED + " ORDER BY q.quarantined_at DESC, q.event_id DESC LIMIT :limit")
        .bind("limit", limit)
        .map((rs, ctx) -> quarantinedRow(rs))
        .list();
  }

  @Override
  public long quarantinedCount() {
    return h.createQuery("SELECT COUNT(*) FROM quarantined_events").mapTo(Long.class).one();
  }

  @Override
  public boolean release(long eventId) {
    return h.createUpdate("DELETE FROM quarantined_events WHERE event_id = :id")
            .bind("id", eventId)
            .execute()
        > 0;
  }
}
