package org.seakeeper.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildRun;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.core.store.Builds;

/**
 * Buildsets and builds on their tables, over one handle: a transaction's (as {@link Builds}) or a
 * short-lived read handle (for the queries). Not thread-safe.
 */
final class SqlBuilds implements Builds {
  private static final String BUILD_COLUMNS =
      "id, buildset_id, connection, project, change_id, patchset, ref, commit_sha, pipeline, job,"
          + " attempt, status, tier, needs, queued_at, started_at, finished_at, detail, log_sha256,"
          + " owner";
  private static final String BUILDSET_COLUMNS =
      "id, event_id, connection, project, change_id, patchset, ref, commit_sha, pipeline, tier,"
          + " created_at, finished_at, owner";

  private final Handle h;
  private final EventCodec codec;
  private final boolean publicOnly;

  SqlBuilds(Handle h, EventCodec codec) {
    this(h, codec, false);
  }

  /**
   * @param publicOnly leave out builds and buildsets of unpublished embargoes (the public view)
   */
  SqlBuilds(Handle h, EventCodec codec, boolean publicOnly) {
    this.h = h;
    this.codec = codec;
    this.publicOnly = publicOnly;
  }

  /** The public view's extra condition on {@code builds}, joined with AND. */
  private String visible(String clause) {
    return publicOnly ? clause + " AND NOT (" + SqlEmbargoes.HIDDEN_BUILD + ")" : clause;
  }

  @Override
  public Buildset insert(Buildset b) {
    long id =
        bind(
                h.createUpdate(
                    "INSERT INTO buildsets (event_id, connection, project, change_id, patchset,"
                        + " ref, commit_sha, pipeline, tier, created_at, finished_at, owner) VALUES"
                        + " (:event_id, :connection, :project, :change_id, :patchset, :ref,"
                        + " :commit_sha, :pipeline, :tier, :created_at, :finished_at, :owner)"),
                b)
            .executeAndReturnGeneratedKeys("id")
            .mapTo(Long.class)
            .one();
    return kept(b.withId(id));
  }

  @Override
  public Build insert(Build b) {
    long id =
        bind(
                h.createUpdate(
                    "INSERT INTO builds (buildset_id, connection, project, change_id, patchset,"
                        + " ref, commit_sha, pipeline, job, attempt, status, tier, needs,"
                        + " queued_at, started_at, finished_at, detail, log_sha256, owner) VALUES"
                        + " (:buildset_id, :connection, :project, :change_id, :patchset, :ref,"
                        + " :commit_sha, :pipeline, :job, :attempt, :status, :tier, :needs,"
                        + " :queued_at, :started_at, :finished_at, :detail, :log_sha256, :owner)"),
                b)
            .executeAndReturnGeneratedKeys("id")
            .mapTo(Long.class)
            .one();
    return kept(b.withId(id));
  }

  @Override
  public void update(Build b) {
    int n =
        bind(
                h.createUpdate(
                    "UPDATE builds SET buildset_id = :buildset_id, connection = :connection,"
                        + " project = :project, change_id = :change_id, patchset = :patchset, ref ="
                        + " :ref, commit_sha = :commit_sha, pipeline = :pipeline, job = :job,"
                        + " attempt = :attempt, status = :status, tier = :tier, needs = :needs,"
                        + " queued_at = :queued_at, started_at = :started_at, finished_at ="
                        + " :finished_at, detail = :detail, log_sha256 = :log_sha256, owner ="
                        + " :owner WHERE id = :id"),
                b)
            .bind("id", b.id())
            .execute();
    if (n != 1) {
      throw new IllegalArgumentException("no build " + b.id());
    }
  }

  @Override
  public void update(Buildset b) {
    int n =
        bind(
                h.createUpdate(
                    "UPDATE buildsets SET event_id = :event_id, connection = :connection, project ="
                        + " :project, change_id = :change_id, patchset = :patchset, ref = :ref,"
                        + " commit_sha = :commit_sha, pipeline = :pipeline, tier = :tier,"
                        + " created_at = :created_at, finished_at = :finished_at, owner = :owner"
                        + " WHERE id = :id"),
                b)
            .bind("id", b.id())
            .execute();
    if (n != 1) {
      throw new IllegalArgumentException("no buildset " + b.id());
    }
  }

