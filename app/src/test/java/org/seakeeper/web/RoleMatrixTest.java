package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.auth.TokenSecrets;
import org.seakeeper.core.access.Decision;
import org.seakeeper.core.access.Identity;
import org.seakeeper.core.access.Policy;
import org.seakeeper.core.access.Target;
import org.seakeeper.core.model.Grant;
import org.seakeeper.core.model.Role;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.store.ApiToken;
import org.seakeeper.core.store.AuditRecord;
import org.seakeeper.testkit.InMemoryAccessStore;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;

/**
 * Every state-changing route × every role × a public and a private project, generated from the
 * server's own route table: a route without a policy action, or without a sample here, fails this
 * test. Each cell checks the HTTP answer against the policy (401/403/404 refused, anything else
 * allowed), that a refused request reached no scheduler command, and that the request left an audit
 * record with the right outcome. The build routes also run on {@value #OWN}: a build of {@code
 * demo} whose change the developer {@code dev} owns (the other builds belong to {@code eve}).
 */
class RoleMatrixTest {
  static final String ADMIN_TOKEN = "admin-secret";
  static final List<Grant> GRANTS =
      List.of(
          new Grant(Role.DEVELOPER, Optional.of("demo"), "user:dev"),
          new Grant(Role.MAINTAINER, Optional.of("demo"), "user:maint"),
          new Grant(Role.MAINTAINER, Optional.of("secret"), "user:smaint"),
          new Grant(Role.DEPLOYER, Optional.of("demo"), "user:deployer"),
          new Grant(Role.SECURITY, Optional.empty(), "user:sec"),
          new Grant(Role.ADMIN, Optional.empty(), "user:root"));
  static final Policy POLICY = new Policy(GRANTS, Set.of("secret"));

  final InMemoryAccessStore access = new InMemoryAccessStore();
  final InMemoryStore store = new InMemoryStore();
  final WebFixture.FakeCommands commands = new WebFixture.FakeCommands();
  final WebServer server;
  final HttpClient http = HttpClient.newHttpClient();
  final Map<String, Long> buildOf = new LinkedHashMap<>();

  /** The subject of the build routes' extra cells: a build of demo that dev owns. */
  static final String OWN = "demo-own-build";

  /** Each route's subjects: both projects, and for the build routes dev's own build too. */
  static List<String> subjects(String route) {
    return route.startsWith("POST /api/v1/builds/")
        ? List.of("demo", "secret", OWN)
        : List.of("demo", "secret");
  }

  RoleMatrixTest() {
    server =
        new WebServer(
                new WebServer.Services(
                    store.queries(),
                    new InMemoryLogStore(),
                    commands,
                    () -> ADMIN_TOKEN,
                    URI.create("https://ci.example.org/"),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    Map::of),
                EmbargoDesk.NONE,
                new AccessSettings(
                    access,
                    new ServerConfig.Auth(
                        Optional.empty(), GRANTS, Set.of("secret"), Duration.ofHours(1)),
                    Optional.empty(),
                    Clock.systemUTC()))
            .start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.stop();
    http.close();
  }

  /** A request for one route on one project, and the target the policy judges. */
  record Sample(String path, String body, String contentType, Target target) {}

  /** Routes whose refusal for a person is "not yours" (404) rather than the policy's. */
  static final Set<String> OWN_ONLY =
      Set.of("DELETE /api/v1/tokens/{id}", "POST /tokens/{id}/revoke");

