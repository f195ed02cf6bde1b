package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildRun;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.Job;
import org.seakeeper.core.model.When;

/**
 * What a build was given (issue 13, the build page) over HTTP: the page's section and the API's
 * {@code run} object, with hostile config values shown as text, and builds that never started
 * saying so.
 */
class BuildRunPageTest {
  static final String EVIL = "<script>alert(1)</script>";

  private final WebFixture web = new WebFixture();

  @AfterEach
  void stop() {
    web.close();
  }

  private static Job job(String script, Map<String, String> vars, List<String> secrets) {
    return new Job(
        "publish[env=<prod>]",
        script,
        Duration.ofMinutes(7),
        "host",
        List.of("test"),
        List.of("dist/*"),
        secrets,
        vars,
        1,
        3,
        new When(List.of(Glob.of("main")), List.of(), List.of()),
        "ships \"it\" & more",
        Optional.empty());
  }

  private Build started(BuildRun run) {
    Build b = web.insert(x -> x);
    web.store.transaction(
        tx -> {
          tx.builds().saveRun(b.id(), run);
          return null;
        });
    return b;
  }

  private static Build unstarted(Build b, BuildStatus status) {
    return new Build(
        b.id(),
        b.buildsetId(),
        b.connection(),
        b.project(),
        b.change(),
        b.patchset(),
        b.ref(),
        b.commit(),
        b.pipeline(),
        b.job(),
        b.attempt(),
        status,
        b.tier(),
        b.needs(),
        b.queuedAt(),
        Optional.empty(),
        status.terminal() ? Optional.of(b.queuedAt().plusSeconds(1)) : Optional.empty(),
        "",
        Optional.empty());
  }

  @Test
  void the_page_and_the_api_show_the_secrets_names_network_and_config_as_text() throws Exception {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("EVIL", EVIL);
    vars.put("MODE", "a & b");
    BuildRun run =
        BuildRun.of(
            job("echo '</pre><script>alert(2)</script>'\nmake publish\n", vars, List.of("token")),
            List.of("token"),
            true);
    Build b = started(run);

    String html = web.get("/builds/" + b.id()).body();
    String section = html.substring(html.indexOf("<section aria-labelledby=\"run-heading\">"));
    section = section.substring(0, section.indexOf("</section>"));
    assertThat(section)
        .contains(
            "<dt>Secrets handed over</dt><dd><code>token</code> (names only; values never"
                + " shown)</dd>")
        .contains("<dt>Image</dt><dd><code>host</code></dd>")
        .contains("<dt>Timeout</dt><dd>7m 00s</dd>")
        .contains("<dt>Checkout depth</dt><dd>3 commits</dd>")
        .contains("<details id=\"run-config\">")
        .contains("<code>publish[env=&lt;prod&gt;]</code>")
        .contains(
            "<tr><td><code>EVIL</code></td><td><code>&lt;script&gt;alert(1)&lt;/script&gt;"
                + "</code></td></tr>")
        .contains("<td><code>a &amp; b</code></td>")
        .contains(
            "<pre id=\"run-script\">echo"
                + " &#39;&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;&#39;\n"
                + "make publish\n"
                + "</pre>")
        .contains("ships &quot;it&quot; &amp; more")
        .doesNotContain("run-cut");
    assertThat(html)
        .contains("<dt>Network</dt><dd>on</dd>")
        .doesNotContain("<script>alert")
        .doesNotContain("<prod>");

    JsonNode json = WebFixture.json(web.get("/api/v1/builds/" + b.id()));
    assertThat(json.path("id").asText()).isEqualTo(Long.toString(b.id()));
    assertThat(json.path("status").asText()).isEqualTo("success");
    JsonNode r = json.path("run");
    assertThat(r.path("secrets").toString()).isEqualTo("[\"token\"]");
    assertThat(r.path("network").asBoolean()).isTrue();
    assertThat(r.path("image").asText()).isEqualTo("host");
    assertThat(r.path("timeout_seconds").asLong()).isEqualTo(420);
    assertThat(r.path("checkout_depth").asInt()).isEqualTo(3);
    JsonNode c = r.path("config");
    assertThat(c.path("name").asText()).isEqualTo("publish[env=<prod>]");
    assertThat(c.path("variables").path("EVIL").asText()).isEqualTo(EVIL);
    assertThat(c.path("script").asText()).startsWith("echo '</pre>");
    assertThat(c.path("secrets").toString()).isEqualTo("[\"token\"]");
    assertThat(c.path("needs").toString()).isEqualTo("[\"test\"]");
    assertThat(c.path("artifacts").toString()).isEqualTo("[\"dist/*\"]");
    assertThat(c.path("when").path("branches").toString()).isEqualTo("[\"main\"]");
    assertThat(c.path("cut").size()).isZero();
    assertThat(web.get("/api/v1/builds").body())
        .as("the list stays as it was")
        .doesNotContain("\"run\"");
  }

  @Test
  void an_untrusted_run_shows_no_secrets_and_no_network_and_a_cut_script_says_so()
      throws Exception {
    BuildRun run = BuildRun.of(job("x".repeat(200_000), Map.of(), List.of()), List.of(), false);
    Build b = started(run);
    String html = web.get("/builds/" + b.id()).body();
    assertThat(html)
        .contains("<dt>Secrets handed over</dt><dd>none</dd>")
        .contains(
            "<dt>Network</dt><dd>none (only the dependency cache, where the tier has it)</dd>")
        .contains("[Seakeeper cut the script here: it has 200000 characters]")
        .contains(
            "<p class=\"note\" id=\"run-cut\">Kept shortened (at most 64 KiB are kept): script:"
                + " 200000 characters, the first ");
    JsonNode r = WebFixture.json(web.get("/api/v1/builds/" + b.id())).path("run");
    assertThat(r.path("secrets").size()).isZero();
    assertThat(r.path("network").asBoolean()).isFalse();
    assertThat(r.path("config").path("cut").get(0).asText())
        .startsWith("script: 200000 characters, the first ");
  }

  @Test
  void builds_that_never_started_say_so_and_have_no_run() throws Exception {
    Build queued = web.insert(x -> unstarted(x, BuildStatus.QUEUED));
    Build refused = web.insert(x -> unstarted(x, BuildStatus.CONFIG_ERROR));
    Build old = web.insert(x -> x);
    assertThat(web.get("/builds/" + queued.id()).body())
        .contains("Not started yet: what the job is given is shown once it starts.");
    assertThat(web.get("/builds/" + refused.id()).body())
        .contains("This build never started: no secrets were handed over and nothing ran.");
    assertThat(web.get("/builds/" + old.id()).body())
        .contains("Not recorded: this build ran before Seakeeper kept what a job is given");
    for (Build b : List.of(queued, refused, old)) {
      JsonNode json = WebFixture.json(web.get("/api/v1/builds/" + b.id()));
      assertThat(json.has("run")).isTrue();
      assertThat(json.path("run").isNull()).as("build %d", b.id()).isTrue();
    }
  }
}