  @Override
  public Optional<Build> build(long id) {
    return builds(visible("WHERE id = :id"), q -> q.bind("id", id)).stream().findFirst();
  }

  @Override
  public Optional<Buildset> buildset(long id) {
    return buildsets(
            publicOnly
                ? "WHERE id = :id AND NOT (" + SqlEmbargoes.HIDDEN_BUILDSET + ")"
                : "WHERE id = :id",
            q -> q.bind("id", id))
        .stream()
        .findFirst();
  }

  @Override
  public List<Build> ofBuildset(long buildsetId) {
    return builds("WHERE buildset_id = :buildset ORDER BY id", q -> q.bind("buildset", buildsetId));
  }

  @Override
  public List<Build> withStatus(Set<BuildStatus> statuses) {
    if (statuses.isEmpty()) {
      return List.of();
    }
    return builds(
        "WHERE status IN (<statuses>) ORDER BY id",
        q -> q.bindList("statuses", statuses.stream().map(BuildStatus::id).toList()));
  }

  @Override
  public List<Buildset> unfinished() {
    return buildsets("WHERE finished_at IS NULL ORDER BY id", q -> q);
  }

  @Override
  public Optional<String> changeOwner(String connection, String project, String change) {
    // ordered as the index buildsets_change (change_id, id), so the database walks it
    return h.createQuery(
            "SELECT owner FROM buildsets WHERE change_id = :change AND connection = :connection"
                + " AND project = :project AND owner IS NOT NULL ORDER BY change_id DESC, id DESC"
                + " LIMIT 1")
        .bind("change", change)
        .bind("connection", connection)
        .bind("project", project)
        .mapTo(String.class)
        .findOne();
  }

  @Override
  public void saveDependencies(long buildsetId, List<ChangeRef> dependencies) {
    requireBuildset(buildsetId);
    h.createUpdate("DELETE FROM buildset_dependencies WHERE buildset_id = :buildset")
        .bind("buildset", buildsetId)
        .execute();
    int position = 0;
    for (ChangeRef d : dependencies) {
      h.createUpdate(
              "INSERT INTO buildset_dependencies (buildset_id, position, connection, project,"
                  + " branch, change_id, patchset, commit_sha) VALUES (:buildset, :position,"
                  + " :connection, :project, :branch, :change, :patchset, :commit)")
          .bind("buildset", buildsetId)
          .bind("position", position++)
          .bind("connection", d.connection())
          .bind("project", d.project())
          .bind("branch", d.branch())
          .bind("change", d.change())
          .bind("patchset", d.patchset())
          .bind("commit", d.commit())
          .execute();
    }
  }

  @Override
  public List<ChangeRef> dependencies(long buildsetId) {
    return h.createQuery(
            "SELECT connection, project, branch, change_id, patchset, commit_sha FROM"
                + " buildset_dependencies WHERE buildset_id = :buildset ORDER BY position")
        .bind("buildset", buildsetId)
        .map(
            (rs, ctx) ->
                new ChangeRef(
                    rs.getString("connection"),
                    rs.getString("project"),
                    rs.getString("branch"),
                    rs.getString("change_id"),
                    rs.getString("patchset"),
                    rs.getString("commit_sha")))
        .list();
  }

  @Override
  public void saveConfigSource(long buildsetId, byte[] content) {
    requireBuildset(buildsetId);
    String sha = sha256(content);
    // one process writes, one transaction at a time (JdbiStore): the check and the insert do not
    // race
    boolean known =
        h.createQuery("SELECT COUNT(*) FROM config_blobs WHERE sha256 = :sha")
                .bind("sha", sha)
                .mapTo(Long.class)
                .one()
            > 0;
    if (!known) {
      h.createUpdate("INSERT INTO config_blobs (sha256, content) VALUES (:sha, :content)")
          .bind("sha", sha)
          .bind("content", content)
          .execute();
    }
    int n =
        h.createUpdate("UPDATE buildset_configs SET sha256 = :sha WHERE buildset_id = :buildset")
            .bind("sha", sha)
            .bind("buildset", buildsetId)
            .execute();
    if (n == 0) {
      h.createUpdate("INSERT INTO buildset_configs (buildset_id, sha256) VALUES (:buildset, :sha)")
          .bind("buildset", buildsetId)
          .bind("sha", sha)
          .execute();
    }
  }

