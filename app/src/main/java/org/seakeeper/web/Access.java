package org.seakeeper.web;

import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.seakeeper.auth.LoginSessions;
import org.seakeeper.auth.TokenSecrets;
import org.seakeeper.core.access.Action;
import org.seakeeper.core.access.Decision;
import org.seakeeper.core.access.Identity;
import org.seakeeper.core.access.Policy;
import org.seakeeper.core.access.Target;
import org.seakeeper.core.model.Grant;
import org.seakeeper.core.store.AccessStore;
import org.seakeeper.core.store.ApiToken;
import org.seakeeper.core.store.AuditRecord;
import org.seakeeper.core.store.AuditRecord.Outcome;
import org.seakeeper.core.store.LoginSession;
import org.seakeeper.core.store.StoredGrant;

/**
 * Who a request comes from and whether it may do what it asks, with the audit record of the answer
 * (docs/contracts.md §9). Identities: the admin token or a personal API token ({@code
 * Authorization: Bearer}), or a login session cookie (its session kept in the store, so it outlives
 * a restart; looked up once per request); nothing is anonymous. A request authenticated by the
 * session cookie that changes state must carry the session's CSRF token ({@code X-CSRF-Token}
 * header or {@code _csrf} form field). Access is decided by the {@link Policy} only; each decision
 * on a state-changing action is appended to the store before the action is carried out, so nothing
 * happens unrecorded (a store that cannot write refuses the request). Thread-safe.
 */
final class Access {
  static final String COOKIE = "__Host-seakeeper-session";
  static final String CSRF_HEADER = "X-CSRF-Token";
  static final String CSRF_FIELD = "_csrf";
  private static final String PREFIX = "Bearer ";
  private static final String ATTR = "seakeeper.audited";

  private final Supplier<String> adminToken;
  private final AccessStore store;
  private final LoginSessions sessions;
  private final List<Grant> configGrants;
  private final Set<String> privateProjects;
  private final Clock clock;
  private final Notices notices;
  private volatile Policy policy;

  Access(Supplier<String> adminToken, AccessSettings s) {
    this.adminToken = adminToken;
    this.store = s.store();
    this.sessions = new LoginSessions(s.store(), s.clock(), s.auth().sessionTtl());
    this.configGrants = s.auth().grants();
    this.privateProjects = s.auth().privateProjects();
    this.clock = s.clock();
    this.notices = new Notices(s.clock());
    reload();
  }

  /** The outcomes of pages' forms, shown on the page each returns to. */
  Notices notices() {
    return notices;
  }

  AccessStore store() {
    return store;
  }

  LoginSessions sessions() {
    return sessions;
  }

  Clock clock() {
    return clock;
  }

  Policy policy() {
    return policy;
  }

  /**
   * Who is looking at a page, for which actions it draws: the policy's answers for this request's
   * identity (the server asks again when an action arrives). Anonymous or unidentifiable: none.
   */
  Viewer viewer(Context ctx) {
    Identity who;
    try {
      who = identify(ctx);
    } catch (ApiError e) {
      return Viewer.ANONYMOUS;
    }
    if (who.anonymous()) {
      return Viewer.ANONYMOUS;
    }
    Policy p = policy;
    return new Viewer(
        Optional.of(who.who()),
        (action, t) -> {
          Action a =
              switch (action) {
                case RETRY -> Action.BUILD_RETRY;
                case CANCEL -> Action.BUILD_CANCEL;
                case RECHECK, TRIGGER -> Action.TRIGGER;
                case DEQUEUE -> Action.QUEUE_DEQUEUE;
                case PROMOTE -> Action.QUEUE_PROMOTE;
                case SECRETS -> Action.SECRET_LIST;
              };
          Target target =
              switch (action) {
                case RETRY, CANCEL -> Target.build(t.project(), t.owner());
                case RECHECK -> Target.trigger(t.project(), "check");
                default -> Target.project(t.project());
              };
          return p.decide(who, a, target).allowed();
        },
        session(ctx).map(LoginSession::csrf),
        notices.find(who.who(), ctx.queryParam("notice")));
  }

