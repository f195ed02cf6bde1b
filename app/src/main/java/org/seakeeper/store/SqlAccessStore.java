package org.seakeeper.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.seakeeper.core.model.Grant;
import org.seakeeper.core.model.Role;
import org.seakeeper.core.store.AccessStore;
import org.seakeeper.core.store.ApiToken;
import org.seakeeper.core.store.AuditQuery;
import org.seakeeper.core.store.AuditRecord;
import org.seakeeper.core.store.LoginSession;
import org.seakeeper.core.store.StoredGrant;

/**
 * The {@link AccessStore} on the SQL store's {@code audit_records}, {@code api_tokens} and {@code
 * role_grants} tables (V8) and {@code login_sessions} (V12). Each call is its own transaction on
 * its own connection, outside the scheduler's lock. Passes {@code AccessStoreContract}.
 * Thread-safe.
 */
final class SqlAccessStore implements AccessStore {
  private static final String AUDIT_COLUMNS =
      "id, at, who, source, action, target, outcome, status, message";
  private static final String TOKEN_COLUMNS =
      "id, user_name, name, token_sha256, groups_list, created_at, expires_at, last_used_at,"
          + " revoked_at, created_by";
  private static final String SESSION_COLUMNS =
      "session_sha256, user_name, groups_list, csrf_token, created_at, expires_at";

  private final Jdbi jdbi;

  SqlAccessStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public AuditRecord append(AuditRecord r) {
    long id =
        jdbi.inTransaction(
            h ->
                h.createUpdate(
                        "INSERT INTO audit_records (at, who, source, action, target, outcome,"
                            + " status, message) VALUES (:at, :who, :source, :action, :target,"
                            + " :outcome, :status, :message)")
                    .bind("at", Sql.timestamp(r.at()))
                    .bind("who", r.who())
                    .bind("source", r.from())
                    .bind("action", r.action())
                    .bind("target", r.target())
                    .bind("outcome", r.outcome().id())
                    .bind("status", r.status())
                    .bind("message", r.message())
                    .executeAndReturnGeneratedKeys("id")
                    .mapTo(Long.class)
                    .one());
    return new AuditRecord(
        id,
        Sql.kept(r.at()),
        r.who(),
        r.from(),
        r.action(),
        r.target(),
        r.outcome(),
        r.status(),
        r.message());
  }

  @Override
  public List<AuditRecord> audit(AuditQuery q) {
    StringBuilder sql =
        new StringBuilder("SELECT " + AUDIT_COLUMNS + " FROM audit_records WHERE 1=1");
    q.who().ifPresent(x -> sql.append(" AND who = :who"));
    q.action().ifPresent(x -> sql.append(" AND action = :action"));
    q.outcome().ifPresent(x -> sql.append(" AND outcome = :outcome"));
    q.target().ifPresent(x -> sql.append(" AND target LIKE :target ESCAPE '!'"));
    q.since().ifPresent(x -> sql.append(" AND at >= :since"));
    q.until().ifPresent(x -> sql.append(" AND at < :until"));
    q.before().ifPresent(x -> sql.append(" AND id < :before"));
    sql.append(" ORDER BY id DESC LIMIT :limit");
    return jdbi.withHandle(
        h -> {
          Query query = h.createQuery(sql.toString());
          q.who().ifPresent(x -> query.bind("who", x));
          q.action().ifPresent(x -> query.bind("action", x));
          q.outcome().ifPresent(x -> query.bind("outcome", x.id()));
          q.target().ifPresent(x -> query.bind("target", likePrefix(x)));
          q.since().ifPresent(x -> query.bind("since", Sql.timestamp(x)));
          q.until().ifPresent(x -> query.bind("until", Sql.timestamp(x)));
          q.before().ifPresent(x -> query.bind("before", x));
          return query.bind("limit", q.limit()).map((rs, ctx) -> audit(rs)).list();
        });
  }

  static String likePrefix(String s) {
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
  }

  private static AuditRecord audit(ResultSet rs) throws SQLException {
    return new AuditRecord(
        rs.getLong("id"),
        Sql.requiredInstant(rs, "at"),
        rs.getString("who"),
        rs.getString("source"),
        rs.getString("action"),
        rs.getString("target"),
        AuditRecord.Outcome.parse(rs.getString("outcome"))
            .orElseThrow(() -> new SQLException("unknown audit outcome")),
        rs.getInt("status"),
        rs.getString("message"));
  }

