package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.seakeeper.auth.OidcLogin;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.Grant;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Role;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.scheduler.SchedulerCommands;
import org.seakeeper.core.scheduler.TierPolicy;
import org.seakeeper.secrets.SecretAdmin;
import org.seakeeper.testkit.InMemoryAccessStore;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemorySecretStore;
import org.seakeeper.testkit.InMemoryStore;

/**
 * A real server for the project and secrets pages: OIDC login against {@link TestOidcProvider}
 * (group {@code maint}: maintainer of demo and team/app; group {@code dev}: developer of demo;
 * group {@code admins}: admin), project {@code secret} private, secrets in memory behind the real
 * {@link SecretAdmin} (the config serves demo and secret on {@code local}, team/app on {@code
 * review}), and a scheduler stand-in whose trigger refuses a ref exactly as the scheduler does (the
 * real {@link TierPolicy}) and otherwise queues a build of the project. Its public URL is its own
 * loopback address, so a browser (or {@link #login}) follows the provider straight back to it.
 */
final class ProjectWeb implements AutoCloseable {
  static final ServerConfig CFG =
      ServerConfigParser.parse(
              """
              repos: [{name: demo, path: /srv/git/demo.git}, {name: secret, path: /srv/git/secret.git}]
              connections:
                - {name: review, type: gerrit, url: http://127.0.0.1:8081/, user: ci, http_password: x, ssh: {host: 127.0.0.1, key: /k}, projects: ["team/app"]}
              """
                  .getBytes(StandardCharsets.UTF_8))
          .config()
          .orElseThrow();

  final TestOidcProvider idp;
  final InMemoryStore store = new InMemoryStore();
  final InMemoryAccessStore access = new InMemoryAccessStore();
  final InMemorySecretStore secrets = new InMemorySecretStore();
  final Triggers commands = new Triggers(store);
  final Map<String, Object> status = new LinkedHashMap<>();
  final WebServer server;
  final int port;
  final HttpClient http = HttpClient.newHttpClient(); // follows no redirects

