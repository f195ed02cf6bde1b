package org.seakeeper.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.seakeeper.auth.TokenSecrets;
import org.seakeeper.core.access.Action;
import org.seakeeper.core.access.Identity;
import org.seakeeper.core.access.Target;
import org.seakeeper.core.model.Grant;
import org.seakeeper.core.model.Role;
import org.seakeeper.core.store.ApiToken;
import org.seakeeper.core.store.AuditQuery;
import org.seakeeper.core.store.AuditRecord;
import org.seakeeper.core.store.StoredGrant;

/**
 * People, tokens, grants and the audit trail over the API (docs/contracts.md §9): {@code GET
 * /api/v1/whoami}; {@code POST|GET /api/v1/tokens}, {@code DELETE /api/v1/tokens/{id}}, {@code POST
 * /api/v1/users/{user}/tokens} (admin); {@code DELETE /api/v1/users/{user}/sessions} (admin: ends
 * every login session of the user); {@code GET|POST /api/v1/grants}, {@code DELETE
 * /api/v1/grants/{id}} (admin); {@code GET /api/v1/audit} (admin, filters, paging) and {@code GET
 * /api/v1/audit/export} (JSON lines). A token is shown once, when made; only its SHA-256 is kept.
 */
final class AccessRoutes {
  static final Duration DEFAULT_TTL = Duration.ofDays(90);
  static final Duration MAX_TTL = Duration.ofDays(366);
  private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([smhd])");

  private final Access access;
  private final Links links;

  AccessRoutes(Access access, Links links) {
    this.access = access;
    this.links = links;
  }

  void install(RoutesConfig routes) {
    routes.get("/api/v1/whoami", this::whoami);
    routes.post("/api/v1/tokens", this::createOwn, Guard.of(Action.TOKEN_OWN));
    routes.get("/api/v1/tokens", this::listOwn);
    routes.delete("/api/v1/tokens/{id}", this::revoke, Guard.of(Action.TOKEN_OWN));
    routes.post(
        "/api/v1/users/{user}/tokens", this::createForUser, Guard.of(Action.TOKEN_FOR_USER));
    routes.delete(
        "/api/v1/users/{user}/sessions", this::endSessions, Guard.of(Action.TOKEN_FOR_USER));
    routes.get("/api/v1/grants", this::grants);
    routes.post("/api/v1/grants", this::grant, Guard.of(Action.GRANT_MANAGE));
    routes.delete("/api/v1/grants/{id}", this::ungrant, Guard.of(Action.GRANT_MANAGE));
    routes.get("/api/v1/audit", this::audit);
    routes.get("/api/v1/audit/export", this::export);
  }

  private void whoami(Context ctx) {
    Identity who = access.identify(ctx);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(
        "user",
        switch (who.kind()) {
          case PERSON -> who.user();
          case ADMIN_TOKEN -> "admin";
          case ANONYMOUS -> null;
        });
    m.put("roles", access.policy().roles(who));
    m.put("groups", who.groups().stream().sorted().toList());
    m.put("via", who.via());
    access
        .session(ctx)
        .filter(s -> "session".equals(who.via()))
        .ifPresent(s -> m.put("csrf_token", s.csrf()));
    ctx.json(m);
  }

  // --- tokens

  private void createOwn(Context ctx) {
    Identity who = access.require(ctx, Action.TOKEN_OWN, Target.NONE, "own tokens");
    if (who.kind() != Identity.Kind.PERSON) {
      throw ApiError.badRequest(
          "The admin token is not a person; make a token for someone with POST"
              + " /api/v1/users/{user}/tokens.");
    }
    created(ctx, make(ctx, who.user(), who.groups(), who.who()));
  }

  private void createForUser(Context ctx) {
    String user = ctx.pathParam("user");
    Identity who =
        access.require(ctx, Action.TOKEN_FOR_USER, Target.NONE, "tokens of user:" + user);
    if (user.isBlank() || user.length() > 200 || !user.strip().equals(user)) {
      throw ApiError.badRequest("'" + AdminAuth.clean(user) + "' is not a user name.");
    }
    created(ctx, make(ctx, user, Set.of(), who.who()));
  }

  /** Ends every login session of a user (a lost laptop, someone who left); tokens are untouched. */
  private void endSessions(Context ctx) {
    String user = ctx.pathParam("user");
    access.require(ctx, Action.TOKEN_FOR_USER, Target.NONE, "sessions of user:" + user);
    if (user.isBlank() || user.length() > 200 || !user.strip().equals(user)) {
      throw ApiError.badRequest("'" + AdminAuth.clean(user) + "' is not a user name.");
    }
    ctx.json(Map.of("user", user, "ended", access.sessions().closeAll(user)));
  }

  private record Made(ApiToken token, String secret) {}