  @Override
  public void addToken(ApiToken t) {
    jdbi.useTransaction(
        h ->
            h.createUpdate(
                    "INSERT INTO api_tokens ("
                        + TOKEN_COLUMNS
                        + ") VALUES (:id, :user, :name, :hash, :groups, :created, :expires,"
                        + " :used, :revoked, :by)")
                .bind("id", t.id())
                .bind("user", t.user())
                .bind("name", t.name())
                .bind("hash", t.hash())
                .bind("groups", groups(t.groups()))
                .bind("created", Sql.timestamp(t.createdAt()))
                .bind("expires", Sql.timestamp(t.expiresAt()))
                .bind("used", Sql.timestamp(t.lastUsedAt()))
                .bind("revoked", Sql.timestamp(t.revokedAt()))
                .bind("by", t.createdBy())
                .execute());
  }

  @Override
  public Optional<ApiToken> token(String id) {
    return oneToken("id = :v", id);
  }

  @Override
  public Optional<ApiToken> tokenByHash(String hash) {
    return oneToken("token_sha256 = :v", hash);
  }

  private Optional<ApiToken> oneToken(String where, String v) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT " + TOKEN_COLUMNS + " FROM api_tokens WHERE " + where)
                .bind("v", v)
                .map((rs, ctx) -> token(rs))
                .findOne());
  }

  @Override
  public List<ApiToken> tokens(String user) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + TOKEN_COLUMNS
                        + " FROM api_tokens WHERE user_name = :u ORDER BY created_at DESC, id"
                        + " DESC")
                .bind("u", user)
                .map((rs, ctx) -> token(rs))
                .list());
  }

  private static ApiToken token(ResultSet rs) throws SQLException {
    return new ApiToken(
        rs.getString("id"),
        rs.getString("user_name"),
        rs.getString("name"),
        rs.getString("token_sha256"),
        groups(rs.getString("groups_list")),
        Sql.requiredInstant(rs, "created_at"),
        Sql.requiredInstant(rs, "expires_at"),
        Sql.instant(rs, "last_used_at"),
        Sql.instant(rs, "revoked_at"),
        rs.getString("created_by"));
  }

  @Override
  public boolean revokeToken(String id, Instant at) {
    return jdbi.inTransaction(
            h ->
                h.createUpdate(
                        "UPDATE api_tokens SET revoked_at = :at WHERE id = :id AND revoked_at IS"
                            + " NULL")
                    .bind("at", Sql.timestamp(at))
                    .bind("id", id)
                    .execute())
        > 0;
  }

  @Override
  public void tokenUsed(String id, Instant at) {
    jdbi.useTransaction(
        h ->
            h.createUpdate("UPDATE api_tokens SET last_used_at = :at WHERE id = :id")
                .bind("at", Sql.timestamp(at))
                .bind("id", id)
                .execute());
  }

  @Override
  public int openSession(LoginSession s, int keepPerUser) {
    return jdbi.inTransaction(
        h -> {
          h.createUpdate(
                  "INSERT INTO login_sessions ("
                      + SESSION_COLUMNS
                      + ") VALUES (:hash, :user, :groups, :csrf, :created, :expires)")
              .bind("hash", s.hash())
              .bind("user", s.user())
              .bind("groups", groups(s.groups()))
              .bind("csrf", s.csrf())
              .bind("created", Sql.timestamp(s.createdAt()))
              .bind("expires", Sql.timestamp(s.expiresAt()))
              .execute();
          int dropped =
              h.createUpdate("DELETE FROM login_sessions WHERE expires_at <= :now")
                  .bind("now", Sql.timestamp(s.createdAt()))
                  .execute();
          return dropped
              + h.createUpdate(
                      "DELETE FROM login_sessions WHERE user_name = :user AND session_sha256 NOT"
                          + " IN (SELECT session_sha256 FROM login_sessions WHERE user_name ="
                          + " :user ORDER BY created_at DESC, session_sha256 DESC LIMIT :keep)")
                  .bind("user", s.user())
                  .bind("keep", keepPerUser)
                  .execute();
        });
  }

  @Override
  public Optional<LoginSession> session(String hash) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT " + SESSION_COLUMNS + " FROM login_sessions WHERE session_sha256 = :h")
                .bind("h", hash)
                .map((rs, ctx) -> session(rs))
                .findOne());
  }

  @Override
  public List<LoginSession> sessions(String user) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + SESSION_COLUMNS
                        + " FROM login_sessions WHERE user_name = :u ORDER BY created_at DESC,"
                        + " session_sha256 DESC")
                .bind("u", user)
                .map((rs, ctx) -> session(rs))
                .list());
  }

  private static LoginSession session(ResultSet rs) throws SQLException {
    return new LoginSession(
        rs.getString("session_sha256"),
        rs.getString("user_name"),
        groups(rs.getString("groups_list")),
        rs.getString("csrf_token"),
        Sql.requiredInstant(rs, "created_at"),
        Sql.requiredInstant(rs, "expires_at"));
  }

  @Override
  public boolean closeSession(String hash) {
    return jdbi.inTransaction(
            h ->
                h.createUpdate("DELETE FROM login_sessions WHERE session_sha256 = :h")
                    .bind("h", hash)
                    .execute())
        > 0;
  }

  @Override
  public int closeSessions(String user) {
    return jdbi.inTransaction(
        h ->
            h.createUpdate("DELETE FROM login_sessions WHERE user_name = :u")
                .bind("u", user)
                .execute());
  }

  @Override
  public int sweepSessions(Instant now) {
    return jdbi.inTransaction(
        h ->
            h.createUpdate("DELETE FROM login_sessions WHERE expires_at <= :now")
                .bind("now", Sql.timestamp(now))
                .execute());
  }

  private static String groups(Set<String> groups) {
    return String.join("\n", new TreeSet<>(groups));
  }

  private static Set<String> groups(String stored) {
    return stored.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(stored.split("\n", -1)));
  }

  @Override
  public StoredGrant addGrant(Grant g, String by, Instant at) {
    String project = g.project().orElse("");
    return jdbi.inTransaction(
        h -> {
          Optional<StoredGrant> existing = findGrant(h, g.role().id(), project, g.who());
          if (existing.isPresent()) {
            return existing.get();
          }
          long id =
              h.createUpdate(
                      "INSERT INTO role_grants (role, project, subject, granted_by, granted_at)"
                          + " VALUES (:role, :project, :subject, :by, :at)")
                  .bind("role", g.role().id())
                  .bind("project", project)
                  .bind("subject", g.who())
                  .bind("by", by)
                  .bind("at", Sql.timestamp(at))
                  .executeAndReturnGeneratedKeys("id")
                  .mapTo(Long.class)
                  .one();
          return new StoredGrant(id, g, by, Sql.kept(at));
        });
  }

  private static Optional<StoredGrant> findGrant(
      org.jdbi.v3.core.Handle h, String role, String project, String subject) {
    return h.createQuery(
            "SELECT id, role, project, subject, granted_by, granted_at FROM role_grants WHERE role"
                + " = :role AND project = :project AND subject = :subject")
        .bind("role", role)
        .bind("project", project)
        .bind("subject", subject)
        .map((rs, ctx) -> grant(rs))
        .findOne();
  }

  @Override
  public boolean removeGrant(long id) {
    return jdbi.inTransaction(
            h -> h.createUpdate("DELETE FROM role_grants WHERE id = :id").bind("id", id).execute())
        > 0;
  }

  @Override
  public List<StoredGrant> grants() {
    List<StoredGrant> out = new ArrayList<>();
    jdbi.useHandle(
        h ->
            out.addAll(
                h.createQuery(
                        "SELECT id, role, project, subject, granted_by, granted_at FROM"
                            + " role_grants ORDER BY id")
                    .map((rs, ctx) -> grant(rs))
                    .list()));
    return out;
  }

  private static StoredGrant grant(ResultSet rs) throws SQLException {
    String project = rs.getString("project");
    Role role =
        Role.parse(rs.getString("role")).orElseThrow(() -> new SQLException("unknown role"));
    return new StoredGrant(
        rs.getLong("id"),
        new Grant(
            role,
            project.isEmpty() ? Optional.empty() : Optional.of(project),
            rs.getString("subject")),
        rs.getString("granted_by"),
        Sql.requiredInstant(rs, "granted_at"));
  }
}
