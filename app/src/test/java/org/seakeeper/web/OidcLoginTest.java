package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.auth.OidcLogin;
import org.seakeeper.core.model.Grant;
import org.seakeeper.core.model.Role;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.store.AuditRecord;
import org.seakeeper.testkit.InMemoryAccessStore;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;
import org.seakeeper.testkit.ManualClock;

/**
 * OpenID Connect login against a real provider on loopback ({@link TestOidcProvider}: discovery,
 * JWKS, RS256 ID tokens, PKCE, single-use codes), driven as a browser would with a cookie jar and
 * redirects followed by hand: login, group to role mapping, CSRF, tokens, logout, expiry, and each
 * bad input of issue 13 refused with a clear message, an audit record and nothing changed.
 */
class OidcLoginTest {
  static final String PUBLIC = "https://ci.example.org/";
  final TestOidcProvider idp;
  final ManualClock clock = new ManualClock(Instant.now());
  final InMemoryAccessStore access = new InMemoryAccessStore();
  final InMemoryStore store = new InMemoryStore();
  final WebFixture.FakeCommands commands = new WebFixture.FakeCommands();
  final WebServer server;
  final HttpClient http = HttpClient.newHttpClient(); // follows no redirects

  OidcLoginTest() throws Exception {
    idp = new TestOidcProvider();
    ServerConfig.Auth auth =
        new ServerConfig.Auth(
            Optional.of(
                new ServerConfig.Oidc(
                    idp.issuer(),
                    TestOidcProvider.CLIENT,
                    Optional.of("unused"),
                    "groups",
                    "preferred_username")),
            List.of(new Grant(Role.MAINTAINER, Optional.of("demo"), "group:devs")),
            Set.of("secret"),
            Duration.ofHours(8));
    OidcLogin login =
        new OidcLogin(
            auth.oidc().orElseThrow(),
            Optional.of(TestOidcProvider.SECRET),
            URI.create(PUBLIC + "login/callback"),
            clock);
    server =
        new WebServer(
                new WebServer.Services(
                    store.queries(),
                    new InMemoryLogStore(),
                    commands,
                    () -> "admin-secret",
                    URI.create(PUBLIC),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    Map::of),
                EmbargoDesk.NONE,
                new AccessSettings(access, auth, Optional.of(login), clock))
            .start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.stop();
    idp.close();
    http.close();
  }

  String local(String pathAndQuery) {
    return "http://127.0.0.1:" + server.port() + pathAndQuery;
  }

