package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.secret.SecretValue;
import org.seakeeper.core.store.AuditRecord;

/**
 * The project page ({@code /projects/{project}}) with its Run pipeline form and the secrets page
 * ({@code /projects/{project}/secrets}), server-rendered over real HTTP on a real server ({@link
 * ProjectWeb}), logged in through a real OIDC round trip: who sees which form, what the server
 * refuses again, the outcome shown on the page a form returns to, and a secret's value never on any
 * page, redirect or message.
 */
class ProjectPagesTest {
  final ProjectWeb web;

  ProjectPagesTest() throws Exception {
    web = new ProjectWeb();
  }

  @AfterEach
  void stop() {
    web.close();
  }

  static Map<String, List<String>> form(String... kv) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.computeIfAbsent(kv[i], k -> new java.util.ArrayList<>()).add(kv[i + 1]);
    }
    return m;
  }

  static void assertHtml(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  static String withoutNonce(String html) {
    return html.replaceAll("nonce=\"[^\"]+\"", "nonce=\"\"");
  }

  private List<AuditRecord> audited(String action, AuditRecord.Outcome outcome) {
    return web.access.all().stream()
        .filter(r -> r.action().equals(action) && r.outcome() == outcome)
        .toList();
  }

  @Test
  void anonymous_sees_the_project_without_forms_and_is_sent_to_log_in_for_its_secrets()
      throws Exception {
    Build b = web.add(WebFixtureBuilds.build("demo"));
    var page = web.get("/projects/demo", null);
    assertHtml(page, 200);
    assertThat(page.body())
        .contains("<h1>Project demo</h1>")
        .contains("href=\"/builds/" + b.id() + "\"")
        .contains("href=\"/builds?project=demo\"")
        .doesNotContain("<form id=\"run\"")
        .doesNotContain("method=\"post\"")
        .doesNotContain("/projects/demo/secrets")
        .doesNotContain("name=\"_csrf\"");
    // the pages that show the project's name link to its page
    assertThat(web.get("/builds/" + b.id(), null).body()).contains("href=\"/projects/demo\"");
    assertThat(web.get("/builds", null).body()).contains("<a href=\"/projects/demo\">demo</a>");

    var secrets = web.get("/projects/demo/secrets", null);
    assertThat(secrets.statusCode()).isEqualTo(302);
    assertThat(ProjectWeb.location(secrets))
        .isEqualTo("/login?return_to=%2Fprojects%2Fdemo%2Fsecrets");
    var set =
        web.post(
            "/projects/demo/secrets",
            null,
            form("connection", "local", "name", "tok", "value", "anon-value", "pipelines", "post"));
    assertHtml(set, 401);
    assertThat(set.body()).contains("This needs an identity").doesNotContain("anon-value");
    assertThat(web.secrets.list(Optional.empty())).isEmpty();
    var trigger =
        web.post(
            "/api/v1/trigger",
            null,
            form(
                "connection",
                "local",
                "project",
                "demo",
                "pipeline",
                "post",
                "ref",
                "refs/heads/main",
                "return_to",
                "/projects/demo"));
    assertHtml(trigger, 401);
    assertThat(trigger.body()).contains("href=\"/projects/demo\">Back</a>");
    assertThat(web.commands.calls).isEmpty();
  }

  @Test
  void a_hostile_project_name_reaches_its_page_through_the_links_and_shows_as_text()
      throws Exception {
    String hostile = "team/" + UiPageTest.HOSTILE;
    web.add(WebFixtureBuilds.build(hostile));
    String history = web.get("/builds", null).body();
    String href = ProjectPage.path(hostile);
    assertThat(history).contains("href=\"" + Html.esc(href) + "\"");
    var page = web.get(href, null);
    assertHtml(page, 200);
    UiPageTest.assertHostileNamesEscaped(page.body());
    assertThat(page.body()).contains("<h1>Project team/&lt;img src=x onerror=alert(1)&gt;");
  }

  @Test
  void a_private_project_is_a_404_like_a_project_nobody_serves() throws Exception {
    web.add(WebFixtureBuilds.build("secret"));
    var hidden = web.get("/projects/secret", null);
    assertHtml(hidden, 404);
    assertThat(hidden.body()).contains("There is no project secret.").doesNotContain("Recent");
    var unknown = web.get("/projects/nothing", null);
    assertHtml(unknown, 404);
    // the same page as for a project nobody serves (but for the name and the page's nonce)
    assertThat(withoutNonce(unknown.body()).replace("nothing", "secret"))
        .isEqualTo(withoutNonce(hidden.body()));
    String developer = web.login("bob", List.of("dev"));
    assertHtml(web.get("/projects/secret", developer), 404);
    assertThat(web.get("/projects/secret/secrets", developer).statusCode()).isEqualTo(404);
  }

  @Test
  void a_developer_sees_no_trigger_form_and_is_refused_the_secrets_page() throws Exception {
    web.add(WebFixtureBuilds.build("demo"));
    String cookie = web.login("bob", List.of("dev"));
    String page = web.get("/projects/demo", cookie).body();
    assertThat(page)
        .contains("Signed in as user:bob")
        .doesNotContain("<form id=\"run\"")
        .doesNotContain("/projects/demo/secrets");
    var secrets = web.get("/projects/demo/secrets", cookie);
    assertHtml(secrets, 403);
    assertThat(secrets.body()).contains("user:bob may not do secret.list");
    // the server asks again: the form posted anyway is refused, as a page
    String csrf = WebFixture.json(web.get("/api/v1/whoami", cookie)).path("csrf_token").asText();
    var trigger =
        web.post(
            "/api/v1/trigger",
            cookie,
            form(
                "connection",
                "local",
                "project",
                "demo",
                "pipeline",
                "post",
                "ref",
                "refs/heads/main",
                "return_to",
                "/projects/demo",
                "_csrf",
                csrf));
    assertHtml(trigger, 403);
    assertThat(trigger.body()).contains("user:bob may not do trigger");
    var set =
        web.post(
            "/projects/demo/secrets",
            cookie,
            form(
                "connection",
                "local",
                "name",
                "tok",
                "value",
                "dev-value",
                "pipelines",
                "post",
                "_csrf",
                csrf));
    assertHtml(set, 403);
    assertThat(set.body()).doesNotContain("dev-value");
    assertThat(web.commands.calls).isEmpty();
    assertThat(web.secrets.list(Optional.empty())).isEmpty();
    assertThat(audited("secret.set", AuditRecord.Outcome.REFUSED)).hasSize(1);
  }

  @Test
  void a_maintainer_sets_a_secret_by_the_form_sees_its_name_never_its_value_and_deletes_it()
      throws Exception {
    String value = "hunter2-" + java.util.UUID.randomUUID();
    String cookie = web.login("alice", List.of("maint"));
    String project = web.get("/projects/demo", cookie).body();
    assertThat(project).contains("href=\"/projects/demo/secrets\">Secrets</a>");
    String page = web.get("/projects/demo/secrets", cookie).body();
    assertThat(page)
        .contains("<h1>Secrets of demo</h1>")
        .contains("This project has no secrets yet.")
        .contains("type=\"password\"");
    assertThat(ProjectWeb.assertEveryInputIsLabelled(page)).isEqualTo(5); // name, value, 3 scopes
    assertThat(page).doesNotContain("value=\"gate\""); // an admin's choice (docs/contracts.md §1)
    String csrf = ProjectWeb.field(page, "set-secret", Access.CSRF_FIELD);

    // without the session's CSRF token: refused, nothing stored
    var forged =
        web.post(
            "/projects/demo/secrets",
            cookie,
            form(
                "connection",
                "local",
                "name",
                "deploy-token",
                "value",
                value,
                "pipelines",
                "post"));
    assertHtml(forged, 403);
    assertThat(forged.body()).contains("without its CSRF token").doesNotContain(value);
    assertThat(web.secrets.list(Optional.empty())).isEmpty();

    var set =
        web.post(
            "/projects/demo/secrets",
            cookie,
            form(
                "_csrf",
                csrf,
                "connection",
                "local",
                "name",
                "deploy-token",
                "value",
                value,
                "pipelines",
                "post",
                "pipelines",
                "release"));
    String back = ProjectWeb.location(set);
    assertThat(back).startsWith("/projects/demo/secrets?notice=").doesNotContain("hunter2");
    assertThat(set.body()).doesNotContain(value);
    assertThat(web.secrets.get("local", "demo", "deploy-token").orElseThrow().value())
        .isEqualTo(SecretValue.of(value));
    String listed = web.get(back, cookie).body();
    assertThat(listed)
        .contains("secret &#39;deploy-token&#39; of local/demo set for post, release")
        .contains("<code>deploy-token</code>")
        .contains("<td>post, release</td>")
        .contains(" UTC</td>")
        .doesNotContain(value)
        .doesNotContain("hunter2");
    assertThat(audited("secret.set", AuditRecord.Outcome.ALLOWED))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.who()).isEqualTo("user:alice");
              assertThat(r.target()).isEqualTo("secret local/demo deploy-token");
            });
    assertThat(audited("secret.set", AuditRecord.Outcome.REFUSED)).hasSize(1); // the forged one
    // the notice is alice's: nobody else sees it through the link
    assertThat(web.get(back, web.login("carol", List.of("maint"))).body())
        .doesNotContain("id=\"notice\"");

    // refused by the store: the reason on the page, still nothing of the value
    String tooLong = "x".repeat(SecretValue.MAX_BYTES + 1);
    var big =
        web.post(
            "/projects/demo/secrets",
            cookie,
            form(
                "_csrf",
                csrf,
                "connection",
                "local",
                "name",
                "big",
                "value",
                tooLong,
                "pipelines",
                "post"));
    String refused = web.get(ProjectWeb.location(big), cookie).body();
    assertThat(refused)
        .contains("class=\"notice refused\" role=\"alert\">the value is longer than the")
        .doesNotContain(Integer.toString(tooLong.length()))
        .doesNotContain("xxxxxxxx");
    var noScope =
        web.post(
            "/projects/demo/secrets",
            cookie,
            form("_csrf", csrf, "connection", "local", "name", "other", "value", value));
    assertThat(web.get(ProjectWeb.location(noScope), cookie).body())
        .contains("a secret needs at least one pipeline")
        .doesNotContain(value);
    // gate (approved, unmerged code) is an admin's choice: the server refuses it to a maintainer
    var gate =
        web.post(
            "/projects/demo/secrets",
            cookie,
            form(
                "_csrf",
                csrf,
                "connection",
                "local",
                "name",
                "gated",
                "value",
                value,
                "pipelines",
                "gate",
                "pipelines",
                "post"));
    assertHtml(gate, 403);
    assertThat(gate.body())
        .contains("Only an admin may offer a secret to gate")
        .doesNotContain(value);
    var api =
        web.http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(web.url("/api/v1/secrets/local/demo/gated")))
                .header("Cookie", cookie)
                .header(Access.CSRF_HEADER, csrf)
                .header("Content-Type", "application/json")
                .PUT(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"value\":\"v\",\"pipelines\":[\"gate\"]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(WebFixture.error(api, 403)).as("the API refuses it alike").isEqualTo("forbidden");
    assertThat(web.secrets.list(Optional.empty())).hasSize(1);

    String delCsrf = ProjectWeb.field(listed, "set-secret", Access.CSRF_FIELD);
    assertThat(listed).contains("aria-label=\"Delete secret deploy-token of local\"");
    var deleted =
        web.post(
            "/projects/demo/secrets/delete",
            cookie,
            form("connection", "local", "name", "deploy-token", "_csrf", delCsrf));
    String after = web.get(ProjectWeb.location(deleted), cookie).body();
    assertThat(after)
        .contains("secret &#39;deploy-token&#39; of local/demo deleted")
        .contains("This project has no secrets yet.");
    assertThat(web.secrets.list(Optional.empty())).isEmpty();
    assertThat(audited("secret.delete", AuditRecord.Outcome.ALLOWED)).hasSize(1);
    assertThat(web.access.all()).noneSatisfy(r -> assertThat(r.message()).contains("hunter2"));
  }

  @Test
  void an_admin_may_offer_a_secret_to_gate_from_the_page() throws Exception {
    String cookie = web.login("root", List.of("admins"));
    String page = web.get("/projects/demo/secrets", cookie).body();
    assertThat(ProjectWeb.assertEveryInputIsLabelled(page)).isEqualTo(6);
    var set =
        web.post(
            "/projects/demo/secrets",
            cookie,
            form(
                "_csrf",
                ProjectWeb.field(page, "set-secret", Access.CSRF_FIELD),
                "connection",
                "local",
                "name",
                "gated",
                "value",
                "v",
                "pipelines",
                "gate",
                "pipelines",
                "post"));
    assertThat(web.get(ProjectWeb.location(set), cookie).body())
        .contains("secret &#39;gated&#39; of local/demo set for gate, post");
  }

  @Test
  void a_project_with_a_slash_has_its_page_and_its_secrets_page() throws Exception {
    String cookie = web.login("alice", List.of("maint"));
    String project = web.get("/projects/team/app", cookie).body();
    assertThat(project)
        .contains("<h1>Project team/app</h1>")
        .contains("href=\"/projects/team/app/secrets\"")
        .contains("name=\"connection\" value=\"review\"");
    String page = web.get("/projects/team/app/secrets", cookie).body();
    assertThat(page).contains("<h1>Secrets of team/app</h1>");
    var set =
        web.post(
            "/projects/team/app/secrets",
            cookie,
            form(
                "_csrf",
                ProjectWeb.field(page, "set-secret", Access.CSRF_FIELD),
                "connection",
                "review",
                "name",
                "key",
                "value",
                "v",
                "pipelines",
                "post"));
    assertThat(ProjectWeb.location(set)).startsWith("/projects/team/app/secrets?notice=");
    assertThat(web.secrets.get("review", "team/app", "key")).isPresent();
  }

  @Test
  void the_run_pipeline_form_queues_a_build_or_shows_why_not_on_the_project_page()
      throws Exception {
    web.add(WebFixtureBuilds.build("demo"));
    String cookie = web.login("alice", List.of("maint"));
    String page = web.get("/projects/demo", cookie).body();
    assertThat(page).contains("<form id=\"run\" method=\"post\" action=\"/api/v1/trigger\">");
    assertThat(ProjectWeb.assertEveryInputIsLabelled(page)).isEqualTo(2); // pipeline, ref
    assertThat(page)
        .contains("<option value=\"post\">")
        .contains("<option value=\"periodic\">")
        .contains("<option value=\"release\">")
        .doesNotContain("<option value=\"check\">");
    Map<String, List<String>> fields =
        form(
            "project", ProjectWeb.field(page, "run", "project"),
            "return_to", ProjectWeb.field(page, "run", "return_to"),
            "_csrf", ProjectWeb.field(page, "run", Access.CSRF_FIELD),
            "connection", ProjectWeb.field(page, "run", "connection"),
            "pipeline", "post",
            "ref", "refs/tags/v1.0");
    var bad = web.post("/api/v1/trigger", cookie, fields);
    String back = ProjectWeb.location(bad);
    assertThat(back).startsWith("/projects/demo?notice=");
    var shown = web.get(back, cookie);
    assertHtml(shown, 200);
    String reason =
        ProjectWeb.Triggers.POLICY
            .refMismatch(org.seakeeper.core.model.PipelineName.POST, "refs/tags/v1.0")
            .orElseThrow();
    assertThat(shown.body())
        .contains("class=\"notice refused\" role=\"alert\">" + Html.esc(reason) + "</p>")
        .contains("<form id=\"run\"");

    fields.put("ref", List.of("refs/heads/main"));
    var good = web.post("/api/v1/trigger", cookie, fields);
    String done = web.get(ProjectWeb.location(good), cookie).body();
    assertThat(done)
        .contains("post queued for demo refs/heads/main at 7e57c0ffee12")
        .contains("triggered-job")
        .contains("<span class=\"status queued\">queued</span>");
    assertThat(web.commands.calls)
        .containsExactly(
            "trigger local demo post refs/tags/v1.0", "trigger local demo post refs/heads/main");
    assertThat(audited("trigger", AuditRecord.Outcome.ALLOWED)).hasSize(2);
  }
}
