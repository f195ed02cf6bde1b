package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.seakeeper.auth.OidcLogin;
import org.seakeeper.core.model.Grant;
import org.seakeeper.core.model.Role;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.testkit.InMemoryAccessStore;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;

/**
 * OpenID Connect login against a real Keycloak (the {@code keycloak-quarkus-dist} zip from Maven
 * Central, unpacked under {@code target/keycloak} by the {@code keycloak-dist} execution of
 * app/pom.xml), started in dev mode with a realm imported from JSON: a confidential client with
 * PKCE S256, a group membership mapper into a {@code groups} claim, and alice in group devs. The
 * login is driven as a browser would: Seakeeper's /login, Keycloak's login form, the callback, then
 * whoami, logout and a callback with a forged state.
 */
@Tag("slow")
class KeycloakLoginTest {
  static final String REALM = "seakeeper";
  static final String CLIENT = "seakeeper";
  static final String SECRET = "seakeeper-client-secret";
  static final String PASSWORD = "alice-password";

  static Process keycloak;
  static Path home;
  static String issuer;
  static int port;
  static WebServer server;
  static final InMemoryAccessStore access = new InMemoryAccessStore();
  static final HttpClient http = HttpClient.newHttpClient(); // follows no redirects
  // Cookies are kept by hand, as a browser would on http://127.0.0.1: Keycloak's own
  // (AUTH_SESSION_ID, KC_RESTART, ...) and Seakeeper's __Host- session cookie are all Secure,
  // which java.net.CookieManager will not send over http.
  static final Map<String, String> keycloakCookies = new java.util.LinkedHashMap<>();

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String realmJson(String redirectUri) {
    return """
    {
      "realm": "%s", "enabled": true, "sslRequired": "none",
      "groups": [ { "name": "devs" }, { "name": "others" } ],
      "users": [ {
        "username": "alice", "enabled": true, "email": "alice@example.org",
        "emailVerified": true, "firstName": "Alice", "lastName": "Liddell",
        "credentials": [ { "type": "password", "value": "%s", "temporary": false } ],
        "groups": [ "/devs" ]
      } ],
      "clients": [ {
        "clientId": "%s", "enabled": true, "protocol": "openid-connect",
        "publicClient": false, "clientAuthenticatorType": "client-secret", "secret": "%s",
        "standardFlowEnabled": true, "directAccessGrantsEnabled": false,
        "redirectUris": [ "%s" ],
        "attributes": { "pkce.code.challenge.method": "S256" },
        "protocolMappers": [ {
          "name": "groups", "protocol": "openid-connect",
          "protocolMapper": "oidc-group-membership-mapper",
          "config": { "claim.name": "groups", "full.path": "false",
            "id.token.claim": "true", "access.token.claim": "true",
            "userinfo.token.claim": "true" }
        } ]
      } ]
    }
    """
        .formatted(REALM, PASSWORD, CLIENT, SECRET, redirectUri);
  }