  ProjectWeb() throws Exception {
    idp = new TestOidcProvider();
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String here = "http://127.0.0.1:" + port + "/";
    ServerConfig.Auth auth =
        new ServerConfig.Auth(
            Optional.of(
                new ServerConfig.Oidc(
                    idp.issuer(),
                    TestOidcProvider.CLIENT,
                    Optional.of("unused"),
                    "groups",
                    "preferred_username")),
            List.of(
                new Grant(Role.MAINTAINER, Optional.of("demo"), "group:maint"),
                new Grant(Role.MAINTAINER, Optional.of("team/app"), "group:maint"),
                new Grant(Role.DEVELOPER, Optional.of("demo"), "group:dev"),
                new Grant(Role.ADMIN, Optional.empty(), "group:admins")),
            Set.of("secret"),
            Duration.ofHours(8));
    OidcLogin login =
        new OidcLogin(
            auth.oidc().orElseThrow(),
            Optional.of(TestOidcProvider.SECRET),
            URI.create(here + "login/callback"),
            java.time.Clock.systemUTC());
    status.put(
        "connections",
        List.of(
            Map.of("name", "local", "type", "git", "projects", List.of("demo", "secret")),
            Map.of("name", "review", "type", "gerrit", "projects", List.of("team/app"))));
    server =
        new WebServer(
                new WebServer.Services(
                    store.queries(),
                    new InMemoryLogStore(),
                    commands,
                    () -> "admin-secret",
                    URI.create(here),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    () -> status,
                    new SecretAdmin(CFG, secrets)),
                EmbargoDesk.NONE,
                new AccessSettings(access, auth, Optional.of(login), java.time.Clock.systemUTC()))
            .start("127.0.0.1", port);
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  Build add(Build b) {
    return store.transaction(tx -> tx.builds().insert(b));
  }

  /** GET as the session of {@code cookie} (null: anonymous). */
  HttpResponse<String> get(String path, String cookie) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url(path))).GET();
    if (cookie != null) {
      r.header("Cookie", cookie);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs a page's form ({@code fields} in order, URL-encoded) as a browser would. */
  HttpResponse<String> post(String path, String cookie, Map<String, List<String>> fields)
      throws Exception {
    StringBuilder body = new StringBuilder();
    fields.forEach(
        (k, vs) -> {
          for (String v : vs) {
            body.append(body.isEmpty() ? "" : "&")
                .append(Pages.encode(k))
                .append('=')
                .append(Pages.encode(v));
          }
        });
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(url(path)))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (cookie != null) {
      r.header("Cookie", cookie);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String location(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isIn(302, 303);
    return r.headers().firstValue("Location").orElseThrow();
  }

  /** Logs {@code user} of {@code groups} in through the provider; returns the session cookie. */
  String login(String user, List<String> groups) throws Exception {
    idp.user = user;
    idp.groups = groups;
    String authorize = location(get("/login?return_to=/status", null));
    HttpResponse<String> atProvider =
        http.send(
            HttpRequest.newBuilder(URI.create(authorize)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    String callback = location(atProvider);
    assertThat(callback).startsWith(url("/login/callback?"));
    HttpResponse<String> back =
        http.send(
            HttpRequest.newBuilder(URI.create(callback)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(location(back)).isEqualTo("/status");
    return back.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(Access.COOKIE + "=") && !c.startsWith(Access.COOKIE + "=;"))
        .map(c -> c.substring(0, c.indexOf(';')))
        .findFirst()
        .orElseThrow();
  }

  /** The value of the hidden or text field {@code name} in the form whose id is {@code form}. */
  static String field(String html, String form, String name) {
    int at = html.indexOf("<form id=\"" + form + "\"");
    assertThat(at).as("form " + form).isNotNegative();
    String f = html.substring(at, html.indexOf("</form>", at));
    Matcher m =
        Pattern.compile("name=\"" + Pattern.quote(name) + "\" value=\"([^\"]*)\"").matcher(f);
    assertThat(m.find()).as(name + " in form " + form).isTrue();
    return m.group(1).replace("&amp;", "&");
  }

  /**
   * Every visible input, select and textarea has an id and a {@code <label for>} naming it (hidden
   * fields excepted); returns how many were checked.
   */
  static int assertEveryInputIsLabelled(String html) {
    Matcher m = Pattern.compile("<(input|select|textarea)\\b([^>]*)>").matcher(html);
    int checked = 0;
    while (m.find()) {
      String attrs = m.group(2);
      if (attrs.contains("type=\"hidden\"")) {
        continue;
      }
      Matcher id = Pattern.compile("\\bid=\"([^\"]+)\"").matcher(attrs);
      assertThat(id.find()).as("an id on " + m.group()).isTrue();
      assertThat(html)
          .as("a label for " + m.group())
          .contains("<label for=\"" + id.group(1) + "\"");
      checked++;
    }
    return checked;
  }

  @Override
  public void close() {
    server.stop();
    idp.close();
    http.close();
  }

  /**
   * The scheduler's trigger as the web sees it: a ref that does not fit the pipeline is refused
   * with the real policy's reason (422, as {@code Scheduler.trigger}); otherwise a build of the
   * project is queued, as the scheduler would once it took the event. Other commands are refused.
   */
  static final class Triggers implements SchedulerCommands {
    static final TierPolicy POLICY = TierPolicy.defaults(Glob.of("v*"));
    final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    private final InMemoryStore store;

    Triggers(InMemoryStore store) {
      this.store = store;
    }

    @Override
    public CommandResult recheck(String connection, String project, String change, String by) {
      calls.add("recheck " + connection + " " + project + " " + change);
      return CommandResult.accepted("check queued again for change " + change, 0);
    }

    @Override
    public CommandResult trigger(
        String connection, String project, PipelineName pipeline, String ref, String by) {
      calls.add("trigger " + connection + " " + project + " " + pipeline.id() + " " + ref);
      Optional<String> mismatch = POLICY.refMismatch(pipeline, ref);
      if (mismatch.isPresent()) {
        return CommandResult.refused(422, "ref_does_not_fit_pipeline", mismatch.get());
      }
      store.transaction(
          tx ->
              tx.builds()
                  .insert(
                      new Build(
                          0,
                          99,
                          connection,
                          project,
                          Optional.empty(),
                          Optional.empty(),
                          ref,
                          "7e57c0ffee12",
                          pipeline,
                          Optional.of("triggered-job"),
                          1,
                          BuildStatus.QUEUED,
                          pipeline == PipelineName.RELEASE ? Tier.PRIVILEGED : Tier.TRUSTED,
                          List.of(),
                          Instant.now(),
                          Optional.empty(),
                          Optional.empty(),
                          "",
                          Optional.empty())));
      return CommandResult.accepted(
          pipeline.id() + " queued for " + project + " " + ref + " at 7e57c0ffee12", 0);
    }

    private static CommandResult no() {
      return CommandResult.refused(501, "not_here", "not part of this test");
    }

    @Override
    public CommandResult cancel(long buildId, String by) {
      return no();
    }

    @Override
    public CommandResult retry(long buildId, String by) {
      return no();
    }

    @Override
    public CommandResult retryEvent(long eventId, String by) {
      return no();
    }

    @Override
    public CommandResult dropEvent(long eventId, String by) {
      return no();
    }

    @Override
    public CommandResult dequeue(String connection, String project, String change, String by) {
      return no();
    }

    @Override
    public CommandResult enqueue(String connection, String project, String change, String by) {
      return no();
    }

    @Override
    public CommandResult promote(String connection, String project, String change, String by) {
      return no();
    }
  }
}