  Map<String, Function<String, Sample>> samples() {
    Map<String, Function<String, Sample>> m = new LinkedHashMap<>();
    String json = "application/json";
    for (String verb : List.of("cancel", "retry")) {
      m.put(
          "POST /api/v1/builds/{id}/" + verb,
          p ->
              new Sample(
                  "/api/v1/builds/" + buildOf.get(p) + "/" + verb,
                  "",
                  json,
                  p.equals(OWN)
                      ? Target.build("demo", Optional.of("dev"))
                      : Target.build(p, Optional.of("eve"))));
    }
    m.put(
        "POST /api/v1/trigger",
        p ->
            new Sample(
                "/api/v1/trigger",
                "{\"connection\":\"local\",\"project\":\""
                    + p
                    + "\",\"pipeline\":\"post\",\"ref\":\"refs/heads/main\"}",
                json,
                Target.trigger(p, "post")));
    for (String verb : List.of("dequeue", "enqueue", "promote")) {
      m.put(
          "POST /api/v1/queues/" + verb,
          p ->
              new Sample(
                  "/api/v1/queues/" + verb,
                  "{\"connection\":\"local\",\"project\":\"" + p + "\",\"change\":\"1\"}",
                  json,
                  Target.project(p)));
    }
    for (String verb : List.of("retry", "drop")) {
      m.put(
          "POST /api/v1/events/{id}/" + verb,
          p -> new Sample("/api/v1/events/1/" + verb, "", json, Target.NONE));
    }
    for (String method : List.of("PUT", "DELETE")) {
      m.put(
          method + " /api/v1/secrets/{connection}/<project>/{name}",
          p ->
              new Sample(
                  "/api/v1/secrets/local/" + p + "/tok",
                  "{\"value\":\"x\"}",
                  json,
                  Target.project(p)));
    }
    // An artifact nobody kept: it has no project, so only an admin gets past the policy.
    m.put(
        "POST /api/v1/artifacts/{sha256}/promote",
        p ->
            new Sample(
                "/api/v1/artifacts/" + "a".repeat(64) + "/promote",
                "{\"channel\":\"production\"}",
                json,
                Target.NONE));
    m.put(
        "POST /api/v1/promotions/{id}/result",
        p ->
            new Sample(
                "/api/v1/promotions/999/result", "{\"outcome\":\"passed\"}", json, Target.NONE));
    m.put(
        "POST /api/v1/embargoed",
        p ->
            new Sample(
                "/api/v1/embargoed?project=" + p + "&base=main",
                "diff",
                "text/plain",
                Target.NONE));
    m.put(
        "POST /api/v1/embargoed/{id}/publish",
        p -> new Sample("/api/v1/embargoed/e1/publish", "{}", json, Target.NONE));
    m.put(
        "POST /api/v1/tokens",
        p -> new Sample("/api/v1/tokens", "{\"name\":\"n\"}", json, Target.NONE));
    m.put(
        "DELETE /api/v1/tokens/{id}",
        p -> new Sample("/api/v1/tokens/nope", "", json, Target.NONE));
    m.put(
        "POST /api/v1/users/{user}/tokens",
        p -> new Sample("/api/v1/users/bob/tokens", "{\"name\":\"n\"}", json, Target.NONE));
    m.put(
        "DELETE /api/v1/users/{user}/sessions",
        p -> new Sample("/api/v1/users/bob/sessions", "", json, Target.NONE));
    m.put(
        "POST /api/v1/grants",
        p ->
            new Sample(
                "/api/v1/grants",
                "{\"role\":\"developer\",\"project\":\"" + p + "\",\"who\":\"user:zed\"}",
                json,
                Target.NONE));
    m.put(
        "DELETE /api/v1/grants/{id}", p -> new Sample("/api/v1/grants/999", "", json, Target.NONE));
    String form = "application/x-www-form-urlencoded";
    m.put(
        "POST /projects/<project>/secrets",
        p ->
            new Sample(
                "/projects/" + p + "/secrets",
                "connection=local&name=tok&value=x&pipelines=post",
                form,
                Target.project(p)));
    m.put(
        "POST /projects/<project>/secrets/delete",
        p ->
            new Sample(
                "/projects/" + p + "/secrets/delete",
                "connection=local&name=tok",
                form,
                Target.project(p)));
    m.put(
        "POST /tokens",
        p ->
            new Sample(
                "/tokens", "name=n&days=1", "application/x-www-form-urlencoded", Target.NONE));
    m.put(
        "POST /tokens/{id}/revoke",
        p ->
            new Sample(
                "/tokens/nope/revoke", "", "application/x-www-form-urlencoded", Target.NONE));
    return m;
  }

  /** Identities and the Authorization header each sends (none for anonymous). */
  Map<Identity, Optional<String>> identities() {
    Map<Identity, Optional<String>> m = new LinkedHashMap<>();
    m.put(Identity.ANONYMOUS, Optional.empty());
    m.put(Identity.ADMIN_TOKEN, Optional.of(ADMIN_TOKEN));
    for (String user : List.of("nobody", "dev", "maint", "smaint", "deployer", "sec", "root")) {
      String secret = TokenSecrets.newToken();
      String id = TokenSecrets.id();
      Instant now = Instant.now();
      access.addToken(
          new ApiToken(
              id,
              user,
              "matrix",
              TokenSecrets.sha256(secret),
              Set.of(),
              now,
              now.plusSeconds(3600),
              Optional.empty(),
              Optional.empty(),
              "admin"));
      m.put(Identity.person(user, Set.of(), "token:" + id), Optional.of(secret));
    }
    return m;
  }