  @BeforeAll
  static void start() throws Exception {
    Path dist = Path.of("target", "keycloak");
    try (Stream<Path> s = Files.list(dist)) {
      home =
          s.filter(p -> p.getFileName().toString().startsWith("keycloak-"))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no Keycloak unpacked under " + dist))
              .toAbsolutePath();
    }
    // A fresh dev database each run: the import skips a realm that already exists.
    Path data = home.resolve("data");
    if (Files.exists(data)) {
      try (Stream<Path> s = Files.walk(data)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    int seakeeperPort = freePort();
    int kcPort = freePort();
    String publicUrl = "http://127.0.0.1:" + seakeeperPort + "/";
    Files.createDirectories(data.resolve("import"));
    Files.writeString(
        data.resolve("import").resolve("seakeeper-realm.json"),
        realmJson(publicUrl + "login/callback"));
    String base = "http://127.0.0.1:" + kcPort;
    issuer = base + "/realms/" + REALM;
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                home.resolve("bin/kc.sh").toString(),
                "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + kcPort,
                "--hostname=" + base,
                "--import-realm")
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("keycloak.log").toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    long t0 = System.nanoTime();
    keycloak = pb.start();
    URI discovery = URI.create(issuer + "/.well-known/openid-configuration");
    long deadline = t0 + TimeUnit.SECONDS.toNanos(180);
    while (true) {
      assertThat(keycloak.isAlive())
          .as("Keycloak exited; see " + home.resolve("keycloak.log"))
          .isTrue();
      try {
        if (http.send(
                    HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          break;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      assertThat(System.nanoTime()).as("Keycloak did not start in 180 s").isLessThan(deadline);
      Thread.sleep(500);
    }
    System.out.printf(
        "Keycloak started in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

    ServerConfig.Auth auth =
        new ServerConfig.Auth(
            Optional.of(
                new ServerConfig.Oidc(
                    issuer, CLIENT, Optional.of("unused"), "groups", "preferred_username")),
            List.of(new Grant(Role.MAINTAINER, Optional.of("demo"), "group:devs")),
            Set.of("secret"),
            Duration.ofHours(8));
    Clock clock = SKEWED;
    OidcLogin login =
        new OidcLogin(
            auth.oidc().orElseThrow(),
            Optional.of(SECRET),
            URI.create(publicUrl + "login/callback"),
            clock);
    server =
        new WebServer(
                new WebServer.Services(
                    new InMemoryStore().queries(),
                    new InMemoryLogStore(),
                    new WebFixture.FakeCommands(),
                    () -> "admin-secret",
                    URI.create(publicUrl),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    Map::of),
                EmbargoDesk.NONE,
                new AccessSettings(access, auth, Optional.of(login), clock))
            .start("127.0.0.1", seakeeperPort);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    if (keycloak != null) {
      keycloak.toHandle().descendants().forEach(ProcessHandle::destroy);
      keycloak.destroy();
      if (!keycloak.waitFor(30, TimeUnit.SECONDS)) {
        keycloak.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        keycloak.destroyForcibly();
      }
    }
    http.close();
  }

  /** How far the server's clock is ahead of the real one (Keycloak keeps the real time). */
  static final java.util.concurrent.atomic.AtomicReference<Duration> SKEW =
      new java.util.concurrent.atomic.AtomicReference<>(Duration.ZERO);

  static final Clock SKEWED =
      new Clock() {
        @Override
        public java.time.ZoneId getZone() {
          return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          throw new UnsupportedOperationException();
        }

        @Override
        public java.time.Instant instant() {
          return java.time.Instant.now().plus(SKEW.get());
        }
      };

  static String local(String pathAndQuery) {
    return "http://127.0.0.1:" + server.port() + pathAndQuery;
  }

  static HttpResponse<String> get(String url, String... headers) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).GET();
    if (headers.length > 0) {
      r.headers(headers);
    }
    return sendWithJar(r, url);
  }

  /** Sends, and for Keycloak's URLs keeps and returns its cookies as a browser would. */
  static HttpResponse<String> sendWithJar(HttpRequest.Builder r, String url) throws Exception {
    boolean toKeycloak = url.startsWith(issuer);
    if (toKeycloak && !keycloakCookies.isEmpty()) {
      r.header(
          "Cookie",
          String.join(
              "; ",
              keycloakCookies.entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .toList()));
    }
    HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    if (toKeycloak) {
      for (String c : response.headers().allValues("Set-Cookie")) {
        String pair = c.split(";", 2)[0];
        int eq = pair.indexOf('=');
        String name = pair.substring(0, eq).trim();
        String value = pair.substring(eq + 1).trim();
        if (value.isEmpty() || c.toLowerCase(java.util.Locale.ROOT).contains("max-age=0")) {
          keycloakCookies.remove(name);
        } else {
          keycloakCookies.put(name, value);
        }
      }
    }
    return response;
  }

  static HttpResponse<String> postForm(String url, String form, String... headers)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (headers.length > 0) {
      r.headers(headers);
    }
    return sendWithJar(r, url);
  }

  static String location(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isIn(302, 303);
    return r.headers().firstValue("Location").orElseThrow();
  }

  static Optional<String> sessionCookie(HttpResponse<String> r) {
    return r.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(Access.COOKIE + "=") && !c.startsWith(Access.COOKIE + "=;"))
        .map(c -> c.substring(0, c.indexOf(';')))
        .findFirst();
  }

  static String formAction(String html) {
    Matcher m = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*>").matcher(html);
    assertThat(m.find()).as(html).isTrue();
    Matcher a = Pattern.compile("action=\"([^\"]+)\"").matcher(m.group());
    assertThat(a.find()).isTrue();
    return a.group(1).replace("&amp;", "&");
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Seakeeper's /login, Keycloak's login form posted as alice: the URL Keycloak sends back. */
  static String loginAtKeycloak() throws Exception {
    String authorize = location(get(local("/login?return_to=/tokens")));
    assertThat(authorize).startsWith(issuer + "/protocol/openid-connect/auth?");
    assertThat(authorize).contains("code_challenge_method=S256").contains("state=");
    HttpResponse<String> page = get(authorize);
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    HttpResponse<String> posted =
        postForm(
            formAction(page.body()), "username=alice&password=" + enc(PASSWORD) + "&credentialId=");
    String callback = location(posted);
    assertThat(callback).startsWith(local("/login/callback?")).contains("code=");
    return callback;
  }

  @Test
  void alice_logs_in_through_keycloak_gets_the_role_of_her_group_and_logs_out() throws Exception {
    // a callback with a state this server never issued is refused, and opens no session
    HttpResponse<String> forged = get(local("/login/callback?code=x&state=forged"));
    assertThat(forged.statusCode()).isEqualTo(400);
    assertThat(forged.body()).contains("state");
    assertThat(sessionCookie(forged)).isEmpty();

    // a real code from Keycloak, but returned with a tampered state: refused too
    String callback = loginAtKeycloak();
    String tampered = callback.replaceFirst("state=[^&]+", "state=tampered");
    HttpResponse<String> wrongState = get(tampered);
    assertThat(wrongState.statusCode()).isEqualTo(400);
    assertThat(sessionCookie(wrongState)).isEmpty();

    // the login itself (Keycloak remembers alice now, so no form the second time)
    String authorize = location(get(local("/login?return_to=/tokens")));
    HttpResponse<String> again = get(authorize);
    String realCallback =
        again.statusCode() == 200 ? loginFormAgain(again.body()) : location(again);
    HttpResponse<String> back = get(realCallback);
    assertThat(location(back)).isEqualTo("/tokens");
    String cookie = sessionCookie(back).orElseThrow();

    JsonNode me = WebFixture.json(get(local("/api/v1/whoami"), "Cookie", cookie));
    assertThat(me.path("user").asText()).isEqualTo("alice");
    assertThat(me.path("roles").toString()).isEqualTo("[\"maintainer:demo\"]");
    assertThat(access.all())
        .anySatisfy(
            r -> {
              assertThat(r.action()).isEqualTo("login");
              assertThat(r.who()).isEqualTo("user:alice");
            });

    HttpResponse<String> out =
        postForm(local("/logout"), "_csrf=" + me.path("csrf_token").asText(), "Cookie", cookie);
    assertThat(out.statusCode()).isEqualTo(303);
    JsonNode after = WebFixture.json(get(local("/api/v1/whoami"), "Cookie", cookie));
    assertThat(after.path("user").isNull()).isTrue();
  }

  static String loginFormAgain(String html) throws Exception {
    return location(
        postForm(formAction(html), "username=alice&password=" + enc(PASSWORD) + "&credentialId="));
  }

  /** Seakeeper's /login at Keycloak, with its form when Keycloak does not remember alice. */
  static String callbackAtKeycloak() throws Exception {
    String authorize = location(get(local("/login?return_to=/tokens")));
    HttpResponse<String> at = get(authorize);
    return at.statusCode() == 200 ? loginFormAgain(at.body()) : location(at);
  }

  @Test
  void an_id_token_expired_by_the_servers_clock_and_a_session_past_its_ttl_are_refused()
      throws Exception {
    keycloakCookies.clear();
    try {
      // Keycloak's ID tokens live 5 minutes (its default); a server clock 7 minutes ahead sees
      // the token it signed as expired (past the 60 s allowed skew), while the login's state (10
      // minutes) is still good: refused, naming the expiry, and no session.
      String callback = callbackAtKeycloak();
      SKEW.set(Duration.ofMinutes(7));
      HttpResponse<String> late = get(callback);
      SKEW.set(Duration.ZERO);
      assertThat(late.statusCode()).as(late.body()).isEqualTo(401);
      assertThat(late.body()).contains("xpired");
      assertThat(sessionCookie(late)).isEmpty();
      assertThat(access.all())
          .anySatisfy(
              r -> {
                assertThat(r.action()).isEqualTo("login");
                assertThat(r.outcome())
                    .isEqualTo(org.seakeeper.core.store.AuditRecord.Outcome.REFUSED);
              });

      // a session lives auth.session_ttl (8h here): past it, the cookie is no one, and a change
      // with it is refused saying the session ended
      String cookie = sessionCookie(get(callbackAtKeycloak())).orElseThrow();
      JsonNode me = WebFixture.json(get(local("/api/v1/whoami"), "Cookie", cookie));
      assertThat(me.path("user").asText()).isEqualTo("alice");
      SKEW.set(Duration.ofHours(8).plusSeconds(1));
      JsonNode later = WebFixture.json(get(local("/api/v1/whoami"), "Cookie", cookie));
      assertThat(later.path("user").isNull()).as(later.toString()).isTrue();
      HttpResponse<String> change =
          http.send(
              HttpRequest.newBuilder(URI.create(local("/api/v1/tokens")))
                  .header("Cookie", cookie)
                  .header("X-CSRF-Token", me.path("csrf_token").asText())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"late\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(change.statusCode()).as(change.body()).isEqualTo(401);
      assertThat(change.body()).contains("ended");
    } finally {
      SKEW.set(Duration.ZERO);
      keycloakCookies.clear(); // the other test starts at Keycloak's login form
    }
  }
}