  @Override
  public Optional<byte[]> configSource(long buildsetId) {
    return h.createQuery(
            "SELECT c.content FROM buildset_configs b JOIN config_blobs c ON c.sha256 = b.sha256"
                + " WHERE b.buildset_id = :buildset")
        .bind("buildset", buildsetId)
        .map((rs, ctx) -> rs.getBytes("content"))
        .findOne();
  }

  @Override
  public void saveRun(long buildId, BuildRun run) {
    if (h.createQuery("SELECT COUNT(*) FROM builds WHERE id = :id")
            .bind("id", buildId)
            .mapTo(Long.class)
            .one()
        == 0) {
      throw new IllegalArgumentException("no build " + buildId);
    }
    h.createUpdate("DELETE FROM build_runs WHERE build_id = :build")
        .bind("build", buildId)
        .execute();
    h.createUpdate(
            "INSERT INTO build_runs (build_id, secrets, network, image, timeout_seconds,"
                + " checkout_depth, config) VALUES (:build, :secrets, :network, :image, :timeout,"
                + " :depth, :config)")
        .bind("build", buildId)
        .bind("secrets", RunCodec.encodeNames(run.secrets()))
        .bind("network", run.network())
        .bind("image", run.image())
        .bind("timeout", run.timeout().toSeconds())
        .bind("depth", run.checkoutDepth())
        .bind("config", RunCodec.encode(run.config()))
        .execute();
  }

  @Override
  public Optional<BuildRun> run(long buildId) {
    return h.createQuery(
            "SELECT secrets, network, image, timeout_seconds, checkout_depth, config FROM"
                + " build_runs WHERE build_id = :build AND build_id IN (SELECT id FROM builds "
                + visible("WHERE id = :build")
                + ")")
        .bind("build", buildId)
        .map(
            (rs, ctx) ->
                new BuildRun(
                    RunCodec.decodeNames(rs.getString("secrets")),
                    rs.getBoolean("network"),
                    rs.getString("image"),
                    java.time.Duration.ofSeconds(rs.getLong("timeout_seconds")),
                    rs.getInt("checkout_depth"),
                    RunCodec.decode(rs.getString("config"))))
        .findOne();
  }

  /** The JSON text kept for a build's config (the bound is checked on it), or empty. */
  Optional<String> storedRunConfig(long buildId) {
    return h.createQuery("SELECT config FROM build_runs WHERE build_id = :build")
        .bind("build", buildId)
        .mapTo(String.class)
        .findOne();
  }

  /** How many distinct config sources are stored (equal contents are stored once). */
  long configBlobCount() {
    return h.createQuery("SELECT COUNT(*) FROM config_blobs").mapTo(Long.class).one();
  }

