package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.scheduler.SchedulerCommands;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;

/** A web server on port 0 over an in-memory store and log store, with a scripted scheduler. */
final class WebFixture implements AutoCloseable {
  static final String TOKEN = "s3cret-token";
  static final String PUBLIC = "https://ci.example.org/";
  static final Instant T0 = Instant.parse("2026-01-31T12:00:00Z");

  final InMemoryStore store = new InMemoryStore();
  final InMemoryLogStore logs = new InMemoryLogStore();
  final FakeCommands commands = new FakeCommands();
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final Map<String, Object> status = new LinkedHashMap<>(Map.of("version", "test", "queued", 0));
  final StoreDesk desk = new StoreDesk(store);
  final org.seakeeper.testkit.InMemoryAccessStore access =
      new org.seakeeper.testkit.InMemoryAccessStore();
  final WebServer server;
  final HttpClient http = HttpClient.newHttpClient();

  WebFixture() {
    this(TOKEN);
  }

  /** A server whose configured admin token is {@code token}. */
  WebFixture(String token) {
    this(token, null);
  }

  /** A server with {@code /api/v1/secrets} working on {@code secrets}. */
  WebFixture(String token, org.seakeeper.secrets.SecretAdmin secrets) {
    this(token, secrets, null);
  }

  /**
   * A server reading logs from {@code served} (e.g. a {@code FileLogStore}) instead of {@link
   * #logs}.
   */
  WebFixture(org.seakeeper.core.store.LogStore served) {
    this(TOKEN, null, served);
  }

  /** A server whose pages see every request as {@code viewers} says (logs from {@code served}). */
  WebFixture(
      org.seakeeper.core.store.LogStore served,
      java.util.function.Function<io.javalin.http.Context, Viewer> viewers) {
    this(TOKEN, null, served, viewers);
  }

  private WebFixture(
      String token,
      org.seakeeper.secrets.SecretAdmin secrets,
      org.seakeeper.core.store.LogStore served) {
    this(token, secrets, served, ctx -> Viewer.ANONYMOUS);
  }

  private WebFixture(
      String token,
      org.seakeeper.secrets.SecretAdmin secrets,
      org.seakeeper.core.store.LogStore served,
      java.util.function.Function<io.javalin.http.Context, Viewer> viewers) {
    server =
        new WebServer(
                new WebServer.Services(
                    store.queries(),
                    served == null ? logs : served,
                    commands,
                    () -> token,
                    URI.create(PUBLIC),
                    registry,
                    () -> status,
                    secrets),
                desk,
                new AccessSettings(
                    access,
                    org.seakeeper.core.model.ServerConfig.Auth.NONE,
                    Optional.empty(),
                    java.time.Clock.systemUTC()))
            .viewers(viewers)
            .start("127.0.0.1", 0);
  }

