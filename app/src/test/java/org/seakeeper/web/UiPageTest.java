package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;
import org.seakeeper.store.FileLogStore;

/**
 * The pages of issue 13 over HTTP: status (pipelines, a gate queue in order, waiting reasons,
 * progress against history, executors, connections), change, history with job/branch filters and
 * trends, the build page's log (ANSI, anchors, paging, search, first error) and the escaping of
 * hostile names, logs and invalid UTF-8. The browser tests ({@code UiBrowserTest}) add what only a
 * browser shows.
 */
class UiPageTest {
  static final String HOSTILE = "<img src=x onerror=alert(1)>\"'&";

  @TempDir Path dataDir;
  private WebFixture web;
  private FileLogStore logs;

  private WebFixture web() {
    if (web == null) {
      logs = new FileLogStore(dataDir);
      web = new WebFixture(logs);
    }
    return web;
  }

  @AfterEach
  void stop() {
    if (web != null) {
      web.close();
    }
  }

  static Build build(
      long buildset,
      String project,
      Optional<String> change,
      Optional<String> patchset,
      String ref,
      PipelineName pipeline,
      String job,
      BuildStatus status,
      List<String> needs,
      int startedSecondsAgo,
      int ranSeconds) {
    java.time.Instant now = java.time.Instant.now();
    java.time.Instant started = now.minusSeconds(startedSecondsAgo);
    return new Build(
        0,
        buildset,
        "review",
        project,
        change,
        patchset,
        ref,
        "c0ffee1234567",
        pipeline,
        Optional.of(job),
        1,
        status,
        Tier.UNTRUSTED,
        needs,
        started.minusSeconds(3),
        status == BuildStatus.QUEUED ? Optional.empty() : Optional.of(started),
        status.terminal() ? Optional.of(started.plusSeconds(ranSeconds)) : Optional.empty(),
        "",
        Optional.empty());
  }

  private Build add(Build b) {
    return web().store.transaction(tx -> tx.builds().insert(b));
  }

  // ---- ANSI and escaping ----------------------------------------------------------------