  private Made make(Context ctx, String user, Set<String> groups, String by) {
    JsonNode body = body(ctx, "{\"name\": \"ci script\", \"expires_in\": \"30d\"}");
    JsonNode name = body.get("name");
    if (name == null
        || !name.isTextual()
        || name.asText().isBlank()
        || name.asText().length() > 200) {
      throw ApiError.badRequest(
          "\"name\" is required: a non-empty string of at most 200 characters.");
    }
    Duration ttl = ttl(body.get("expires_in"));
    Instant now = access.clock().instant();
    String secret = TokenSecrets.newToken();
    ApiToken t =
        new ApiToken(
            TokenSecrets.id(),
            user,
            name.asText(),
            TokenSecrets.sha256(secret),
            groups,
            now,
            now.plus(ttl),
            Optional.empty(),
            Optional.empty(),
            by);
    access.store().addToken(t);
    return new Made(t, secret);
  }

  /** {@code expires_in}: seconds, or a duration like {@code 30d}, {@code 12h}; default 90 days. */
  static Duration ttl(JsonNode n) {
    if (n == null || n.isNull()) {
      return DEFAULT_TTL;
    }
    Duration d = null;
    if (n.isIntegralNumber() && n.asLong() > 0) {
      d = Duration.ofSeconds(n.asLong());
    } else if (n.isTextual()) {
      Matcher m = DURATION.matcher(n.asText().strip());
      if (m.matches()) {
        long v = Long.parseLong(m.group(1));
        d =
            switch (m.group(2)) {
              case "s" -> Duration.ofSeconds(v);
              case "m" -> Duration.ofMinutes(v);
              case "h" -> Duration.ofHours(v);
              default -> Duration.ofDays(v);
            };
      }
    }
    if (d == null || d.isZero() || d.compareTo(MAX_TTL) > 0) {
      throw ApiError.badRequest(
          "\"expires_in\" must be seconds or a duration like 30d or 12h, at most 366d.");
    }
    return d;
  }

  private void created(Context ctx, Made m) {
    Map<String, Object> out = json(m.token());
    out.put("token", m.secret());
    out.put("message", "Keep this token now: it is shown only once.");
    ctx.status(201).header("Cache-Control", "no-store").json(out);
  }

  static Map<String, Object> json(ApiToken t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("user", t.user());
    m.put("name", t.name());
    m.put("created_at", t.createdAt().toString());
    m.put("expires_at", t.expiresAt().toString());
    m.put("last_used_at", t.lastUsedAt().map(Instant::toString).orElse(null));
    m.put("revoked_at", t.revokedAt().map(Instant::toString).orElse(null));
    m.put("created_by", t.createdBy());
    return m;
  }

  private void listOwn(Context ctx) {
    Identity who = access.identify(ctx);
    if (who.kind() != Identity.Kind.PERSON) {
      throw new ApiError(
          401, "unauthorized", "Log in or send a personal API token to list your tokens.");
    }
    ctx.json(
        Map.of(
            "tokens", access.store().tokens(who.user()).stream().map(AccessRoutes::json).toList()));
  }

  private void revoke(Context ctx) {
    String id = ctx.pathParam("id");
    Identity who = access.actor(ctx, Action.TOKEN_OWN, "token " + id);
    Optional<ApiToken> t = access.store().token(id);
    boolean own = t.isPresent() && t.get().user().equals(who.user());
    boolean admin = access.policy().decide(who, Action.TOKEN_FOR_USER, Target.NONE).allowed();
    if (t.isEmpty() || !(own || admin)) {
      throw access.refuse(
          ctx,
          who.who(),
          Action.TOKEN_OWN.id(),
          "token " + id,
          404,
          "not_found",
          "There is no token " + id + " of yours.");
    }
    access.check(
        ctx, who, own ? Action.TOKEN_OWN : Action.TOKEN_FOR_USER, Target.NONE, "token " + id);
    if (!access.store().revokeToken(id, access.clock().instant())) {
      throw new ApiError(409, "already_revoked", "Token " + id + " is already revoked.");
    }
    ctx.json(Map.of("message", "token " + id + " revoked"));
  }

  // --- grants

  private void grants(Context ctx) {
    access.require(ctx, Action.GRANT_MANAGE, Target.NONE, "grants");
    ctx.json(Map.of("grants", access.store().grants().stream().map(AccessRoutes::json).toList()));
  }