  @Override
  public void close() {
    server.stop();
    http.close();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  /** A finished check build of project demo; {@code edit} changes anything. */
  Build insert(UnaryOperator<Build> edit) {
    Build b =
        new Build(
            0,
            1,
            "local",
            "demo",
            Optional.of("1234"),
            Optional.of("2"),
            "refs/changes/34/1234/2",
            "c0ffee",
            PipelineName.CHECK,
            Optional.of("unit"),
            1,
            BuildStatus.SUCCESS,
            Tier.UNTRUSTED,
            List.of(),
            T0,
            Optional.of(T0.plusSeconds(5)),
            Optional.of(T0.plusSeconds(65)),
            "exit 0",
            Optional.empty());
    Build edited = edit.apply(b);
    return store.transaction(tx -> tx.builds().insert(edited));
  }

  Build insert() {
    return insert(b -> b);
  }

  void update(Build b) {
    store.transaction(
        tx -> {
          tx.builds().update(b);
          return null;
        });
  }

  HttpResponse<String> get(String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url(path))).GET();
    if (headers.length > 0) {
      r.headers(headers);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(url(path)))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      r.headers(headers);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return send(
        "POST", path, body, "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json");
  }

  static JsonNode json(HttpResponse<String> r) throws IOException {
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    return Json.MAPPER.readTree(r.body());
  }

  /** Asserts the contract's error shape and returns the error code. */
  static String error(HttpResponse<String> r, int status) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode n = json(r);
    assertThat(n.path("message").asText())
        .isNotBlank()
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(n.size()).isEqualTo(2);
    return n.path("error").asText();
  }

  /** Scheduler commands that record calls and answer what the test scripts. */
  static final class FakeCommands implements SchedulerCommands {
    volatile java.util.Optional<String> unhealthy = java.util.Optional.empty();

    @Override
    public java.util.Optional<String> unhealthy() {
      return unhealthy;
    }

    final List<String> calls = new ArrayList<>();
    volatile CommandResult next = CommandResult.done("Done.", 0);
    volatile RuntimeException failure;

    private synchronized CommandResult answer(String call) {
      calls.add(call);
      if (failure != null) {
        throw failure;
      }
      return next;
    }

    @Override
    public CommandResult cancel(long buildId, String by) {
      return answer("cancel " + buildId + " by " + by);
    }

    @Override
    public CommandResult retry(long buildId, String by) {
      return answer("retry " + buildId + " by " + by);
    }

    @Override
    public CommandResult trigger(
        String connection, String project, PipelineName pipeline, String ref, String by) {
      return answer(
          "trigger " + connection + " " + project + " " + pipeline.id() + " " + ref + " by " + by);
    }

    @Override
    public CommandResult recheck(String connection, String project, String change, String by) {
      return answer("recheck " + connection + " " + project + " " + change + " by " + by);
    }

    @Override
    public CommandResult dequeue(String connection, String project, String change, String by) {
      return answer("dequeue " + connection + " " + project + " " + change + " by " + by);
    }

    @Override
    public CommandResult enqueue(String connection, String project, String change, String by) {
      return answer("enqueue " + connection + " " + project + " " + change + " by " + by);
    }

    @Override
    public CommandResult promote(String connection, String project, String change, String by) {
      return answer("promote " + connection + " " + project + " " + change + " by " + by);
    }

    @Override
    public CommandResult retryEvent(long eventId, String by) {
      return answer("retry event " + eventId + " by " + by);
    }

    @Override
    public CommandResult dropEvent(long eventId, String by) {
      return answer("drop event " + eventId + " by " + by);
    }
  }

  /**
   * Embargoes on the fixture's store without git: a submission adds the event, the mark, and the
   * buildset with one running build the scheduler would have made (job {@code secret-fix}).
   */
  static final class StoreDesk implements EmbargoDesk {
    private final InMemoryStore store;
    private int next = 1;
    volatile ApiError refuse;

    StoreDesk(InMemoryStore store) {
      this.store = store;
    }

    @Override
    public synchronized org.seakeeper.core.store.Embargo submit(
        String source, String project, String base, byte[] patch, String by) {
      if (refuse != null) {
        throw refuse;
      }
      String id = "e" + next++;
      return store.transaction(
          tx -> {
            if (tx.builds()
                .buildset(1)
                .isEmpty()) { // the buildset of the fixture's ordinary builds (event 0)
              tx.builds()
                  .insert(
                      new org.seakeeper.core.build.Buildset(
                          0,
                          0,
                          "local",
                          "demo",
                          Optional.of("1234"),
                          Optional.of("2"),
                          "refs/changes/34/1234/2",
                          "c0ffee",
                          PipelineName.CHECK,
                          Tier.UNTRUSTED,
                          T0,
                          Optional.empty()));
            }
            var ev =
                tx.inbox()
                    .add(
                        new org.seakeeper.core.event.TriggerEvent.Embargoed(
                            "embargoed", project, source, "refs/heads/" + base, "5ecf1x", id, by),
                        T0)
                    .orElseThrow();
            var e =
                new org.seakeeper.core.store.Embargo(
                    id,
                    ev.id(),
                    source,
                    project,
                    "refs/heads/" + base,
                    "ba5e",
                    "5ecf1x",
                    by,
                    T0,
                    Optional.empty());
            tx.embargoes().add(e);
            var set =
                tx.builds()
                    .insert(
                        new org.seakeeper.core.build.Buildset(
                            0,
                            ev.id(),
                            "embargoed",
                            project,
                            Optional.empty(),
                            Optional.empty(),
                            "refs/embargoed/" + id,
                            "5ecf1x",
                            PipelineName.RELEASE,
                            Tier.PRIVILEGED,
                            T0,
                            Optional.empty()));
            tx.builds()
                .insert(
                    new Build(
                        0,
                        set.id(),
                        "embargoed",
                        project,
                        Optional.empty(),
                        Optional.empty(),
                        "refs/embargoed/" + id,
                        "5ecf1x",
                        PipelineName.RELEASE,
                        Optional.of("secret-fix"),
                        1,
                        BuildStatus.RUNNING,
                        Tier.PRIVILEGED,
                        List.of(),
                        T0,
                        Optional.of(T0),
                        Optional.empty(),
                        "",
                        Optional.empty()));
            return e;
          });
    }

    @Override
    public List<org.seakeeper.core.store.Embargo> list() {
      return store.transaction(tx -> tx.embargoes().all());
    }

    @Override
    public Optional<org.seakeeper.core.store.Embargo> get(String id) {
      return store.transaction(tx -> tx.embargoes().get(id));
    }

    @Override
    public List<Build> builds(String id) {
      return store.transaction(
          tx ->
              tx.embargoes().buildsets(id).stream()
                  .flatMap(s -> tx.builds().ofBuildset(s).stream())
                  .toList());
    }

    @Override
    public boolean publish(String id, String by) {
      Boolean done = store.transaction(tx -> tx.embargoes().publish(id, T0.plusSeconds(600)));
      return done;
    }
  }
}