  @Test
  void every_state_changing_route_asks_the_policy_for_every_role_and_project() throws Exception {
    for (var b :
        Map.of(
                "demo",
                WebFixtureBuilds.build("demo", Optional.of("eve")),
                "secret",
                WebFixtureBuilds.build("secret", Optional.of("eve")),
                OWN,
                WebFixtureBuilds.build("demo", Optional.of("dev")))
            .entrySet()) {
      buildOf.put(b.getKey(), store.transaction(tx -> tx.builds().insert(b.getValue())).id());
    }
    Map<String, String> answers = new LinkedHashMap<>();
    Map<String, Function<String, Sample>> samples = samples();
    Map<Identity, Optional<String>> who = identities();
    List<String> failures = new ArrayList<>();
    int cells = 0;
    for (WebServer.RouteInfo route : server.routes()) {
      if (Access.safe(route.method())) {
        continue;
      }
      String key = route.method() + " " + route.path();
      if (route.selfGuarded()) {
        assertThat(key).isEqualTo("POST /logout"); // the login flow's own checks (OidcLoginTest)
        continue;
      }
      assertThat(route.action()).as(key + " names no policy action").isPresent();
      assertThat(samples).as(key + " has no sample in RoleMatrixTest").containsKey(key);
      for (String project : subjects(key)) {
        Sample s = samples.get(key).apply(project);
        for (var e : who.entrySet()) {
          cells++;
          Identity id = e.getKey();
          int before = access.all().size();
          int calls = commands.calls.size();
          HttpRequest.Builder r =
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + s.path()))
                  .header("Content-Type", s.contentType())
                  .method(route.method(), HttpRequest.BodyPublishers.ofString(s.body()));
          e.getValue().ifPresent(t -> r.header("Authorization", "Bearer " + t));
          HttpResponse<String> res = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
          Decision d = POLICY.decide(id, route.action().get(), s.target());
          if (id.anonymous()) {
            d = Decision.UNAUTHENTICATED; // refused before the target is read
          }
          String cell =
              key
                  + " on "
                  + project
                  + " as "
                  + id.who()
                  + ": "
                  + res.statusCode()
                  + " "
                  + res.body();
          List<AuditRecord> added = access.all().subList(before, access.all().size());
          answers.put(
              key + " " + project + " " + id.who(),
              res.statusCode() + " " + added.stream().map(a -> a.outcome().toString()).toList());
          if (OWN_ONLY.contains(key) && !id.anonymous()) {
            if (res.statusCode() != 404) {
              failures.add(cell + " (expected 404: not their token)");
            }
          } else if (d.allowed()) {
            if (List.of(401, 403).contains(res.statusCode())
                || added.stream().noneMatch(a -> a.outcome() == AuditRecord.Outcome.ALLOWED)) {
              failures.add(cell + " (expected allowed, audited)");
            }
          } else {
            if (res.statusCode() != d.status()
                || commands.calls.size() != calls
                || added.stream().noneMatch(a -> a.outcome() == AuditRecord.Outcome.REFUSED)) {
              failures.add(cell + " (expected " + d.status() + ", refused, audited, no command)");
            }
          }
          if (added.isEmpty()) {
            failures.add(cell + " (no audit record)");
          }
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(cells).isGreaterThan(300);
    // a developer cancels and retries the builds of changes they own, and only those
    // (docs/roles.md)
    for (String verb : List.of("cancel", "retry")) {
      String route = "POST /api/v1/builds/{id}/" + verb;
      Identity dev =
          who.keySet().stream().filter(i -> "user:dev".equals(i.who())).findFirst().orElseThrow();
      assertThat(answers.get(route + " " + OWN + " " + dev.who())).isEqualTo("200 [ALLOWED]");
      assertThat(answers.get(route + " demo " + dev.who())).isEqualTo("403 [REFUSED]");
      assertThat(answers.get(route + " " + OWN + " user:deployer")).isEqualTo("403 [REFUSED]");
      assertThat(answers.get(route + " " + OWN + " user:maint")).isEqualTo("200 [ALLOWED]");
    }
  }
}