  /** Rebuilds the policy after grants changed. */
  void reload() {
    List<Grant> all = new ArrayList<>(configGrants);
    for (StoredGrant g : store.grants()) {
      all.add(g.grant());
    }
    policy = new Policy(all, privateProjects);
  }

  /**
   * Who sent the request. A bearer token that is neither the admin token nor a live personal token
   * is a 401 (audited), never a quiet downgrade to anonymous.
   */
  Identity identify(Context ctx) {
    Identity cached = ctx.attribute("seakeeper.identity");
    if (cached != null) {
      return cached;
    }
    Identity who = resolve(ctx);
    ctx.attribute("seakeeper.identity", who);
    return who;
  }

  private Identity resolve(Context ctx) {
    String header = ctx.header("Authorization");
    if (header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      String given = header.substring(PREFIX.length()).strip();
      String expected = adminToken.get();
      if (expected != null && !expected.isBlank() && TokenSecrets.same(given, expected.strip())) {
        return Identity.ADMIN_TOKEN;
      }
      Optional<ApiToken> t =
          given.startsWith(TokenSecrets.TOKEN_PREFIX)
              ? store.tokenByHash(TokenSecrets.sha256(given))
              : Optional.empty();
      if (t.isEmpty()) {
        throw refuse(
            ctx,
            "unknown-token",
            "authenticate",
            401,
            "unauthorized",
            "The bearer token is neither the admin token nor a personal API token of this"
                + " server.");
      }
      ApiToken token = t.get();
      if (token.revokedAt().isPresent()) {
        throw refuse(
            ctx,
            "user:" + token.user(),
            "authenticate",
            401,
            "unauthorized",
            "API token " + token.id() + " (" + token.name() + ") was revoked; make a new one.");
      }
      if (!token.usable(clock.instant())) {
        throw refuse(
            ctx,
            "user:" + token.user(),
            "authenticate",
            401,
            "unauthorized",
            "API token "
                + token.id()
                + " ("
                + token.name()
                + ") expired at "
                + token.expiresAt()
                + "; make a new one.");
      }
      store.tokenUsed(token.id(), clock.instant());
      return Identity.person(token.user(), token.groups(), "token:" + token.id());
    }
    return session(ctx)
        .map(s -> Identity.person(s.user(), s.groups(), "session"))
        .orElse(Identity.ANONYMOUS);
  }

  Optional<LoginSession> session(Context ctx) {
    return lookup(ctx).live();
  }

  /** What this request's session cookie stands for (looked up once per request). */
  LoginSessions.Lookup lookup(Context ctx) {
    LoginSessions.Lookup cached = ctx.attribute("seakeeper.session");
    if (cached != null) {
      return cached;
    }
    LoginSessions.Lookup found = sessions.lookup(ctx.cookie(COOKIE));
    ctx.attribute("seakeeper.session", found);
    return found;
  }

  /** Why a request without an identity has none, when it came with a session cookie. */
  private String noIdentity(Context ctx) {
    String how =
        " Log in again, or send 'Authorization: Bearer <token>' with a personal API token (or the"
            + " admin token from admin_token_file).";
    return switch (lookup(ctx)) {
      case LoginSessions.Lookup.Ended e ->
          "Your login session ended at " + e.at() + " (sessions last " + ttlText() + ")." + how;
      case LoginSessions.Lookup.Unknown() ->
          "Your session cookie is not a live login session (you logged out, an admin ended it, or"
              + " it expired)."
              + how;
      default ->
          "This needs an identity: log in, or send 'Authorization: Bearer <token>' with a"
              + " personal API token (or the admin token from admin_token_file).";
    };
  }

