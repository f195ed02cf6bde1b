package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.web.WebFixture.error;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;

class PageTest {
  private static final String HOSTILE = "<script>alert('x')</script>\"&";
  private final WebFixture web = new WebFixture();

  @AfterEach
  void stop() {
    web.close();
  }

  private Build hostile(BuildStatus status) {
    return web.insert(
        b ->
            new Build(
                0,
                1,
                "local",
                "evil<i>",
                Optional.of("<b>1</b>"),
                Optional.of("1"),
                "refs/heads/<x>",
                "c0ffee",
                b.pipeline(),
                Optional.of(HOSTILE),
                1,
                status,
                b.tier(),
                List.of(),
                WebFixture.T0,
                Optional.of(WebFixture.T0.plusSeconds(2)),
                status.terminal() ? Optional.of(WebFixture.T0.plusSeconds(125)) : Optional.empty(),
                "failed: " + HOSTILE,
                Optional.empty()));
  }

  private static void assertNoRawHostileText(String html) {
    assertThat(html)
        .doesNotContain("<script>alert")
        .doesNotContain("<i>")
        .doesNotContain("<b>1</b>")
        .doesNotContain("<x>");
  }

  @Test
  void the_root_redirects_to_the_status_page() throws Exception {
    var r = web.get("/");
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().firstValue("Location")).hasValue("/status");
  }

  @Test
  void the_builds_page_lists_builds_with_links() throws Exception {
    Build b = web.insert();
    var r = web.get("/builds");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
    assertThat(r.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'nonce-"));
    assertThat(r.body())
        .contains("href=\"/builds/" + b.id() + "\"")
        .contains("demo")
        .contains("1234,2")
        .contains("unit")
        .contains("success")
        .contains("1m 00s");
  }

  @Test
  void the_builds_page_takes_the_api_filters() throws Exception {
    web.insert();
    web.insert(
        b ->
            new Build(
                0,
                1,
                "local",
                "other",
                Optional.empty(),
                Optional.empty(),
                "refs/heads/main",
                "beef",
                b.pipeline(),
                Optional.of("lint"),
                1,
                BuildStatus.FAILURE,
                b.tier(),
                List.of(),
                WebFixture.T0,
                Optional.empty(),
                Optional.empty(),
                "",
                Optional.empty()));
    String body = web.get("/builds?project=other").body();
    assertThat(body).contains("lint").doesNotContain(">unit<");
    assertThat(error(web.get("/builds?status=bogus"), 400)).isEqualTo("bad_request");
  }

  @Test
  void the_builds_page_escapes_untrusted_values() throws Exception {
    hostile(BuildStatus.FAILURE);
    String html = web.get("/builds").body();
    assertNoRawHostileText(html);
    assertThat(html)
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;")
        .contains("evil&lt;i&gt;");
  }

  @Test
  void the_build_page_shows_status_detail_log_and_links() throws Exception {
    Build b = hostile(BuildStatus.FAILURE);
    web.logs.open(b.id()).line("compiling </pre><script>alert(1)</script>");
    var r = web.get("/builds/" + b.id());
    assertThat(r.statusCode()).isEqualTo(200);
    String html = r.body();
    assertNoRawHostileText(html);
    assertThat(html).doesNotContain("</pre><script>");
    assertThat(html)
        .contains("failure")
        .contains("failed: &lt;script&gt;")
        .contains("compiling &lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(html)
        .contains("href=\"/api/v1/builds/" + b.id() + "/log\"")
        .contains("href=\"/api/v1/builds/" + b.id() + "\"");
    assertThat(html).contains("2026-01-31 12:00:00 UTC").contains("2m 03s");
    assertThat(html).doesNotContain("data-stream=");
  }

  @Test
  void a_running_build_page_follows_the_stream() throws Exception {
    Build b = hostile(BuildStatus.RUNNING);
    web.logs.open(b.id()).line("step 1");
    var r = web.get("/builds/" + b.id());
    String html = r.body();
    assertNoRawHostileText(html);
    String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
    String nonce = csp.replaceAll(".*script-src 'nonce-([^']+)'.*", "$1");
    assertThat(html)
        .contains("<script nonce=\"" + nonce + "\">")
        .contains("EventSource")
        .contains("data-stream=\"/api/v1/builds/" + b.id() + "/log/stream?offset=7\"");
    assertThat(html).contains("step 1");
  }

  @Test
  void an_unknown_build_page_is_404() throws Exception {
    assertThat(error(web.get("/builds/999"), 404)).isEqualTo("not_found");
  }

  @Test
  void pages_and_links_honour_a_public_url_with_a_path() {
    Links links = new Links(java.net.URI.create("https://example.org/ci"));
    assertThat(links.webBuild(3)).isEqualTo("https://example.org/ci/builds/3");
    assertThat(links.apiLog(3)).isEqualTo("https://example.org/ci/api/v1/builds/3/log");
    assertThat(links.local("/builds")).isEqualTo("/ci/builds");
    assertThat(new Links(java.net.URI.create("http://127.0.0.1:8080/")).local("/builds"))
        .isEqualTo("/builds");
  }
}
