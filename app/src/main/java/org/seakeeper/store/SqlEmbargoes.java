package org.seakeeper.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.seakeeper.core.store.Embargo;
import org.seakeeper.core.store.Embargoes;

/**
 * Embargo marks on the {@code embargoes} table (V3), over a transaction's handle. Not thread-safe.
 */
final class SqlEmbargoes implements Embargoes {
  private static final String COLUMNS =
      "id, event_id, source_connection, project, base_ref, base_commit, commit_sha, submitted_by,"
          + " submitted_at, published_at";

  /**
   * SQL true for a {@code builds} row (alias-free column {@code buildset_id}) of an unpublished
   * embargo: the public view adds {@code NOT} of it to every query, so paging stays exact.
   */
  static final String HIDDEN_BUILD =
      "buildset_id IN (SELECT s.id FROM buildsets s JOIN embargoes e ON e.event_id = s.event_id"
          + " WHERE e.published_at IS NULL)";

  /** The same for a {@code buildsets} row. */
  static final String HIDDEN_BUILDSET =
      "event_id IN (SELECT e.event_id FROM embargoes e WHERE e.published_at IS NULL)";

  private final Handle h;

  SqlEmbargoes(Handle h) {
    this.h = h;
  }

  @Override
  public void add(Embargo e) {
    h.createUpdate(
            "INSERT INTO embargoes ("
                + COLUMNS
                + ") VALUES (:id, :event_id, :source, :project, :base_ref, :base_commit,"
                + " :commit_sha, :by, :at, :published)")
        .bind("id", e.id())
        .bind("event_id", e.eventId())
        .bind("source", e.source())
        .bind("project", e.project())
        .bind("base_ref", e.baseRef())
        .bind("base_commit", e.baseCommit())
        .bind("commit_sha", e.commit())
        .bind("by", e.submittedBy())
        .bind("at", Sql.timestamp(e.submittedAt()))
        .bind("published", Sql.timestamp(e.publishedAt()))
        .execute();
  }

  @Override
  public Optional<Embargo> get(String id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM embargoes WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> embargo(rs))
        .findFirst();
  }

  @Override
  public List<Embargo> all() {
    return h.createQuery(
            "SELECT " + COLUMNS + " FROM embargoes ORDER BY submitted_at DESC, event_id DESC")
        .map((rs, ctx) -> embargo(rs))
        .list();
  }

  @Override
  public boolean publish(String id, Instant at) {
    return h.createUpdate(
                "UPDATE embargoes SET published_at = :at WHERE id = :id AND published_at IS NULL")
            .bind("id", id)
            .bind("at", Sql.timestamp(at))
            .execute()
        == 1;
  }

  @Override
  public List<Long> buildsets(String id) {
    return h.createQuery(
            "SELECT s.id FROM buildsets s JOIN embargoes e ON e.event_id = s.event_id WHERE e.id ="
                + " :id ORDER BY s.id")
        .bind("id", id)
        .mapTo(Long.class)
        .list();
  }

  private static Embargo embargo(ResultSet rs) throws SQLException {
    return new Embargo(
        rs.getString("id"),
        rs.getLong("event_id"),
        rs.getString("source_connection"),
        rs.getString("project"),
        rs.getString("base_ref"),
        rs.getString("base_commit"),
        rs.getString("commit_sha"),
        rs.getString("submitted_by"),
        Sql.requiredInstant(rs, "submitted_at"),
        Sql.instant(rs, "published_at"));
  }
}
