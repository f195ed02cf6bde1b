package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.effect.Outage;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.ChangeResolver;
import org.seakeeper.core.gate.DependsOn;
import org.seakeeper.core.gate.ReviewSystem;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.scheduler.RepoAccess;
import org.seakeeper.core.store.OutboxEntry;

/**
 * What the Gerrit adapter makes of each way a call can end, against a loopback HTTP server whose
 * answer per path the test sets (status and body), behind a {@link FaultRelay} for hangs and
 * refused connections: Gerrit's explicit 4xx (not 408/429) is an answer, everything else an {@link
 * Outage}, and every call ends within its timeout.
 */
class GerritOutageTest {
  static final GerritRest.Timeouts FAST =
      new GerritRest.Timeouts(Duration.ofMillis(500), Duration.ofSeconds(1));
  static final Duration WITHIN = Duration.ofSeconds(4);
  @TempDir Path tmp;
  private HttpServer server;
  private FaultRelay relay;

  /** path prefix (after /a/) → status and body; default 200 "[]". */
  private final Map<String, String[]> answers = new ConcurrentHashMap<>();

  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        x -> {
          requests.incrementAndGet();
          x.getRequestBody().readAllBytes();
          String path = x.getRequestURI().getRawPath().replaceFirst("^/a/", "");
          String[] a =
              answers.entrySet().stream()
                  .filter(e -> path.startsWith(e.getKey()))
                  .map(Map.Entry::getValue)
                  .findFirst()
                  .orElse(new String[] {"200", ")]}'\n[]"});
          byte[] body = a[1].getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(Integer.parseInt(a[0]), body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    server.start();
    relay = FaultRelay.http(server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    relay.close();
    server.stop(0);
  }

  private GerritEndpoint endpoint(int port) {
    return new GerritEndpoint(
        "review",
        "http://127.0.0.1:" + port + "/",
        "ci-bot",
        "pw",
        new ServerConfig.Ssh("127.0.0.1", 1, tmp.resolve("key").toString()),
        List.of("*"),
        FAST);
  }

  private GerritEndpoint endpoint() {
    return endpoint(relay.port());
  }

  private void answer(String pathPrefix, int status, String body) {
    answers.put(pathPrefix, new String[] {Integer.toString(status), body});
  }

  private static <T extends Throwable> T within(Duration limit, Class<T> type, ThrowingCall call) {
    long t0 = System.nanoTime();
    Throwable thrown = null;
    try {
      call.run();
    } catch (Throwable t) {
      thrown = t;
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .as("the call ended within its timeout")
        .isLessThan(limit);
    assertThat(thrown).as("the call threw").isInstanceOf(type);
    return type.cast(thrown);
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  // --- GerritRest -------------------------------------------------------------------------

  @Test
  void rest_explicit_4xx_is_an_http_error_and_408_429_5xx_are_outages() throws Exception {
    GerritRest rest = endpoint().rest();
    for (int status : List.of(400, 403, 404, 409, 412)) {
      answer("x", status, "no: " + status);
      assertThat(within(WITHIN, GerritRest.HttpError.class, () -> rest.get("x")).status())
          .isEqualTo(status);
    }
    for (int status : List.of(408, 429, 500, 502, 503, 504)) {
      answer("x", status, "busy");
      Outage o = within(WITHIN, Outage.class, () -> rest.get("x"));
      assertThat(o.connection()).isEqualTo("review");
      assertThat(o.getMessage()).contains("HTTP " + status);
    }
  }

  @Test
  void rest_an_unreadable_2xx_body_is_an_outage_and_a_readable_one_is_json() throws Exception {
    GerritRest rest = endpoint().rest();
    answer("html", 200, "<html>proxy error</html>");
    within(WITHIN, Outage.class, () -> rest.get("html"));
    answer("ok", 200, ")]}'\n{\"a\":1}");
    assertThat(rest.get("ok").get("a").asInt()).isEqualTo(1);
  }

  @Test
  void rest_a_refused_connection_is_an_outage() throws Exception {
    relay.refuse();
    within(WITHIN, Outage.class, () -> endpoint().rest().get("x"));
  }

  @Test
  void rest_a_hung_server_ends_the_call_within_the_request_timeout_as_an_outage() throws Exception {
    relay.hang();
    Outage o =
        within(WITHIN, Outage.class, () -> endpoint().rest().post("changes/p~1/submit", "{}"));
    assertThat(o.getMessage()).contains("no answer within 1000 ms");
  }

  @Test
  void rest_a_body_that_never_ends_is_an_outage_within_the_request_timeout() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(
              () -> {
                try (Socket c = s.accept()) {
                  c.getInputStream().read(new byte[4096]);
                  OutputStream out = c.getOutputStream();
                  out.write(
                      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"a\":"
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  c.getInputStream().read(); // holds until the client gives up
                } catch (IOException e) {
                  // client gone
                }
              });
      within(WITHIN, Outage.class, () -> endpoint(s.getLocalPort()).rest().get("x"));
    }
  }

  // --- submits ----------------------------------------------------------------------------

  static final ChangeRef CHANGE =
      new ChangeRef("review", "proj", "master", "7", "1", "a".repeat(40));

  @Test
  void submit_409_is_a_refusal_with_gerrits_message() {
    answer("changes/proj~7/submit", 409, "change is new: submit requirement Verified not met");
    answer(
        "changes/proj~7",
        200,
        ")]}'\n{\"status\":\"NEW\",\"current_revision\":\"" + "a".repeat(40) + "\"}");
    ReviewSystem.SubmitResult r = GerritGate.submit(endpoint().rest(), CHANGE);
    assertThat(r.merged()).isFalse();
    assertThat(r.message()).contains("409").contains("submit requirement Verified not met");
  }

  @Test
  void submit_409_on_a_change_merged_at_this_patch_set_is_merged() {
    answer("changes/proj~7/submit", 409, "change is merged");
    answer(
        "changes/proj~7",
        200,
        ")]}'\n{\"status\":\"MERGED\",\"current_revision\":\"" + "a".repeat(40) + "\"}");
    assertThat(GerritGate.submit(endpoint().rest(), CHANGE).merged()).isTrue();
  }

  @Test
  void submit_403_is_a_refusal() {
    answer("changes/proj~7/submit", 403, "submit not permitted");
    assertThat(GerritGate.submit(endpoint().rest(), CHANGE).merged()).isFalse();
  }

  @Test
  void submit_503_429_408_refused_and_hung_are_outages_never_refusals() throws Exception {
    for (int status : List.of(503, 500, 429, 408)) {
      answer("changes/proj~7/submit", status, "later");
      within(WITHIN, Outage.class, () -> GerritGate.submit(endpoint().rest(), CHANGE));
    }
    answers.clear();
    relay.hang();
    within(WITHIN, Outage.class, () -> GerritGate.submit(endpoint().rest(), CHANGE));
    relay.refuse();
    within(WITHIN, Outage.class, () -> GerritGate.submit(endpoint().rest(), CHANGE));
  }

  @Test
  void submit_through_the_relay_503_then_accepted() throws Exception {
    relay.failHttp(2, p -> p.endsWith("/submit"));
    within(WITHIN, Outage.class, () -> GerritGate.submit(endpoint().rest(), CHANGE));
    within(WITHIN, Outage.class, () -> GerritGate.submit(endpoint().rest(), CHANGE));
    assertThat(GerritGate.submit(endpoint().rest(), CHANGE).merged()).isTrue();
  }

  // --- the reporter -----------------------------------------------------------------------

  private boolean report(GerritEndpoint e) {
    GerritReporter r = new GerritReporter(Map.of("review", e), "http://ci/", Clock.systemUTC());
    OutboxEntry entry =
        new OutboxEntry(
            1,
            7,
            org.seakeeper.core.store.OutboxKind.BUILDSET_FINISHED,
            Instant.now().plusSeconds(5),
            Optional.empty());
    return r.report(
        entry,
        GerritReporterTest.SET,
        List.of(GerritReporterTest.build(1, "build", BuildStatus.SUCCESS, "", 1)));
  }

  @Test
  void reporter_explicit_refusal_is_done_for_good_and_an_outage_is_thrown() throws Exception {
    answer("changes/demo~12/revisions", 409, "change is closed");
    assertThat(report(endpoint())).as("refused for good: delivered, not retried").isTrue();
    answer("changes/demo~12/revisions", 503, "down");
    assertThat(within(WITHIN, Outage.class, () -> report(endpoint())).connection())
        .isEqualTo("review");
    answer("changes/demo~12/revisions", 429, "slow down");
    within(WITHIN, Outage.class, () -> report(endpoint()));
    answers.clear();
    relay.hang();
    within(WITHIN, Outage.class, () -> report(endpoint()));
    relay.pass();
    assertThat(report(endpoint())).isTrue();
  }

  // --- Depends-On -------------------------------------------------------------------------

  @Test
  void resolver_not_found_only_on_gerrits_answer_and_outage_otherwise() throws Exception {
    GerritChangeResolver resolver = new GerritChangeResolver(Map.of("review", endpoint()));
    DependsOn.Ref byId =
        new DependsOn.Ref(
            Optional.empty(),
            Optional.empty(),
            "I0123456789abcdef0123456789abcdef01234567",
            "I0123456789abcdef0123456789abcdef01234567");
    assertThat(resolver.resolve("review", byId))
        .isInstanceOf(ChangeResolver.NotFound.class); // "[]": no such change
    answer("changes/", 400, "bad query");
    assertThat(resolver.resolve("review", byId)).isInstanceOf(ChangeResolver.NotFound.class);
    answer("changes/", 503, "down");
    within(WITHIN, Outage.class, () -> resolver.resolve("review", byId));
    within(
        WITHIN,
        Outage.class,
        () -> resolver.openChangeAt(new RepoRef("review", "proj"), "b".repeat(40)));
    answers.clear();
    relay.hang();
    within(WITHIN, Outage.class, () -> resolver.resolve("review", byId));
  }

  // --- fetches ----------------------------------------------------------------------------

  @Test
  void a_fetch_from_a_hung_gerrit_ends_within_the_timeout_as_an_outage() throws Exception {
    relay.hang();
    GerritRepoAccess access =
        new GerritRepoAccess(Map.of("review", endpoint()), Map.of("review", tmp.resolve("state")));
    Outage o =
        within(
            Duration.ofSeconds(6),
            Outage.class,
            () -> access.resolve(new RepoRef("review", "proj"), "refs/heads/master"));
    assertThat(o.connection()).isEqualTo("review");
  }

  @Test
  void a_fetch_refused_or_answered_503_is_an_outage() throws Exception {
    GerritRepoAccess access =
        new GerritRepoAccess(Map.of("review", endpoint()), Map.of("review", tmp.resolve("state")));
    answer("proj", 503, "down");
    within(
        WITHIN,
        Outage.class,
        () -> access.resolve(new RepoRef("review", "proj"), "refs/heads/master"));
    relay.refuse();
    within(
        WITHIN, Outage.class, () -> access.checkout(new RepoRef("review", "proj"), "c".repeat(40)));
  }

  @Test
  void a_repository_gerrit_says_does_not_exist_is_a_repo_access_exception() throws Exception {
    answer("proj", 404, "Not Found");
    GerritRepoAccess access =
        new GerritRepoAccess(Map.of("review", endpoint()), Map.of("review", tmp.resolve("state")));
    within(
        WITHIN,
        RepoAccess.RepoAccessException.class,
        () -> access.resolve(new RepoRef("review", "proj"), "refs/heads/master"));
  }
}
