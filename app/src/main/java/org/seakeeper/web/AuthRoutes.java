package org.seakeeper.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.util.Optional;
import org.seakeeper.auth.LoginRefused;
import org.seakeeper.auth.LoginSessions;
import org.seakeeper.auth.OidcLogin;
import org.seakeeper.core.access.Identity;
import org.seakeeper.core.store.AuditRecord.Outcome;
import org.seakeeper.core.store.LoginSession;

/**
 * Logging in and out (docs/contracts.md §6, §9): {@code GET /login?return_to=/path} sends the
 * browser to the OpenID provider (code flow with PKCE, state and nonce); {@code GET
 * /login/callback} checks the state (once), exchanges the code, validates the ID token and opens a
 * session ({@code __Host-} cookie: Secure, HttpOnly, SameSite=Lax); {@code GET /logout} shows a
 * form whose {@code POST /logout} (with the CSRF token) ends the session. {@code return_to} must be
 * a path on this server (no scheme, host or {@code //}), else the login is refused: no open
 * redirect. Every login, refusal and logout is an audit record.
 */
final class AuthRoutes {
  private final Access access;
  private final Optional<OidcLogin> oidc;
  private final Links links;

  AuthRoutes(Access access, Optional<OidcLogin> oidc, Links links) {
    this.access = access;
    this.oidc = oidc;
    this.links = links;
  }

  void install(RoutesConfig routes) {
    routes.get("/login", this::login);
    routes.get("/login/callback", this::callback);
    routes.get("/logout", this::logoutPage);
    routes.post("/logout", this::logout, Guard.SELF);
  }

  /** Whether {@code s} is a path on this server that is safe to redirect to. */
  static boolean localPath(String s) {
    if (s == null || s.isEmpty() || s.length() > 2000 || !s.startsWith("/")) {
      return false;
    }
    if (s.startsWith("//") || s.startsWith("/\\") || s.contains("\\")) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i)) || Character.isWhitespace(s.charAt(i))) {
        return false;
      }
    }
    try {
      URI u = new URI(s);
      return u.getScheme() == null && u.getRawAuthority() == null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private void login(Context ctx) {
    String returnTo = ctx.queryParam("return_to");
    if (returnTo == null || returnTo.isBlank()) {
      returnTo = "/builds";
    }
    if (!localPath(returnTo)) {
      refusePage(
          ctx,
          "anonymous",
          "login",
          400,
          "'return_to' must be a path on this server such as /builds; other sites are not"
              + " redirected to.");
      return;
    }
    if (oidc.isEmpty()) {
      refusePage(
          ctx,
          "anonymous",
          "login",
          404,
          "Login is not configured on this server (auth.oidc in the server config).");
      return;
    }
    LoginSessions.Pending p = access.sessions().begin(returnTo);
    try {
      ctx.header("Cache-Control", "no-store");
      ctx.redirect(oidc.get().authorizationUrl(p).toString(), HttpStatus.FOUND);
    } catch (LoginRefused e) {
      access.sessions().take(p.state());
      refusePage(ctx, "anonymous", "login", 502, e.getMessage());
    }
  }

  private void callback(Context ctx) {
    if (oidc.isEmpty()) {
      refusePage(ctx, "anonymous", "login", 404, "Login is not configured on this server.");
      return;
    }
    Optional<LoginSessions.Pending> p = access.sessions().take(ctx.queryParam("state"));
    if (p.isEmpty()) {
      refusePage(
          ctx,
          "anonymous",
          "login",
          400,
          "This login's 'state' is unknown, used already or expired; log in again.");
      return;
    }
    String error = ctx.queryParam("error");
    String code = ctx.queryParam("code");
    if (error != null || code == null || code.isBlank()) {
      refusePage(
          ctx,
          "anonymous",
          "login",
          400,
          "The identity provider did not log you in"
              + (error == null ? "" : " (" + AdminAuth.clean(error) + ")")
              + "; log in again.");
      return;
    }
    OidcLogin.Person person;
    try {
      person = oidc.get().finish(p.get(), code);
    } catch (LoginRefused e) {
      refusePage(ctx, "anonymous", "login", 401, e.getMessage());
      return;
    }
    String cookie = access.sessions().open(person.user(), person.groups());
    ctx.header(
        "Set-Cookie",
        Access.COOKIE
            + "="
            + cookie
            + "; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age="
            + access.sessions().ttl().toSeconds());
    access.record(
        ctx,
        "user:" + person.user(),
        "login",
        "groups " + String.join(",", person.groups()),
        Outcome.ALLOWED,
        302,
        "logged in");
    ctx.header("Cache-Control", "no-store");
    ctx.redirect(links.local(p.get().returnTo()), HttpStatus.FOUND);
  }

  private void logoutPage(Context ctx) {
    Optional<LoginSession> s = access.session(ctx);
    String body =
        s.isEmpty()
            ? "<h1>Log out</h1><p>You are not logged in. "
                + Html.link(links.local("/login"), "Log in")
                + "</p>"
            : "<h1>Log out</h1><p>Logged in as "
                + Html.esc(s.get().user())
                + ".</p><form method=\"post\" action=\""
                + Html.esc(links.local("/logout"))
                + "\">"
                + csrfField(s.get())
                + "<button type=\"submit\">Log out</button></form>";
    page(ctx, 200, "Log out", body);
  }

  private void logout(Context ctx) {
    Identity who = access.identify(ctx);
    if (!"session".equals(who.via())) {
      access.record(ctx, who.who(), "logout", "", Outcome.REFUSED, 400, "no session to end");
      ctx.redirect(links.local("/builds"), HttpStatus.SEE_OTHER);
      return;
    }
    access.csrf(ctx, who, "logout", "session");
    access.sessions().close(ctx.cookie(Access.COOKIE));
    ctx.header(
        "Set-Cookie", Access.COOKIE + "=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0");
    access.record(ctx, who.who(), "logout", "session", Outcome.ALLOWED, 303, "logged out");
    ctx.redirect(links.local("/builds"), HttpStatus.SEE_OTHER);
  }

  static String csrfField(LoginSession s) {
    return Html.hidden(Access.CSRF_FIELD, s.csrf());
  }

  /** A refused login: an audit record and a page saying why, with a way to try again. */
  private void refusePage(Context ctx, String who, String action, int status, String message) {
    access.record(ctx, who, action, "", Outcome.REFUSED, status, message);
    page(
        ctx,
        status,
        "Login refused",
        "<h1>Login refused</h1><p class=\"error\">"
            + Html.esc(message)
            + "</p><p>"
            + Html.link(links.local("/login"), "Log in again")
            + "</p>");
  }

  private void page(Context ctx, int status, String title, String body) {
    page(ctx, links, status, title, body);
  }

  static void page(Context ctx, Links links, int status, String title, String body) {
    String nonce = Html.nonce();
    ctx.status(status);
    ctx.header("Content-Security-Policy", Html.csp(nonce));
    ctx.header("Cache-Control", "no-store");
    ctx.contentType("text/html; charset=utf-8").result(Html.page(title, nonce, links, body));
  }
}