  @Test
  void ansi_colours_become_classes_and_every_other_escape_vanishes_or_shows() {
    Ansi a = new Ansi();
    assertThat(a.line("\u001b[1;31mred\u001b[0m plain"))
        .isEqualTo("<span class=\"a-b a-f1\">red</span> plain");
    assertThat(new Ansi().line("\u001b[38;5;10mgreen\u001b[39m"))
        .isEqualTo("<span class=\"a-f10\">green</span>");
    assertThat(new Ansi().line("\u001b[2K\u001b[1Gdone\u001b]0;title\u0007!")).isEqualTo("done!");
    assertThat(new Ansi().line("\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\"))
        .isEqualTo("link");
    assertThat(new Ansi().line("lone \u001b and \u001b[12")).isEqualTo("lone \u241b and \u241b[12");
    assertThat(new Ansi().line("bell\u0007 nul\u0000 c1\u009b del\u007f"))
        .isEqualTo("bell\u2407 nul\u2400 c1\ufffd del\u2421");
    assertThat(new Ansi().line("abc\u202Edcba")).isEqualTo("abc[U+202E]dcba");
    assertThat(new Ansi().line("\u001b[31m" + HOSTILE))
        .isEqualTo(
            "<span class=\"a-f1\">&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;</span>");
    Ansi carried = new Ansi();
    carried.line("\u001b[32mgreen starts");
    assertThat(carried.line("and goes on")).isEqualTo("<span class=\"a-f2\">and goes on</span>");
    assertThat(new Ansi().line("\u001b[38;2;1;2;3mtrue\u001b[0m")).isEqualTo("true");
  }

  @Test
  void hostile_logs_with_ansi_controls_and_invalid_utf8_are_shown_as_text() throws Exception {
    Build b = web().insert(x -> hostileBuild(x, BuildStatus.FAILURE));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    log.writeBytes(("\u001b[31m" + HOSTILE + "\u001b[0m\n").getBytes(StandardCharsets.UTF_8));
    log.writeBytes(
        new byte[] {
          'b',
          'a',
          'd',
          ' ',
          (byte) 0xff,
          (byte) 0xc3,
          '(',
          ' ',
          (byte) 0xed,
          (byte) 0xa0,
          (byte) 0x80,
          '\n'
        });
    log.writeBytes("</pre><script>alert(2)</script>\n".getBytes(StandardCharsets.UTF_8));
    Files.createDirectories(logs.path(b.id()).getParent());
    Files.write(logs.path(b.id()), log.toByteArray());
    String html = web.get("/builds/" + b.id()).body();
    assertThat(html)
        .contains("<span class=\"a-f1\">&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;</span>")
        .contains("bad \ufffd\ufffd( \ufffd")
        .contains("&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;")
        .doesNotContain("<img")
        .doesNotContain("\u001b")
        .doesNotContain("<script>alert");
    assertHostileNamesEscaped(html);
    assertHostileNamesEscaped(web.get("/builds").body());
    assertHostileNamesEscaped(web.get("/changes/1?project=" + Pages.encode(HOSTILE)).body());
  }

  private static Build hostileBuild(Build b, BuildStatus status) {
    return new Build(
        0,
        7,
        "review",
        HOSTILE,
        Optional.of("1"),
        Optional.of("1"),
        "refs/heads/" + HOSTILE,
        "c0ffee",
        PipelineName.CHECK,
        Optional.of("job " + HOSTILE + " \u001b[31mred"),
        1,
        status,
        b.tier(),
        List.of(),
        WebFixture.T0,
        Optional.of(WebFixture.T0.plusSeconds(1)),
        status.terminal() ? Optional.of(WebFixture.T0.plusSeconds(9)) : Optional.empty(),
        "commit message: " + HOSTILE,
        Optional.empty());
  }

  static void assertHostileNamesEscaped(String html) {
    assertThat(html)
        .doesNotContain("<img")
        .doesNotContain("\u001b")
        .contains("&lt;img src=x onerror=alert(1)&gt;");
  }

  // ---- status ---------------------------------------------------------------------------

  @Test
  void the_status_page_draws_pipelines_a_gate_queue_in_order_and_why_builds_wait()
      throws Exception {
    WebFixture w = web();
    // History: "unit" of project core usually runs 100 s.
    add(
        build(
            1,
            "core",
            Optional.of("9"),
            Optional.of("1"),
            "refs/changes/9",
            PipelineName.GATE,
            "unit",
            BuildStatus.SUCCESS,
            List.of(),
            4000,
            100));
    Build running =
        add(
            build(
                10,
                "core",
                Optional.of("101"),
                Optional.of("1"),
                "refs/changes/01/101/1",
                PipelineName.GATE,
                "unit",
                BuildStatus.RUNNING,
                List.of(),
                40,
                0));
    add(
        build(
            10,
            "core",
            Optional.of("101"),
            Optional.of("1"),
            "refs/changes/01/101/1",
            PipelineName.GATE,
            "deploy",
            BuildStatus.QUEUED,
            List.of("unit"),
            0,
            0));
    add(
        build(
            11,
            "core",
            Optional.of("102"),
            Optional.of("3"),
            "refs/changes/02/102/3",
            PipelineName.GATE,
            "unit",
            BuildStatus.QUEUED,
            List.of(),
            0,
            0));
    add(
        build(
            12,
            "core",
            Optional.of("103"),
            Optional.of("1"),
            "refs/changes/03/103/1",
            PipelineName.GATE,
            "unit",
            BuildStatus.QUEUED,
            List.of(),
            0,
            0));
    add(
        build(
            20,
            "web",
            Optional.empty(),
            Optional.empty(),
            "refs/heads/main",
            PipelineName.POST,
            "publish " + HOSTILE,
            BuildStatus.QUEUED,
            List.of(),
            0,
            0));
    w.status.put(
        "tiers",
        Map.of(
            "untrusted",
            Map.of("max_parallel", 1, "network", false, "host_user", "seakeeper-untrusted")));
    w.status.put(
        "queues",
        List.of(
            Map.of(
                "name",
                "core",
                "window",
                20,
                "items",
                List.of(
                    item(1, "101", "1", List.of(), 10L, false, false),
                    item(2, "102", "3", List.of("core 101,1"), 11L, false, false),
                    item(3, "103", "1", List.of("core 101,1", "core 102,3"), 12L, false, true)))));
    w.status.put(
        "connections",
        List.of(
            Map.of(
                "name",
                "review",
                "type",
                "gerrit",
                "projects",
                List.of("core"),
                "url",
                "https://review.example.org",
                "health",
                Map.of(
                    "state",
                    "degraded",
                    "since",
                    "2026-01-31T12:00:00Z",
                    "failures_in_a_row",
                    2,
                    "last_error",
                    "no answer " + HOSTILE,
                    "effects_pending",
                    Map.of("submit", 1L)))));
    var r = w.get("/status");
    assertThat(r.statusCode()).isEqualTo(200);
    String html = r.body();
    assertHostileNamesEscaped(html);
    int first = html.indexOf(">101,1<");
    int second = html.indexOf(">102,3<");
    int third = html.indexOf(">103,1<");
    assertThat(first).isPositive().isLessThan(second);
    assertThat(second).isLessThan(third);
    assertThat(html)
        .contains("tested on the branch tip + core 101,1 + core 102,3")
        .contains("href=\"/builds/" + running.id() + "\"")
        .contains("running 40s of about 1m 40s, about ")
        .contains("<progress max=\"100\" value=\"40\"")
        .contains("waiting for dependency unit")
        .contains("waiting for an untrusted slot (1 of 1 busy)")
        .contains("failing")
        .contains("data-refresh=\"5\"");
    assertThat(html).contains(">post</h2>").contains("publish &lt;img");
    assertThat(html)
        .contains("degraded")
        .contains("2 failures in a row")
        .contains("seakeeper-untrusted");
    assertThat(html).doesNotContain("<form"); // anonymous: no actions
  }

  static Map<String, Object> item(
      int pos,
      String change,
      String ps,
      List<String> ahead,
      Long buildset,
      boolean passed,
      boolean failing) {
    var m = new java.util.LinkedHashMap<String, Object>();
    m.put("position", pos);
    m.put("change", change);
    m.put("patchset", ps);
    m.put("connection", "review");
    m.put("project", "core");
    m.put("tested_on", ahead);
    m.put("buildset", buildset);
    m.put("passed", passed);
    m.put("failing", failing);
    return m;
  }

  // ---- change ---------------------------------------------------------------------------

  @Test
  void the_change_page_shows_every_buildset_by_patch_set_with_a_link_to_gerrit() throws Exception {
    WebFixture w = web();
    w.status.put(
        "connections",
        List.of(Map.of("name", "review", "type", "gerrit", "url", "https://review.example.org/")));
    add(
        build(
            1,
            "core",
            Optional.of("55"),
            Optional.of("1"),
            "refs/changes/55/55/1",
            PipelineName.CHECK,
            "unit",
            BuildStatus.FAILURE,
            List.of(),
            500,
            30));
    add(
        build(
            2,
            "core",
            Optional.of("55"),
            Optional.of("2"),
            "refs/changes/55/55/2",
            PipelineName.CHECK,
            "unit",
            BuildStatus.SUCCESS,
            List.of(),
            300,
            30));
    add(
        build(
            3,
            "core",
            Optional.of("55"),
            Optional.of("2"),
            "refs/changes/55/55/2",
            PipelineName.GATE,
            "unit",
            BuildStatus.RUNNING,
            List.of(),
            10,
            0));
    String html = w.get("/changes/55?connection=review&project=core").body();
    assertThat(html.indexOf("Patch set 2")).isPositive().isLessThan(html.indexOf("Patch set 1"));
    assertThat(html.indexOf("Buildset 3")).isLessThan(html.indexOf("Buildset 2"));
    assertThat(html).contains("href=\"https://review.example.org/c/core/+/55/2\"");
    assertThat(WebFixture.error(w.get("/changes/56"), 404)).isEqualTo("not_found");
  }

  // ---- history --------------------------------------------------------------------------

  @Test
  void history_filters_by_job_and_branch_and_draws_each_jobs_trend() throws Exception {
    WebFixture w = web();
    add(
        build(
            1,
            "core",
            Optional.empty(),
            Optional.empty(),
            "refs/heads/main",
            PipelineName.POST,
            "unit",
            BuildStatus.SUCCESS,
            List.of(),
            86_400 * 2,
            60));
    add(
        build(
            2,
            "core",
            Optional.empty(),
            Optional.empty(),
            "refs/heads/main",
            PipelineName.POST,
            "unit",
            BuildStatus.FAILURE,
            List.of(),
            600,
            120));
    add(
        build(
            3,
            "core",
            Optional.empty(),
            Optional.empty(),
            "refs/heads/stable",
            PipelineName.POST,
            "lint",
            BuildStatus.SUCCESS,
            List.of(),
            600,
            5));
    String unit = w.get("/builds?job=unit").body();
    assertThat(unit)
        .contains(">unit<")
        .doesNotContain(">lint<")
        .contains("Jobs over time")
        .contains("50%");
    assertThat(unit).contains("role=\"img\" aria-label=\"Median duration of unit by day\"");
    String stable = w.get("/builds?branch=stable").body();
    assertThat(stable).contains(">lint<").doesNotContain(">unit<");
    assertThat(w.get("/builds?branch=refs/heads/main&status=failure").body())
        .contains(">unit<")
        .doesNotContain(">lint<");
    assertThat(unit).contains("<label for=\"f-job\">job</label>");
  }

  // ---- build page: log ------------------------------------------------------------------

  @Test
  void the_build_page_pages_a_long_log_searches_it_and_jumps_to_the_first_error() throws Exception {
    WebFixture w = web();
    Build b = w.insert(x -> x);
    var writer = logs.open(b.id());
    for (int i = 0; i < 2000; i++) {
      writer.line(String.format("line %05d %s", i, "y".repeat(200)));
      if (i == 1500) {
        writer.line("\u001b[31mERROR: something broke\u001b[0m");
      }
    }
    writer.seal();
    String tail = w.get("/builds/" + b.id()).body();
    assertThat(tail)
        .contains("line 01999")
        .doesNotContain("line 00000")
        .contains("id=\"log-earlier\"");
    assertThat(tail).contains("class=\"log far\"");
    var redirect = w.get("/builds/" + b.id() + "/first-error");
    assertThat(redirect.statusCode()).isEqualTo(302);
    String location = redirect.headers().firstValue("Location").orElseThrow();
    long offset = Long.parseLong(location.replaceAll(".*#o", ""));
    assertThat(location).startsWith("/builds/" + b.id() + "?from=");
    String at = w.get(location.replaceAll("#.*", "")).body();
    assertThat(at)
        .contains("id=\"o" + offset + "\"")
        .contains("<span class=\"a-f1\">ERROR: something broke</span>");
    String first = w.get("/builds/" + b.id() + "?from=0").body();
    assertThat(first).contains("line 00000").contains("Later lines").doesNotContain("line 01999");
    String found = w.get("/builds/" + b.id() + "?q=LINE+0150").body();
    assertThat(found).contains("10 lines contain").contains("line 01500");
    Build clean = w.insert(x -> x);
    logs.open(clean.id()).line("all good");
    assertThat(w.get("/builds/" + clean.id() + "/first-error").headers().firstValue("Location"))
        .hasValue("/builds/" + clean.id() + "?noerror=1#log-tools");
  }

  @Test
  void actions_are_drawn_only_for_a_viewer_who_may_do_them() throws Exception {
    logs = new FileLogStore(dataDir);
    Viewer maintainer =
        new Viewer(
            Optional.of("alice"),
            (a, t) -> a == Viewer.Action.RETRY && t.project().equals("demo"),
            Optional.of("tok<en>"));
    web =
        new WebFixture(
            logs, ctx -> "alice".equals(ctx.queryParam("as")) ? maintainer : Viewer.ANONYMOUS);
    Build b = web.insert();
    assertThat(web.get("/builds/" + b.id()).body())
        .doesNotContain("Re-run")
        .doesNotContain("<form method=\"post\"")
        .contains("Not signed in");
    String html = web.get("/builds/" + b.id() + "?as=alice").body();
    assertThat(html)
        .contains("action=\"/api/v1/builds/" + b.id() + "/retry\"")
        .contains("name=\"_csrf\" value=\"tok&lt;en&gt;\"")
        .contains("Re-run")
        .doesNotContain("Cancel</button>")
        .contains("Signed in as alice");
  }

  @Test
  void a_gate_items_buttons_post_its_connection_project_and_change() throws Exception {
    logs = new FileLogStore(dataDir);
    Viewer admin =
        new Viewer(
            Optional.of("root"),
            (a, t) -> a == Viewer.Action.DEQUEUE || a == Viewer.Action.PROMOTE,
            Optional.of("tok"));
    web = new WebFixture(logs, ctx -> admin);
    web.status.put(
        "queues",
        List.of(
            Map.of(
                "name",
                "core",
                "window",
                20,
                "items",
                List.of(item(1, "101", "1", List.of(), null, false, false)))));
    String html = web.get("/status").body();
    for (String verb : List.of("dequeue", "promote")) {
      String form = html.substring(html.indexOf("action=\"/api/v1/queues/" + verb + "\""));
      form = form.substring(0, form.indexOf("</form>"));
      assertThat(form)
          .contains("name=\"connection\" value=\"review\"")
          .contains("name=\"project\" value=\"core\"")
          .contains("name=\"change\" value=\"101\"")
          .contains("name=\"_csrf\" value=\"tok\"");
    }
  }
}