  private String ttlText() {
    return sessions.ttl().toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The identity for a state-changing action, refused early (401, audited) when there is none: an
   * anonymous request learns nothing about its target. Also checks CSRF for cookie sessions.
   */
  Identity actor(Context ctx, Action action, String target) {
    Identity who = identify(ctx);
    if (who.anonymous()) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"seakeeper\"");
      throw refuse(ctx, who.who(), action.id(), target, 401, "unauthorized", noIdentity(ctx));
    }
    csrf(ctx, who, action.id(), target);
    return who;
  }

  /** Refuses a cookie-authenticated state change without the session's CSRF token. */
  void csrf(Context ctx, Identity who, String action, String target) {
    if (!"session".equals(who.via()) || safe(ctx.method().name())) {
      return;
    }
    LoginSession s = session(ctx).orElseThrow();
    String given = ctx.header(CSRF_HEADER);
    if (given == null && isForm(ctx)) {
      given = ctx.formParam(CSRF_FIELD);
    }
    if (given == null || !TokenSecrets.same(given, s.csrf())) {
      throw refuse(
          ctx,
          who.who(),
          action,
          target,
          403,
          "csrf",
          "This request came with the session cookie but without its CSRF token (the "
              + CSRF_HEADER
              + " header or the "
              + CSRF_FIELD
              + " form field); nothing was changed. Scripts should use a personal API token.");
    }
  }

  static boolean safe(String method) {
    return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
  }

  /** A page's form post ({@code application/x-www-form-urlencoded}). */
  static boolean isForm(Context ctx) {
    String ct = ctx.contentType();
    return ct != null
        && ct.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
  }

  /**
   * Asks the policy; records the decision; throws the refusal (401/403/404) or returns when
   * allowed.
   *
   * @param target what the audit record names (e.g. {@code build 12}, {@code demo})
   */
  void check(Context ctx, Identity who, Action action, Target t, String target) {
    Decision d = policy.decide(who, action, t);
    switch (d) {
      case ALLOW -> record(ctx, who.who(), action.id(), target, Outcome.ALLOWED, 200, "allowed");
      case UNAUTHENTICATED ->
          throw refuse(
              ctx, who.who(), action.id(), target, 401, "unauthorized", "This needs an identity.");
      case FORBIDDEN ->
          throw refuse(
              ctx,
              who.who(),
              action.id(),
              target,
              403,
              "forbidden",
              who.who()
                  + " may not do "
                  + action.id()
                  + " on "
                  + target
                  + ": no role allows it (see docs/roles.md).");
      case HIDDEN ->
          throw refuse(
              ctx, who.who(), action.id(), target, 404, "not_found", "There is no " + target + ".");
    }
  }

  /** {@link #actor} then {@link #check}: for targets known without reading anything. */
  Identity require(Context ctx, Action action, Target t, String target) {
    Identity who = actor(ctx, action, target);
    check(ctx, who, action, t, target);
    return who;
  }

  /** Appends an audit record of a refusal and returns the error to throw. */
  ApiError refuse(Context ctx, String who, String action, int status, String code, String message) {
    return refuse(ctx, who, action, ctx.method().name() + " " + ctx.path(), status, code, message);
  }

  ApiError refuse(
      Context ctx,
      String who,
      String action,
      String target,
      int status,
      String code,
      String message) {
    record(ctx, who, action, target, Outcome.REFUSED, status, message);
    return new ApiError(status, code, message);
  }

  /** Appends one audit record for this request (and marks the request as audited). */
  void record(
      Context ctx,
      String who,
      String action,
      String target,
      Outcome outcome,
      int status,
      String message) {
    ctx.attribute(ATTR, Boolean.TRUE);
    store.append(
        AuditRecord.of(clock.instant(), who, ctx.ip(), action, target, outcome, status, message));
    AdminAuth.AUDIT.info(
        "{} from {}: {} {} -> {} {}",
        AdminAuth.clean(who),
        ctx.ip(),
        action,
        AdminAuth.clean(target),
        outcome.id(),
        status);
  }

  /**
   * After every request: a state-changing one that no route audited (an unknown route, a body
   * refused before the policy was asked) gets its record now, so every one has one.
   */
  void afterRequest(Context ctx) {
    if (safe(ctx.method().name()) || Boolean.TRUE.equals(ctx.attribute(ATTR))) {
      return;
    }
    int status = ctx.statusCode();
    Identity who;
    try {
      who = identify(ctx);
    } catch (ApiError e) {
      return; // a bad token: refused and audited already
    }
    record(
        ctx,
        who.who(),
        ctx.method().name() + " " + ctx.path(),
        "",
        status < 400 ? Outcome.ALLOWED : Outcome.REFUSED,
        status,
        status < 400 ? "done" : "refused before the policy was asked (HTTP " + status + ")");
  }
}