  static Map<String, Object> json(StoredGrant g) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", Long.toString(g.id()));
    m.put("role", g.grant().role().id());
    m.put("project", g.grant().project().orElse(null));
    m.put("who", g.grant().who());
    m.put("granted_by", g.by());
    m.put("granted_at", g.at().toString());
    return m;
  }

  private void grant(Context ctx) {
    Identity who = access.actor(ctx, Action.GRANT_MANAGE, "grants");
    JsonNode body =
        body(ctx, "{\"role\": \"maintainer\", \"project\": \"demo\", \"who\": \"user:alice\"}");
    String roleText = body.path("role").asText("");
    Role role =
        Role.parse(roleText)
            .orElseThrow(() -> ApiError.badRequest("\"role\" must be one of " + Role.ids() + "."));
    String subject = body.path("who").asText("");
    if (!Grant.validSubject(subject)) {
      throw ApiError.badRequest("\"who\" must be user:NAME or group:NAME.");
    }
    Optional<String> project =
        body.hasNonNull("project")
            ? Optional.of(body.path("project").asText(""))
            : Optional.empty();
    if (project.isPresent()
        && (project.get().isBlank()
            || !(role == Role.DEVELOPER || role == Role.MAINTAINER || role == Role.DEPLOYER))) {
      throw ApiError.badRequest(
          "\"project\" must be a project name, and only developer, maintainer and deployer are"
              + " given per project.");
    }
    Grant g = new Grant(role, project, subject);
    String target = role.id() + project.map(p -> " on " + p).orElse("") + " to " + subject;
    access.check(ctx, who, Action.GRANT_MANAGE, Target.NONE, target);
    StoredGrant s = access.store().addGrant(g, who.who(), access.clock().instant());
    access.reload();
    ctx.status(201).json(json(s));
  }

  private void ungrant(Context ctx) {
    String raw = ctx.pathParam("id");
    access.require(ctx, Action.GRANT_MANAGE, Target.NONE, "grant " + raw);
    long id = BuildListParams.parseLong(raw).orElse(-1L);
    if (!access.store().removeGrant(id)) {
      throw new ApiError(404, "not_found", "There is no grant " + raw + ".");
    }
    access.reload();
    ctx.json(Map.of("message", "grant " + raw + " removed"));
  }

  // --- audit

  static AuditQuery query(Context ctx, int defaultLimit) {
    int limit = defaultLimit;
    String raw = ctx.queryParam("limit");
    if (raw != null) {
      long n = BuildListParams.parseLong(raw).orElse(-1L);
      if (n < 1 || n > AuditQuery.MAX_LIMIT) {
        throw ApiError.badRequest(
            "'limit' must be an integer from 1 to " + AuditQuery.MAX_LIMIT + ".");
      }
      limit = (int) n;
    }
    Optional<AuditRecord.Outcome> outcome = Optional.empty();
    String o = ctx.queryParam("outcome");
    if (o != null && !o.isBlank()) {
      outcome =
          Optional.of(
              AuditRecord.Outcome.parse(o)
                  .orElseThrow(() -> ApiError.badRequest("'outcome' is allowed or refused.")));
    }
    Optional<Long> before = Optional.empty();
    String b = ctx.queryParam("before");
    if (b != null && !b.isBlank()) {
      before =
          Optional.of(
              BuildListParams.parseLong(b)
                  .orElseThrow(() -> ApiError.badRequest("'before' must be a record id.")));
    }
    return new AuditQuery(
        param(ctx, "who"),
        param(ctx, "action"),
        outcome,
        param(ctx, "target"),
        param(ctx, "since").map(AccessRoutes::instant),
        param(ctx, "until").map(AccessRoutes::instant),
        before,
        limit);
  }

  private static Optional<String> param(Context ctx, String name) {
    return Optional.ofNullable(ctx.queryParam(name)).filter(s -> !s.isBlank());
  }

  static Instant instant(String s) {
    try {
      return Instant.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      throw ApiError.badRequest(
          "'" + AdminAuth.clean(s) + "' is not a time; write it like 2026-03-01T10:00:00Z.");
    }
  }

  static Map<String, Object> json(AuditRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", Long.toString(r.id()));
    m.put("at", r.at().toString());
    m.put("who", r.who());
    m.put("from", r.from());
    m.put("action", r.action());
    m.put("target", r.target());
    m.put("outcome", r.outcome().id());
    m.put("status", r.status());
    m.put("message", r.message());
    return m;
  }

  private void audit(Context ctx) {
    access.require(ctx, Action.AUDIT_READ, Target.NONE, "audit records");
    AuditQuery q = query(ctx, 100);
    List<AuditRecord> records = access.store().audit(q);
    String next = null;
    if (records.size() == q.limit()) {
      next = links.absolute("/api/v1/audit?" + ApiRoutes.nextQuery(ctx, records.getLast().id()));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("records", records.stream().map(AccessRoutes::json).toList());
    body.put("next", next);
    ctx.json(body);
  }

  /** Every matching record as JSON lines, newest first, read from the store a page at a time. */
  private void export(Context ctx) throws IOException {
    access.require(ctx, Action.AUDIT_READ, Target.NONE, "audit export");
    AuditQuery q = query(ctx, AuditQuery.MAX_LIMIT);
    ctx.contentType("application/x-ndjson; charset=utf-8");
    ctx.header("Content-Disposition", "attachment; filename=\"seakeeper-audit.jsonl\"");
    OutputStream out = ctx.outputStream();
    AuditQuery page = q;
    while (true) {
      List<AuditRecord> records = access.store().audit(page);
      for (AuditRecord r : records) {
        out.write((Json.write(json(r)) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      if (records.size() < page.limit()) {
        break;
      }
      page = page.before(records.getLast().id());
    }
    out.flush();
  }

  private static JsonNode body(Context ctx, String example) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(ctx.body() == null ? "" : ctx.body());
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest("The body is not valid JSON; send e.g. " + example + ".");
    }
    if (node == null || !node.isObject()) {
      throw ApiError.badRequest("The body must be a JSON object, e.g. " + example + ".");
    }
    return node;
  }
}
