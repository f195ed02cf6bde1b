package org.seakeeper.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.seakeeper.core.artifact.ArtifactIndex;
import org.seakeeper.core.artifact.ArtifactRecord;
import org.seakeeper.core.artifact.Deploy;
import org.seakeeper.core.artifact.Promotion;
import org.seakeeper.core.model.Tier;

/**
 * The {@link ArtifactIndex} on the {@code artifacts} and {@code promotions} tables (V9) of the SQL
 * store. Each call is its own transaction; promotions are serialized by this object, so what a
 * promotion replaced is exact (one server process writes a database, see {@link JdbiStore}). Passes
 * {@code ArtifactIndexContract}. Thread-safe.
 */
final class SqlArtifactIndex implements ArtifactIndex {
  private static final String COLUMNS =
      "build_id, path, sha256, size, media_type, connection, project, commit_sha, ref, pipeline,"
          + " job, tier, stored_at, provenance";
  private static final String PROMOTION_COLUMNS =
      "id, sha256, from_channel, channel, replaced, promoted_by, promoted_at, deploy_state,"
          + " deploy_detail, deploy_by, deploy_at";

  private final Jdbi jdbi;

  SqlArtifactIndex(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public void add(List<ArtifactRecord> artifacts) {
    if (artifacts.isEmpty()) {
      return;
    }
    jdbi.useTransaction(
        h -> {
          PreparedBatch b =
              h.prepareBatch(
                  "INSERT INTO artifacts ("
                      + COLUMNS
                      + ") VALUES (:build_id, :path, :sha256, :size, :media_type, :connection,"
                      + " :project, :commit_sha, :ref, :pipeline, :job, :tier, :stored_at,"
                      + " :provenance)");
          for (ArtifactRecord a : artifacts) {
            b.bind("build_id", a.buildId())
                .bind("path", a.path())
                .bind("sha256", a.sha256())
                .bind("size", a.size())
                .bind("media_type", a.mediaType())
                .bind("connection", a.connection())
                .bind("project", a.project())
                .bind("commit_sha", a.commit())
                .bind("ref", a.ref())
                .bind("pipeline", a.pipeline())
                .bind("job", a.job())
                .bind("tier", a.tier().id())
                .bind("stored_at", Sql.timestamp(a.storedAt()))
                .bind("provenance", a.provenance().orElse(null))
                .add();
          }
          b.execute();
        });
  }

  @Override
  public List<ArtifactRecord> ofBuild(long buildId) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM artifacts WHERE build_id = :b ORDER BY path")
                .bind("b", buildId)
                .map((rs, ctx) -> record(rs))
                .list());
  }

  @Override
  public List<ArtifactRecord> withDigest(String sha256) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM artifacts WHERE sha256 = :s ORDER BY build_id DESC, path")
                .bind("s", sha256)
                .map((rs, ctx) -> record(rs))
                .list());
  }

  @Override
  public List<ArtifactRecord> recent(Optional<String> project, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM artifacts"
                        + (project.isPresent() ? " WHERE project = :p" : "")
                        + " ORDER BY build_id DESC, path LIMIT :limit")
                .bind("p", project.orElse(null))
                .bind("limit", limit)
                .map((rs, ctx) -> record(rs))
                .list());
  }

  @Override
  public synchronized Promotion promote(
      String sha256,
      Optional<String> from,
      String channel,
      String who,
      Instant at,
      Deploy.State deploy) {
    Deploy d =
        deploy == Deploy.State.NONE
            ? Deploy.NONE
            : Deploy.of(deploy, Optional.empty(), "seakeeper", at);
    return jdbi.inTransaction(
        h -> {
          Optional<String> replaced =
              h.createQuery(
                      "SELECT sha256 FROM promotions WHERE channel = :c ORDER BY id DESC LIMIT 1")
                  .bind("c", channel)
                  .mapTo(String.class)
                  .findFirst();
          long id =
              h.createUpdate(
                      "INSERT INTO promotions (sha256, from_channel, channel, replaced,"
                          + " promoted_by, promoted_at, deploy_state, deploy_by, deploy_at)"
                          + " VALUES (:s, :f, :c, :r, :w, :at, :ds, :db, :dat)")
                  .bind("s", sha256)
                  .bind("f", from.orElse(null))
                  .bind("c", channel)
                  .bind("r", replaced.orElse(null))
                  .bind("w", who)
                  .bind("at", Sql.timestamp(at))
                  .bind("ds", d.state().id())
                  .bind("db", d.by().orElse(null))
                  .bind("dat", Sql.timestamp(d.at()))
                  .executeAndReturnGeneratedKeys("id")
                  .mapTo(Long.class)
                  .one();
          return new Promotion(
              id,
              sha256,
              from,
              channel,
              replaced,
              who,
              Sql.kept(at),
              new Deploy(d.state(), d.detail(), d.by(), Sql.kept(d.at())));
        });
  }

  @Override
  public Optional<Promotion> promotion(long id) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT " + PROMOTION_COLUMNS + " FROM promotions WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> promotion(rs))
                .findFirst());
  }

  @Override
  public synchronized Optional<Promotion> deploy(long id, Deploy deploy) {
    int n =
        jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE promotions SET deploy_state = :ds, deploy_detail = :dd,"
                            + " deploy_by = :db, deploy_at = :dat WHERE id = :id")
                    .bind("ds", deploy.state().id())
                    .bind("dd", deploy.detail().orElse(null))
                    .bind("db", deploy.by().orElse(null))
                    .bind("dat", Sql.timestamp(deploy.at()))
                    .bind("id", id)
                    .execute());
    return n == 0 ? Optional.empty() : promotion(id);
  }

  @Override
  public Optional<Promotion> latest(String sha256, String channel) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + PROMOTION_COLUMNS
                        + " FROM promotions WHERE sha256 = :s AND channel = :c"
                        + " ORDER BY id DESC LIMIT 1")
                .bind("s", sha256)
                .bind("c", channel)
                .map((rs, ctx) -> promotion(rs))
                .findFirst());
  }

  @Override
  public List<Promotion> promotionsOf(String sha256) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + PROMOTION_COLUMNS
                        + " FROM promotions WHERE sha256 = :s ORDER BY id DESC")
                .bind("s", sha256)
                .map((rs, ctx) -> promotion(rs))
                .list());
  }

  @Override
  public List<String> promotedChannels() {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT DISTINCT channel FROM promotions ORDER BY channel")
                .mapTo(String.class)
                .list());
  }

  @Override
  public List<ArtifactRecord> storedBefore(
      Tier tier, Instant before, Optional<Key> after, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM artifacts WHERE tier = :t AND stored_at < :before"
                        + (after.isPresent()
                            ? " AND (build_id > :b OR (build_id = :b AND path > :p))"
                            : "")
                        + " ORDER BY build_id, path LIMIT :limit")
                .bind("t", tier.id())
                .bind("before", Sql.timestamp(before))
                .bind("b", after.map(Key::buildId).orElse(0L))
                .bind("p", after.map(Key::path).orElse(""))
                .bind("limit", limit)
                .map((rs, ctx) -> record(rs))
                .list());
  }

  @Override
  public boolean remove(long buildId, String path) {
    return jdbi.withHandle(
            h ->
                h.createUpdate("DELETE FROM artifacts WHERE build_id = :b AND path = :p")
                    .bind("b", buildId)
                    .bind("p", path)
                    .execute())
        > 0;
  }

  @Override
  public List<Promotion> promotions(String channel, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + PROMOTION_COLUMNS
                        + " FROM promotions WHERE channel = :c ORDER BY id DESC LIMIT :limit")
                .bind("c", channel)
                .bind("limit", limit)
                .map((rs, ctx) -> promotion(rs))
                .list());
  }

  @Override
  public boolean everIn(String sha256, String channel) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT COUNT(*) FROM promotions WHERE sha256 = :s AND channel = :c")
                    .bind("s", sha256)
                    .bind("c", channel)
                    .mapTo(Long.class)
                    .one()
                > 0);
  }

  private static ArtifactRecord record(ResultSet rs) throws SQLException {
    return new ArtifactRecord(
        rs.getString("sha256"),
        rs.getLong("size"),
        rs.getString("media_type"),
        rs.getLong("build_id"),
        rs.getString("connection"),
        rs.getString("project"),
        rs.getString("commit_sha"),
        rs.getString("ref"),
        rs.getString("pipeline"),
        rs.getString("job"),
        Sql.tier(rs.getString("tier")),
        rs.getString("path"),
        Sql.requiredInstant(rs, "stored_at"),
        Sql.optional(rs, "provenance"));
  }

  private static Promotion promotion(ResultSet rs) throws SQLException {
    return new Promotion(
        rs.getLong("id"),
        rs.getString("sha256"),
        Sql.optional(rs, "from_channel"),
        rs.getString("channel"),
        Sql.optional(rs, "replaced"),
        rs.getString("promoted_by"),
        Sql.requiredInstant(rs, "promoted_at"),
        new Deploy(
            Deploy.State.of(rs.getString("deploy_state")).orElse(Deploy.State.NONE),
            Sql.optional(rs, "deploy_detail"),
            Sql.optional(rs, "deploy_by"),
            Sql.instant(rs, "deploy_at")));
  }
}
