package org.seakeeper.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.seakeeper.auth.TokenSecrets;
import org.seakeeper.core.access.Action;
import org.seakeeper.core.access.Identity;
import org.seakeeper.core.access.Target;
import org.seakeeper.core.store.ApiToken;
import org.seakeeper.core.store.LoginSession;

/**
 * The "my tokens" page ({@code /tokens}) for a logged-in person: their tokens (name, created,
 * expires, last used, revoked), a form to make one (shown once) and one to revoke each. Every form
 * carries the session's CSRF token; no JavaScript.
 */
final class TokenPages {
  private final Access access;
  private final Links links;

  TokenPages(Access access, Links links) {
    this.access = access;
    this.links = links;
  }

  void install(RoutesConfig routes) {
    routes.get("/tokens", this::page);
    routes.post("/tokens", this::create, Guard.of(Action.TOKEN_OWN));
    routes.post("/tokens/{id}/revoke", this::revoke, Guard.of(Action.TOKEN_OWN));
  }

  private Optional<LoginSession> session(Context ctx) {
    Optional<LoginSession> s = access.session(ctx);
    if (s.isEmpty()) {
      ctx.redirect(links.local("/login?return_to=/tokens"), HttpStatus.FOUND);
    }
    return s;
  }

  private void page(Context ctx) {
    session(ctx).ifPresent(s -> show(ctx, s, null));
  }

  private void show(Context ctx, LoginSession s, String fresh) {
    StringBuilder b = new StringBuilder("<h1>My API tokens</h1>\n");
    b.append("<p>Logged in as ").append(Html.esc(s.user())).append(". ");
    b.append(Html.link(links.local("/logout"), "Log out")).append("</p>\n");
    if (fresh != null) {
      b.append("<p><strong>Your new token (shown only once):</strong> <code id=\"new-token\">")
          .append(Html.esc(fresh))
          .append("</code></p>\n");
    }
    b.append("<table><thead><tr><th>Name</th><th>Id</th><th>Created</th><th>Expires</th>")
        .append("<th>Last used</th><th>State</th><th></th></tr></thead><tbody>\n");
    Instant now = access.clock().instant();
    for (ApiToken t : access.store().tokens(s.user())) {
      String state = t.revokedAt().isPresent() ? "revoked" : t.usable(now) ? "active" : "expired";
      b.append("<tr><td>")
          .append(Html.esc(t.name()))
          .append("</td><td>")
          .append(Html.esc(t.id()))
          .append("</td><td>")
          .append(Html.esc(Html.time(Optional.of(t.createdAt()))))
          .append("</td><td>")
          .append(Html.esc(Html.time(Optional.of(t.expiresAt()))))
          .append("</td><td>")
          .append(Html.esc(t.lastUsedAt().map(x -> Html.time(Optional.of(x))).orElse("never")))
          .append("</td><td>")
          .append(state)
          .append("</td><td>");
      if (state.equals("active")) {
        b.append("<form method=\"post\" action=\"")
            .append(Html.esc(links.local("/tokens/" + t.id() + "/revoke")))
            .append("\">")
            .append(AuthRoutes.csrfField(s))
            .append("<button type=\"submit\">Revoke</button></form>");
      }
      b.append("</td></tr>\n");
    }
    b.append("</tbody></table>\n<h2>New token</h2>\n<form method=\"post\" action=\"")
        .append(Html.esc(links.local("/tokens")))
        .append("\">")
        .append(AuthRoutes.csrfField(s))
        .append("<label>Name <input name=\"name\" required maxlength=\"200\"></label> ")
        .append("<label>Days valid <input name=\"days\" type=\"number\" min=\"1\" max=\"366\"")
        .append(" value=\"90\"></label> <button type=\"submit\">Create</button></form>\n");
    AuthRoutes.page(ctx, links, 200, "My API tokens", b.toString());
  }

  private void create(Context ctx) {
    Identity who = access.require(ctx, Action.TOKEN_OWN, Target.NONE, "own tokens");
    LoginSession s = access.session(ctx).orElse(null);
    if (s == null || who.kind() != Identity.Kind.PERSON) {
      throw ApiError.badRequest("Use POST /api/v1/tokens with a personal API token instead.");
    }
    String name = ctx.formParam("name");
    if (name == null || name.isBlank() || name.length() > 200) {
      throw ApiError.badRequest("A token needs a name of at most 200 characters.");
    }
    long days = BuildListParams.parseLong(String.valueOf(ctx.formParam("days"))).orElse(90L);
    if (days < 1 || days > 366) {
      throw ApiError.badRequest("A token is valid for 1 to 366 days.");
    }
    Instant now = access.clock().instant();
    String secret = TokenSecrets.newToken();
    access
        .store()
        .addToken(
            new ApiToken(
                TokenSecrets.id(),
                who.user(),
                name,
                TokenSecrets.sha256(secret),
                who.groups(),
                now,
                now.plus(Duration.ofDays(days)),
                Optional.empty(),
                Optional.empty(),
                who.who()));
    show(ctx, s, secret);
  }

  private void revoke(Context ctx) {
    String id = ctx.pathParam("id");
    Identity who = access.actor(ctx, Action.TOKEN_OWN, "token " + id);
    Optional<ApiToken> t = access.store().token(id).filter(x -> x.user().equals(who.user()));
    if (t.isEmpty()) {
      throw access.refuse(
          ctx,
          who.who(),
          Action.TOKEN_OWN.id(),
          "token " + id,
          404,
          "not_found",
          "There is no token " + id + " of yours.");
    }
    access.check(ctx, who, Action.TOKEN_OWN, Target.NONE, "token " + id);
    access.store().revokeToken(id, access.clock().instant());
    ctx.redirect(links.local("/tokens"), HttpStatus.SEE_OTHER);
  }
}