  HttpResponse<String> get(String url, String... headers) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).GET();
    if (headers.length > 0) {
      r.headers(headers);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(local(path)))
            .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
    if (headers.length > 0) {
      r.headers(headers);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String location(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isIn(302, 303);
    return r.headers().firstValue("Location").orElseThrow();
  }

  /** The public callback URL the provider sent the browser to, as reached on this server. */
  String callbackHere(String publicUrl) {
    assertThat(publicUrl).startsWith(PUBLIC + "login/callback?");
    return local("/" + publicUrl.substring(PUBLIC.length()));
  }

  /** Logs in up to the provider's redirect back; returns the callback URL on this server. */
  String toCallback() throws Exception {
    String authorize = location(get(local("/login?return_to=/tokens")));
    assertThat(authorize).startsWith(idp.issuer() + "/authorize?");
    Map<String, String> q = TestOidcProvider.parse(URI.create(authorize).getRawQuery());
    assertThat(q).containsKeys("state", "nonce", "code_challenge");
    assertThat(q.get("code_challenge_method")).isEqualTo("S256");
    return callbackHere(location(get(authorize)));
  }

  static Optional<String> cookie(HttpResponse<String> r) {
    return r.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(Access.COOKIE + "=") && !c.startsWith(Access.COOKIE + "=;"))
        .map(c -> c.substring(0, c.indexOf(';')))
        .findFirst();
  }

  String login() throws Exception {
    HttpResponse<String> back = get(toCallback());
    assertThat(location(back)).isEqualTo("/tokens");
    String setCookie = back.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).contains("Secure").contains("HttpOnly").contains("SameSite=Lax");
    return cookie(back).orElseThrow();
  }

  JsonNode whoami(String... headers) throws Exception {
    return WebFixture.json(get(local("/api/v1/whoami"), headers));
  }

  List<AuditRecord> refusals(String action) {
    return access.all().stream()
        .filter(r -> r.action().equals(action) && r.outcome() == AuditRecord.Outcome.REFUSED)
        .toList();
  }

  @Test
  void login_maps_groups_to_roles_and_logout_ends_the_session() throws Exception {
    String cookie = login();
    JsonNode me = whoami("Cookie", cookie);
    assertThat(me.path("user").asText()).isEqualTo("alice");
    assertThat(me.path("roles").toString()).isEqualTo("[\"maintainer:demo\"]");
    String csrf = me.path("csrf_token").asText();
    assertThat(access.all())
        .anySatisfy(
            r -> {
              assertThat(r.action()).isEqualTo("login");
              assertThat(r.who()).isEqualTo("user:alice");
              assertThat(r.outcome()).isEqualTo(AuditRecord.Outcome.ALLOWED);
            });
    // the page of one's tokens is there, and logging out needs the CSRF token
    assertThat(get(local("/tokens"), "Cookie", cookie).body()).contains("My API tokens");
    var noCsrf = send("POST", "/logout", "", "Cookie", cookie);
    assertThat(noCsrf.statusCode()).isEqualTo(403);
    assertThat(whoami("Cookie", cookie).path("user").asText()).isEqualTo("alice");
    var out =
        send(
            "POST",
            "/logout",
            "_csrf=" + csrf,
            "Cookie",
            cookie,
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(access.sessions("alice")).as("logout deletes the stored session").isEmpty();
    assertThat(whoami("Cookie", cookie).path("user").isNull()).isTrue();
  }

  @Test
  void a_session_expires_is_refused_with_a_clear_answer_and_deleted() throws Exception {
    String cookie = login();
    String csrf = whoami("Cookie", cookie).path("csrf_token").asText();
    assertThat(access.sessions("alice")).hasSize(1);
    clock.advance(Duration.ofHours(8).plusSeconds(1));
    String body = "{\"name\":\"laptop\",\"expires_in\":\"7d\"}";
    var ended = send("POST", "/api/v1/tokens", body, "Cookie", cookie, Access.CSRF_HEADER, csrf);
    assertThat(WebFixture.error(ended, 401)).isEqualTo("unauthorized");
    assertThat(WebFixture.json(ended).path("message").asText())
        .contains("Your login session ended at")
        .contains("sessions last 8h")
        .contains("Log in again");
    assertThat(access.sessions("alice")).as("an ended session is deleted").isEmpty();
    assertThat(access.tokens("alice")).isEmpty();
    var again = send("POST", "/api/v1/tokens", body, "Cookie", cookie, Access.CSRF_HEADER, csrf);
    assertThat(WebFixture.json(again).path("message").asText())
        .contains("not a live login session");
    assertThat(whoami("Cookie", cookie).path("user").isNull()).isTrue();
    assertThat(location(get(local("/tokens"), "Cookie", cookie))).startsWith("/login");
    assertThat(refusals("token.own")).hasSize(2).allMatch(r -> r.status() == 401);
  }

  @Test
  void an_admin_ends_every_session_of_a_user_and_no_one_else_may() throws Exception {
    String laptop = login();
    String phone = login();
    idp.user = "bob";
    String bobs = login();
    assertThat(access.sessions("alice")).hasSize(2);
    String csrf = whoami("Cookie", laptop).path("csrf_token").asText();
    var self =
        send(
            "DELETE",
            "/api/v1/users/alice/sessions",
            "",
            "Cookie",
            laptop,
            Access.CSRF_HEADER,
            csrf);
    assertThat(WebFixture.error(self, 403)).isEqualTo("forbidden");
    assertThat(whoami("Cookie", laptop).path("user").asText()).isEqualTo("alice");
    var bad =
        send(
            "DELETE",
            "/api/v1/users/%20alice/sessions",
            "",
            "Authorization",
            "Bearer admin-secret");
    assertThat(WebFixture.error(bad, 400)).isEqualTo("bad_request");
    var ended =
        send("DELETE", "/api/v1/users/alice/sessions", "", "Authorization", "Bearer admin-secret");
    assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
    assertThat(WebFixture.json(ended).path("ended").asInt()).isEqualTo(2);
    assertThat(whoami("Cookie", laptop).path("user").isNull()).isTrue();
    assertThat(whoami("Cookie", phone).path("user").isNull()).isTrue();
    assertThat(whoami("Cookie", bobs).path("user").asText()).isEqualTo("bob");
    assertThat(access.all())
        .anySatisfy(
            r -> {
              assertThat(r.action()).isEqualTo("token.for_user");
              assertThat(r.who()).isEqualTo("admin");
              assertThat(r.target()).isEqualTo("sessions of user:alice");
              assertThat(r.outcome()).isEqualTo(AuditRecord.Outcome.ALLOWED);
            });
  }

  @Test
  void bad_id_tokens_are_refused_with_a_message_and_an_audit_record() throws Exception {
    Map<TestOidcProvider.Mode, String> why =
        Map.of(
            TestOidcProvider.Mode.FORGED, "signature",
            TestOidcProvider.Mode.EXPIRED, "xpired",
            TestOidcProvider.Mode.WRONG_AUDIENCE, "aud claim",
            TestOidcProvider.Mode.UNSIGNED, "not valid",
            TestOidcProvider.Mode.WRONG_NONCE, "nonce");
    for (var e : why.entrySet()) {
      idp.mode = e.getKey();
      HttpResponse<String> r = get(toCallback());
      assertThat(r.statusCode()).as(e.getKey() + ": " + r.body()).isEqualTo(401);
      assertThat(r.body())
          .as(e.getKey().toString())
          .contains("Login refused")
          .contains(e.getValue());
      assertThat(cookie(r)).as(e.getKey().toString()).isEmpty();
    }
    assertThat(refusals("login")).hasSize(why.size());
    assertThat(access.all()).noneMatch(r -> r.outcome() == AuditRecord.Outcome.ALLOWED);
  }

  @Test
  void a_replayed_code_or_callback_and_a_wrong_state_are_refused() throws Exception {
    String callback = toCallback();
    String code = idp.lastCode;
    assertThat(get(callback).statusCode()).isEqualTo(302); // the real login
    HttpResponse<String> replay = get(callback); // same state and code again
    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(replay.body()).contains("state");
    // the old code with a fresh state: the provider will not exchange it twice
    String fresh = toCallback();
    String state = TestOidcProvider.parse(URI.create(fresh).getRawQuery()).get("state");
    HttpResponse<String> reused = get(local("/login/callback?code=" + code + "&state=" + state));
    assertThat(reused.statusCode()).isEqualTo(401);
    assertThat(reused.body()).contains("would not exchange");
    assertThat(cookie(reused)).isEmpty();
    HttpResponse<String> wrong = get(local("/login/callback?code=x&state=forged"));
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(refusals("login")).hasSize(3);
  }

  @Test
  void return_to_must_stay_on_this_server() throws Exception {
    for (String bad :
        List.of("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x")) {
      HttpResponse<String> r =
          get(local("/login?return_to=" + java.net.URLEncoder.encode(bad, "UTF-8")));
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(r.headers().firstValue("Location")).as(bad).isEmpty();
    }
    assertThat(refusals("login")).hasSize(4);
  }

  @Test
  void personal_tokens_need_csrf_from_a_session_work_as_bearer_and_stop_when_revoked()
      throws Exception {
    String cookie = login();
    String csrf = whoami("Cookie", cookie).path("csrf_token").asText();
    String body = "{\"name\":\"laptop\",\"expires_in\":\"7d\"}";
    var refused = send("POST", "/api/v1/tokens", body, "Cookie", cookie);
    assertThat(WebFixture.error(refused, 403)).isEqualTo("csrf");
    assertThat(access.tokens("alice")).isEmpty();
    var made = send("POST", "/api/v1/tokens", body, "Cookie", cookie, Access.CSRF_HEADER, csrf);
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    String token = WebFixture.json(made).path("token").asText();
    String id = WebFixture.json(made).path("id").asText();
    assertThat(token).startsWith("skp_");
    assertThat(access.tokens("alice").getFirst().hash()).doesNotContain(token);
    String bearer = "Bearer " + token;
    JsonNode me = whoami("Authorization", bearer);
    assertThat(me.path("user").asText()).isEqualTo("alice");
    assertThat(me.path("via").asText()).isEqualTo("token:" + id);
    // a maintainer of demo (by the devs group) may trigger on demo, not elsewhere
    String trigger =
        "{\"connection\":\"local\",\"project\":\"%s\",\"pipeline\":\"post\",\"ref\":\"refs/heads/main\"}";
    assertThat(
            send("POST", "/api/v1/trigger", trigger.formatted("demo"), "Authorization", bearer)
                .statusCode())
        .isEqualTo(200);
    assertThat(
            WebFixture.error(
                send(
                    "POST", "/api/v1/trigger", trigger.formatted("other"), "Authorization", bearer),
                403))
        .isEqualTo("forbidden");
    assertThat(
            WebFixture.error(
                send(
                    "POST",
                    "/api/v1/trigger",
                    trigger.formatted("secret"),
                    "Authorization",
                    bearer),
                404))
        .isEqualTo("not_found");
    assertThat(commands.calls).hasSize(1);
    assertThat(access.tokens("alice").getFirst().lastUsedAt()).isPresent();
    assertThat(send("DELETE", "/api/v1/tokens/" + id, null, "Authorization", bearer).statusCode())
        .isEqualTo(200);
    var revoked = get(local("/api/v1/whoami"), "Authorization", bearer);
    assertThat(WebFixture.error(revoked, 401)).isEqualTo("unauthorized");
    assertThat(WebFixture.json(revoked).path("message").asText()).contains("revoked");
    assertThat(
            send("POST", "/api/v1/trigger", trigger.formatted("demo"), "Authorization", bearer)
                .statusCode())
        .isEqualTo(401);
    assertThat(commands.calls).hasSize(1);
    assertThat(refusals("authenticate")).hasSize(2);
    assertThat(refusals("token.own")).hasSize(1); // the CSRF refusal
  }

  /** The hidden field {@code name} of the form posting to {@code action} on {@code page}. */
  static String field(String page, String action, String name) {
    int form = page.indexOf("action=\"" + action + "\"");
    assertThat(form).as("a form posting to " + action).isNotNegative();
    String rest = page.substring(form, page.indexOf("</form>", form));
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(rest);
    assertThat(m.find()).as(name + " in " + rest).isTrue();
    return m.group(1).replace("&#x2F;", "/").replace("&#47;", "/");
  }

  @Test
  void the_pages_buttons_work_for_who_may_use_them_with_the_sessions_csrf_token() throws Exception {
    long id = store.transaction(tx -> tx.builds().insert(WebFixtureBuilds.build("demo"))).id();
    assertThat(get(local("/builds/" + id)).body())
        .as("anonymous: no buttons")
        .doesNotContain("/api/v1/builds/" + id + "/retry");
    String cookie = login();
    String page = get(local("/builds/" + id), "Cookie", cookie).body();
    String retry = "/api/v1/builds/" + id + "/retry";
    String csrf = field(page, retry, Access.CSRF_FIELD);
    var forged =
        send(
            "POST",
            retry,
            "return_to=/builds/" + id,
            "Cookie",
            cookie,
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(forged.statusCode()).as("a form without the session's token").isEqualTo(403);
    assertThat(commands.calls).isEmpty();
    var clicked =
        send(
            "POST",
            retry,
            "_csrf=" + csrf + "&return_to=/builds/" + id,
            "Cookie",
            cookie,
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(location(clicked)).startsWith("/builds/" + id + "?notice=");
    assertThat(get(local(location(clicked)), "Cookie", cookie).body())
        .as("the page shows the outcome to who clicked")
        .contains("<p id=\"notice\" class=\"notice ok\" role=\"status\">Done.</p>");
    assertThat(get(local(location(clicked))).body())
        .as("and to nobody else")
        .doesNotContain("id=\"notice\"");
    assertThat(commands.calls).containsExactly("retry " + id + " by user:alice");

    String change = get(local("/changes/1234"), "Cookie", cookie).body();
    StringBuilder form = new StringBuilder();
    for (String f : List.of("connection", "project", "pipeline", "ref", "change", "return_to")) {
      form.append(f)
          .append('=')
          .append(
              java.net.URLEncoder.encode(
                  field(change, "/api/v1/trigger", f), java.nio.charset.StandardCharsets.UTF_8))
          .append('&');
    }
    form.append("_csrf=").append(field(change, "/api/v1/trigger", Access.CSRF_FIELD));
    var recheck =
        send(
            "POST",
            "/api/v1/trigger",
            form.toString(),
            "Cookie",
            cookie,
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(location(recheck)).startsWith("/changes/1234?notice=");
    var dequeue =
        send(
            "POST",
            "/api/v1/queues/dequeue",
            "connection=local&project=demo&change=1234&return_to=/status&_csrf=" + csrf,
            "Cookie",
            cookie,
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(location(dequeue)).startsWith("/status?notice=");
    assertThat(commands.calls).contains("dequeue local demo 1234 by user:alice");
    assertThat(commands.calls)
        .as("the page's Recheck checks the change again, not whatever its ref points to now")
        .contains("recheck local demo 1234 by user:alice");
  }
}