  private void requireBuildset(long buildsetId) {
    if (h.createQuery("SELECT COUNT(*) FROM buildsets WHERE id = :id")
            .bind("id", buildsetId)
            .mapTo(Long.class)
            .one()
        == 0) {
      throw new IllegalArgumentException("no buildset " + buildsetId);
    }
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Builds matching the query, newest first (docs/contracts.md §6, {@code GET /builds}). */
  List<Build> list(BuildQuery query) {
    String clause = listClause(query, publicOnly);
    return builds(clause, q -> bindList(q, query));
  }

  /** Binds the parameters of {@link #listClause}. */
  static Query bindList(Query q, BuildQuery query) {
    query.connection().ifPresent(x -> q.bind("connection", x));
    query.project().ifPresent(x -> q.bind("project", x));
    query.change().ifPresent(x -> q.bind("change", x));
    query.pipeline().ifPresent(x -> q.bind("pipeline", x.id()));
    query.status().ifPresent(x -> q.bind("status", x.id()));
    query.before().ifPresent(x -> q.bind("before", x));
    return q.bind("limit", query.limit());
  }

  /**
   * The WHERE, ORDER BY and LIMIT of {@link #list} (named parameters {@code :connection}, {@code
   * :project}, {@code :change}, {@code :pipeline}, {@code :status}, {@code :before}, {@code
   * :limit}).
   */
  static String listClause(BuildQuery query, boolean publicOnly) {
    List<String> where = new ArrayList<>();
    query.connection().ifPresent(x -> where.add("connection = :connection"));
    query.project().ifPresent(x -> where.add("project = :project"));
    query.change().ifPresent(x -> where.add("change_id = :change"));
    query.pipeline().ifPresent(x -> where.add("pipeline = :pipeline"));
    query.status().ifPresent(x -> where.add("status = :status"));
    query.before().ifPresent(x -> where.add("id < :before"));
    if (publicOnly) {
      where.add("NOT (" + SqlEmbargoes.HIDDEN_BUILD + ")");
    }
    return (where.isEmpty() ? "" : "WHERE " + String.join(" AND ", where))
        + " ORDER BY "
        + orderBy(query)
        + " LIMIT :limit";
  }

  /**
   * Newest first. The columns a query fixes with {@code =} come first so that the database walks
   * the index that starts with them ({@code builds_project_pipeline_status_id}, {@code
   * builds_project_pipeline_id}, {@code builds_project_status_id}, {@code builds_project}, {@code
   * builds_change}, {@code builds_status}, {@code builds_pipeline}) instead of sorting: H2 avoids
   * the sort only when the ORDER BY starts with the index's leading columns. The rows and their
   * order are the same as {@code ORDER BY id DESC}, as those columns are constant.
   */
  static String orderBy(BuildQuery q) {
    List<String> o = new ArrayList<>();
    if (q.project().isPresent()) {
      o.add("project DESC");
      if (q.pipeline().isPresent()) {
        o.add("pipeline DESC");
        if (q.status().isPresent()) {
          o.add("status DESC");
        }
      } else if (q.status().isPresent()) {
        o.add("status DESC");
      } else if (q.connection().isPresent()) {
        o.add("connection DESC");
      }
    } else if (q.change().isPresent()) {
      o.add("change_id DESC");
    } else if (q.status().isPresent()) {
      o.add("status DESC");
    } else if (q.pipeline().isPresent()) {
      o.add("pipeline DESC");
    }
    o.add("id DESC");
    return String.join(", ", o);
  }

  Map<BuildStatus, Long> countByStatus() {
    Map<BuildStatus, Long> counts = new EnumMap<>(BuildStatus.class);
    h.createQuery(
            "SELECT status, COUNT(*) AS n FROM builds "
                + (publicOnly ? "WHERE NOT (" + SqlEmbargoes.HIDDEN_BUILD + ") " : "")
                + "GROUP BY status")
        .map((rs, ctx) -> Map.entry(Sql.status(rs.getString("status")), rs.getLong("n")))
        .forEach(e -> counts.put(e.getKey(), e.getValue()));
    return counts;
  }

  private List<Build> builds(String clause, java.util.function.UnaryOperator<Query> binder) {
    return binder
        .apply(h.createQuery("SELECT " + BUILD_COLUMNS + " FROM builds " + clause))
        .map((rs, ctx) -> build(rs))
        .list();
  }

  private List<Buildset> buildsets(String clause, java.util.function.UnaryOperator<Query> binder) {
    return binder
        .apply(h.createQuery("SELECT " + BUILDSET_COLUMNS + " FROM buildsets " + clause))
        .map((rs, ctx) -> buildset(rs))
        .list();
  }

  private Build build(ResultSet rs) throws SQLException {
    return new Build(
        rs.getLong("id"),
        rs.getLong("buildset_id"),
        rs.getString("connection"),
        rs.getString("project"),
        Sql.optional(rs, "change_id"),
        Sql.optional(rs, "patchset"),
        Sql.optional(rs, "owner"),
        rs.getString("ref"),
        rs.getString("commit_sha"),
        Sql.pipeline(rs.getString("pipeline")),
        Sql.optional(rs, "job"),
        rs.getInt("attempt"),
        Sql.status(rs.getString("status")),
        Sql.tier(rs.getString("tier")),
        codec.decodeStrings(rs.getString("needs")),
        Sql.requiredInstant(rs, "queued_at"),
        Sql.instant(rs, "started_at"),
        Sql.instant(rs, "finished_at"),
        rs.getString("detail"),
        Sql.optional(rs, "log_sha256"));
  }

  private static Buildset buildset(ResultSet rs) throws SQLException {
    return new Buildset(
        rs.getLong("id"),
        rs.getLong("event_id"),
        rs.getString("connection"),
        rs.getString("project"),
        Sql.optional(rs, "change_id"),
        Sql.optional(rs, "patchset"),
        Sql.optional(rs, "owner"),
        rs.getString("ref"),
        rs.getString("commit_sha"),
        Sql.pipeline(rs.getString("pipeline")),
        Sql.tier(rs.getString("tier")),
        Sql.requiredInstant(rs, "created_at"),
        Sql.instant(rs, "finished_at"));
  }

  private <S extends SqlStatement<S>> S bind(S s, Build b) {
    return s.bind("buildset_id", b.buildsetId())
        .bind("connection", b.connection())
        .bind("project", b.project())
        .bind("change_id", b.change().orElse(null))
        .bind("patchset", b.patchset().orElse(null))
        .bind("owner", b.owner().orElse(null))
        .bind("ref", b.ref())
        .bind("commit_sha", b.commit())
        .bind("pipeline", b.pipeline().id())
        .bind("job", b.job().orElse(null))
        .bind("attempt", b.attempt())
        .bind("status", b.status().id())
        .bind("tier", b.tier().id())
        .bind("needs", codec.encodeStrings(b.needs()))
        .bind("queued_at", Sql.timestamp(b.queuedAt()))
        .bind("started_at", Sql.timestamp(b.startedAt()))
        .bind("finished_at", Sql.timestamp(b.finishedAt()))
        .bind("detail", b.detail())
        .bind("log_sha256", b.logSha256().orElse(null));
  }

  private static <S extends SqlStatement<S>> S bind(S s, Buildset b) {
    return s.bind("event_id", b.eventId())
        .bind("connection", b.connection())
        .bind("project", b.project())
        .bind("change_id", b.change().orElse(null))
        .bind("patchset", b.patchset().orElse(null))
        .bind("owner", b.owner().orElse(null))
        .bind("ref", b.ref())
        .bind("commit_sha", b.commit())
        .bind("pipeline", b.pipeline().id())
        .bind("tier", b.tier().id())
        .bind("created_at", Sql.timestamp(b.createdAt()))
        .bind("finished_at", Sql.timestamp(b.finishedAt()));
  }

  /** The value as a later read returns it: instants at the kept precision. */
  private static Build kept(Build b) {
    return new Build(
        b.id(),
        b.buildsetId(),
        b.connection(),
        b.project(),
        b.change(),
        b.patchset(),
        b.owner(),
        b.ref(),
        b.commit(),
        b.pipeline(),
        b.job(),
        b.attempt(),
        b.status(),
        b.tier(),
        b.needs(),
        Sql.kept(b.queuedAt()),
        Sql.kept(b.startedAt()),
        Sql.kept(b.finishedAt()),
        b.detail(),
        b.logSha256());
  }

  private static Buildset kept(Buildset b) {
    return new Buildset(
        b.id(),
        b.eventId(),
        b.connection(),
        b.project(),
        b.change(),
        b.patchset(),
        b.owner(),
        b.ref(),
        b.commit(),
        b.pipeline(),
        b.tier(),
        Sql.kept(b.createdAt()),
        Sql.kept(b.finishedAt()));
  }
}
