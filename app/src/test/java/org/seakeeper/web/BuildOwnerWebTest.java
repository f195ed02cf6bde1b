package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.auth.TokenSecrets;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.Grant;
import org.seakeeper.core.model.Role;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.store.ApiToken;
import org.seakeeper.testkit.InMemoryAccessStore;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;

/**
 * The owner of a build's change over real HTTP (docs/roles.md): in the build JSON, on the build and
 * change pages (escaped), and the Re-run and Cancel buttons a developer is offered only on builds
 * of changes they own.
 */
class BuildOwnerWebTest {
  static final String HOSTILE = "<img src=x onerror=alert(1)>\"'&";

  final InMemoryAccessStore access = new InMemoryAccessStore();
  final InMemoryStore store = new InMemoryStore();
  final WebServer server;
  final HttpClient http = HttpClient.newHttpClient();

  BuildOwnerWebTest() {
    server =
        new WebServer(
                new WebServer.Services(
                    store.queries(),
                    new InMemoryLogStore(),
                    new WebFixture.FakeCommands(),
                    () -> "admin-secret",
                    URI.create("https://ci.example.org/"),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    Map::of),
                EmbargoDesk.NONE,
                new AccessSettings(
                    access,
                    new ServerConfig.Auth(
                        Optional.empty(),
                        List.of(new Grant(Role.DEVELOPER, Optional.of("demo"), "user:dev")),
                        Set.of(),
                        Duration.ofHours(1)),
                    Optional.empty(),
                    Clock.systemUTC()))
            .start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.stop();
    http.close();
  }

  Build insert(Optional<String> owner, BuildStatus status) {
    Build b = WebFixtureBuilds.build("demo", owner);
    Build x =
        new Build(
            0,
            b.buildsetId(),
            b.connection(),
            b.project(),
            b.change(),
            b.patchset(),
            owner,
            b.ref(),
            b.commit(),
            b.pipeline(),
            b.job(),
            b.attempt(),
            status,
            b.tier(),
            b.needs(),
            b.queuedAt(),
            status.terminal() ? b.startedAt() : Optional.empty(),
            status.terminal() ? b.finishedAt() : Optional.empty(),
            b.detail(),
            b.logSha256());
    return store.transaction(tx -> tx.builds().insert(x));
  }

  String token(String user) {
    String secret = TokenSecrets.newToken();
    Instant now = Instant.now();
    access.addToken(
        new ApiToken(
            TokenSecrets.id(),
            user,
            "t",
            TokenSecrets.sha256(secret),
            Set.of(),
            now,
            now.plusSeconds(3600),
            Optional.empty(),
            Optional.empty(),
            "admin"));
    return secret;
  }

  HttpResponse<String> get(String path, Optional<String> token) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    token.ifPresent(t -> r.header("Authorization", "Bearer " + t));
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void the_build_json_names_the_owner_or_null() throws Exception {
    Build owned = insert(Optional.of("dev"), BuildStatus.SUCCESS);
    Build unknown = insert(Optional.empty(), BuildStatus.SUCCESS);
    JsonNode one =
        Json.MAPPER.readTree(get("/api/v1/builds/" + owned.id(), Optional.empty()).body());
    assertThat(one.path("owner").asText()).isEqualTo("dev");
    JsonNode none =
        Json.MAPPER.readTree(get("/api/v1/builds/" + unknown.id(), Optional.empty()).body());
    assertThat(none.has("owner")).isTrue();
    assertThat(none.path("owner").isNull()).isTrue();
    JsonNode list =
        Json.MAPPER.readTree(get("/api/v1/builds?change=1234", Optional.empty()).body());
    assertThat(list.path("builds"))
        .extracting(b -> b.path("owner").isNull() ? null : b.path("owner").asText())
        .containsExactly(null, "dev");
  }

  @Test
  void the_build_and_change_pages_show_the_owner_escaped() throws Exception {
    Build b = insert(Optional.of(HOSTILE), BuildStatus.SUCCESS);
    String build = get("/builds/" + b.id(), Optional.empty()).body();
    assertThat(build)
        .contains("<dt>Owner</dt><dd>&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;</dd>")
        .doesNotContain("<img src=x");
    String change = get("/changes/1234?connection=local&project=demo", Optional.empty()).body();
    assertThat(change)
        .contains("<dt>Owner</dt><dd>&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;</dd>")
        .doesNotContain("<img src=x");
    Build anon = insert(Optional.empty(), BuildStatus.SUCCESS);
    assertThat(get("/builds/" + anon.id(), Optional.empty()).body()).doesNotContain(">Owner<");
  }

  @Test
  void a_developer_is_offered_re_run_and_cancel_only_on_builds_of_changes_they_own()
      throws Exception {
    String dev = token("dev");
    Build ownDone = insert(Optional.of("dev"), BuildStatus.FAILURE);
    Build ownRunning = insert(Optional.of("dev"), BuildStatus.QUEUED);
    Build othersDone = insert(Optional.of("eve"), BuildStatus.FAILURE);
    Build othersRunning = insert(Optional.of("eve"), BuildStatus.QUEUED);
    Build unknownDone = insert(Optional.empty(), BuildStatus.FAILURE);
    Optional<String> as = Optional.of(dev);
    assertThat(get("/builds/" + ownDone.id(), as).body())
        .contains("action=\"/api/v1/builds/" + ownDone.id() + "/retry\"");
    assertThat(get("/builds/" + ownRunning.id(), as).body())
        .contains("action=\"/api/v1/builds/" + ownRunning.id() + "/cancel\"");
    for (Build other : List.of(othersDone, othersRunning, unknownDone)) {
      assertThat(get("/builds/" + other.id(), as).body())
          .contains("<dt>Project</dt>")
          .doesNotContain("/retry\"")
          .doesNotContain("/cancel\"");
    }
    // nobody is offered another's build just by being logged in without a role
    assertThat(get("/builds/" + ownDone.id(), Optional.of(token("eve"))).body())
        .doesNotContain("/retry\"");
  }
}
