package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.auth.TokenSecrets;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.server.ServerRuntime;
import org.seakeeper.testkit.ManualClock;

/**
 * Login sessions survive a restart (issue 13): the whole server ({@link ServerRuntime} from a
 * config file, its H2 store under {@code data_dir}) is stopped and started again on the same data
 * directory and port between the steps of one person's login at {@link TestOidcProvider}, driven
 * over real HTTP as a browser would. The same cookie stays logged in with the same CSRF token, and
 * a state change with it works and is audited; after logout, and after the session's time, the
 * cookie is refused with a clear answer across restarts too; and the data directory holds the
 * cookie's SHA-256, never the cookie.
 */
@Tag("slow")
class LoginSessionRestartTest {
  @TempDir Path tmp;
  final ManualClock clock = new ManualClock(Instant.now());
  final HttpClient http = HttpClient.newHttpClient(); // follows no redirects
  final List<AutoCloseable> running = new ArrayList<>();
  TestOidcProvider idp;
  ServerConfig cfg;
  int port;
  ServerRuntime server;

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : running.reversed()) {
      c.close();
    }
    http.close();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  void configure() throws Exception {
    idp = new TestOidcProvider();
    running.add(idp);
    port = freePort();
    Path secret = Files.writeString(tmp.resolve("oidc-secret"), TestOidcProvider.SECRET + "\n");
    String yaml =
        """
        data_dir: %s
        http: {port: %d, bind: 127.0.0.1, public_url: http://127.0.0.1:%d/}
        auth:
          oidc: {issuer: %s, client_id: %s, client_secret_file: %s}
          session_ttl: 2h
          grants:
            - {role: maintainer, project: demo, who: ["group:devs"]}
        """
            .formatted(
                tmp.resolve("data"), port, port, idp.issuer(), TestOidcProvider.CLIENT, secret);
    var parsed = ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.config()).as(parsed.problems().toString()).isPresent();
    cfg = parsed.config().orElseThrow();
  }

  /** Stops the running server (if any) and starts it again on the same data directory and port. */
  void restart() throws Exception {
    if (server != null) {
      server.close();
      running.remove(server);
    }
    server = ServerRuntime.start(cfg, clock);
    running.add(server);
  }

  String url(String pathAndQuery) {
    return "http://127.0.0.1:" + port + pathAndQuery;
  }

  HttpResponse<String> get(String url, String... headers) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).GET();
    if (headers.length > 0) {
      r.headers(headers);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url(path)))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .headers(headers)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Logs alice in through the provider; returns the {@code name=value} of the session cookie. */
  String login() throws Exception {
    String authorize = OidcLoginTest.location(get(url("/login?return_to=/tokens")));
    assertThat(authorize).startsWith(idp.issuer() + "/authorize?");
    String callback = OidcLoginTest.location(get(authorize));
    assertThat(callback).startsWith(url("/login/callback?"));
    HttpResponse<String> back = get(callback);
    assertThat(OidcLoginTest.location(back)).isEqualTo("/tokens");
    return OidcLoginTest.cookie(back).orElseThrow();
  }

  JsonNode whoami(String cookie) throws Exception {
    return WebFixture.json(get(url("/api/v1/whoami"), "Cookie", cookie));
  }

  HttpResponse<String> makeToken(String cookie, String csrf) throws Exception {
    return post(
        "/api/v1/tokens",
        "{\"name\":\"laptop\",\"expires_in\":\"7d\"}",
        "Cookie",
        cookie,
        Access.CSRF_HEADER,
        csrf,
        "Content-Type",
        "application/json");
  }

  /** The audit records of {@code action} (newest first), read as the admin. */
  JsonNode audit(String action) throws Exception {
    String admin = Files.readString(server.adminTokenFile()).strip();
    return WebFixture.json(
            get(url("/api/v1/audit?action=" + action), "Authorization", "Bearer " + admin))
        .path("records");
  }

  @Test
  void the_same_cookie_and_csrf_token_work_after_a_restart_and_logout_ends_it_for_good()
      throws Exception {
    configure();
    restart();
    String cookie = login();
    JsonNode before = whoami(cookie);
    assertThat(before.path("user").asText()).isEqualTo("alice");
    String csrf = before.path("csrf_token").asText();
    assertThat(csrf).isNotBlank();

    restart();
    JsonNode after = whoami(cookie);
    assertThat(after.path("user").asText()).isEqualTo("alice");
    assertThat(after.path("roles").toString()).isEqualTo("[\"maintainer:demo\"]");
    assertThat(after.path("csrf_token").asText()).isEqualTo(csrf);
    HttpResponse<String> made = makeToken(cookie, csrf);
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    JsonNode allowed = audit("token.own").get(0);
    assertThat(allowed.path("who").asText()).isEqualTo("user:alice");
    assertThat(allowed.path("outcome").asText()).isEqualTo("allowed");
    // the CSRF token still guards the session after the restart
    HttpResponse<String> forged = makeToken(cookie, "not-the-token");
    assertThat(WebFixture.error(forged, 403)).isEqualTo("csrf");

    HttpResponse<String> out =
        post(
            "/logout",
            "_csrf=" + csrf,
            "Cookie",
            cookie,
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(out.statusCode()).as(out.body()).isEqualTo(303);
    restart();
    assertThat(whoami(cookie).path("user").isNull()).isTrue();
    HttpResponse<String> refused = makeToken(cookie, csrf);
    assertThat(WebFixture.error(refused, 401)).isEqualTo("unauthorized");
    assertThat(WebFixture.json(refused).path("message").asText())
        .contains("not a live login session")
        .contains("Log in again");
    assertThat(audit("token.own").get(0).path("outcome").asText()).isEqualTo("refused");
    assertThat(audit("logout").get(0).path("outcome").asText()).isEqualTo("allowed");
  }

  @Test
  void a_session_past_its_time_is_refused_after_a_restart_with_a_clear_answer() throws Exception {
    configure();
    restart();
    String cookie = login();
    String csrf = whoami(cookie).path("csrf_token").asText();
    clock.advance(Duration.ofHours(2).plusSeconds(1));
    restart();
    HttpResponse<String> ended = makeToken(cookie, csrf);
    assertThat(WebFixture.error(ended, 401)).isEqualTo("unauthorized");
    assertThat(WebFixture.json(ended).path("message").asText())
        .contains("Your login session ended at")
        .contains("sessions last 2h");
    assertThat(whoami(cookie).path("user").isNull()).isTrue();
    assertThat(audit("token.own").get(0).path("outcome").asText()).isEqualTo("refused");
  }

  @Test
  void the_data_directory_holds_the_cookies_sha256_never_the_cookie() throws Exception {
    configure();
    restart();
    String cookie = login();
    String value = cookie.substring(cookie.indexOf('=') + 1);
    assertThat(whoami(cookie).path("user").asText()).isEqualTo("alice");
    server.close(); // H2 writes everything out
    running.remove(server);
    server = null;
    byte[] hash = TokenSecrets.sha256(value).getBytes(StandardCharsets.US_ASCII);
    byte[] raw = value.getBytes(StandardCharsets.US_ASCII);
    boolean hashSeen = false;
    try (Stream<Path> files = Files.walk(tmp.resolve("data"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] b = Files.readAllBytes(f);
        assertThat(indexOf(b, raw)).as("the cookie in " + f).isNegative();
        hashSeen |= indexOf(b, hash) >= 0;
      }
    }
    assertThat(hashSeen).as("the session's row (its SHA-256) is in the store").isTrue();
    restart();
    assertThat(whoami(cookie).path("user").asText()).isEqualTo("alice");
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
