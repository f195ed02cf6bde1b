package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.store.LogStore;
import org.seakeeper.store.FileLogStore;

/**
 * The pages in a real browser: Debian's headless Chromium driven by Selenium through Debian's
 * chromedriver (no browser download). Live status and log, the 100 MB log (time to its last line is
 * measured and printed), hostile names, keyboard access to the log search, and the README's
 * screenshots ({@code -Dseakeeper.screenshots=DIR} writes them there; otherwise under target/).
 *
 * <p>Logged in: the browser goes through the whole OIDC round trip against {@link TestOidcProvider}
 * (no cookie injected). The session cookie is {@code __Host-} and {@code Secure}; Chromium keeps it
 * from {@code http://127.0.0.1} because loopback is a potentially trustworthy origin (a secure
 * context), so no TLS is needed here; on any other plain-HTTP host it would be dropped, which is
 * what the prefix is for.
 */
@Tag("slow")
class UiBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private static ChromeDriver browser;

  @TempDir Path dataDir;
  private WebFixture web;
  private FileLogStore logs;

  @BeforeAll
  static void startBrowser() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present && System.getenv("CI") != null) {
      throw new IllegalStateException(
          "chromium and chromium-driver are missing: scripts/ensure-deps.sh --tests installs them");
    }
    Assumptions.assumeTrue(present, "Debian's chromium and chromium-driver are not installed");
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments(
        "--headless=new",
        "--no-sandbox", // tests run as root in CI
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--force-device-scale-factor=1");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    browser = new ChromeDriver(service, o);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @AfterEach
  void stop() {
    if (web != null) {
      web.close();
    }
  }

  private WebFixture web() {
    if (web == null) {
      logs = new FileLogStore(dataDir);
      web = new WebFixture(logs);
    }
    return web;
  }

  private Build add(Build b) {
    return web().store.transaction(tx -> tx.builds().insert(b));
  }

  private WebDriverWait waiting(int seconds) {
    return new WebDriverWait(browser, Duration.ofSeconds(seconds));
  }

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  /** A gate queue of three changes, check builds, a post build; what the screenshots show. */
  private Build demo() {
    WebFixture w = web();
    add(
        UiPageTest.build(
            1,
            "core",
            Optional.of("97"),
            Optional.of("1"),
            "refs/changes/97/97/1",
            PipelineName.GATE,
            "unit",
            BuildStatus.SUCCESS,
            List.of(),
            90_000,
            95));
    add(
        UiPageTest.build(
            2,
            "core",
            Optional.of("97"),
            Optional.of("1"),
            "refs/changes/97/97/1",
            PipelineName.GATE,
            "lint",
            BuildStatus.SUCCESS,
            List.of(),
            90_000,
            20));
    add(
        UiPageTest.build(
            3,
            "core",
            Optional.of("98"),
            Optional.of("2"),
            "refs/changes/98/98/2",
            PipelineName.CHECK,
            "unit",
            BuildStatus.FAILURE,
            List.of(),
            50_000,
            120));
    Build running =
        add(
            UiPageTest.build(
                10,
                "core",
                Optional.of("101"),
                Optional.of("1"),
                "refs/changes/01/101/1",
                PipelineName.GATE,
                "unit",
                BuildStatus.RUNNING,
                List.of(),
                35,
                0));
    add(
        UiPageTest.build(
            10,
            "core",
            Optional.of("101"),
            Optional.of("1"),
            "refs/changes/01/101/1",
            PipelineName.GATE,
            "lint",
            BuildStatus.SUCCESS,
            List.of(),
            60,
            14));
    add(
        UiPageTest.build(
            10,
            "core",
            Optional.of("101"),
            Optional.of("1"),
            "refs/changes/01/101/1",
            PipelineName.GATE,
            "package",
            BuildStatus.QUEUED,
            List.of("unit"),
            0,
            0));
    add(
        UiPageTest.build(
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
        UiPageTest.build(
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
        UiPageTest.build(
            20,
            "docs",
            Optional.of("210"),
            Optional.of("4"),
            "refs/changes/10/210/4",
            PipelineName.CHECK,
            "build-site",
            BuildStatus.RUNNING,
            List.of(),
            12,
            0));
    w.status.put(
        "tiers",
        Map.of(
            "untrusted",
                Map.of("max_parallel", 2, "network", false, "host_user", "seakeeper-untrusted"),
            "trusted",
                Map.of("max_parallel", 1, "network", true, "host_user", "seakeeper-trusted")));
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
                    UiPageTest.item(1, "101", "1", List.of(), 10L, false, false),
                    UiPageTest.item(2, "102", "3", List.of("core 101,1"), 11L, false, false),
                    UiPageTest.item(
                        3, "103", "1", List.of("core 101,1", "core 102,3"), 12L, false, false)))));
    w.status.put(
        "connections",
        List.of(
            Map.of(
                "name",
                "review",
                "type",
                "gerrit",
                "url",
                "https://review.example.org/",
                "health",
                Map.of(
                    "state",
                    "up",
                    "since",
                    "2026-01-31T12:00:00Z",
                    "failures_in_a_row",
                    0,
                    "effects_pending",
                    Map.of())),
            Map.of("name", "local", "type", "git", "health", Map.of())));
    w.store.transaction(
        tx -> {
          tx.builds()
              .saveRun(
                  running.id(),
                  org.seakeeper.core.build.BuildRun.of(
                      new org.seakeeper.core.model.Job(
                          "unit",
                          "mvn -B verify",
                          java.time.Duration.ofMinutes(30),
                          "host",
                          List.of(),
                          List.of("target/*.jar"),
                          List.of(),
                          Map.of("MAVEN_OPTS", "-Xmx1g"),
                          0,
                          org.seakeeper.core.model.Job.DEFAULT_CHECKOUT_DEPTH,
                          org.seakeeper.core.model.When.ALWAYS,
                          "unit tests",
                          Optional.empty()),
                      List.of(),
                      false));
          return null;
        });
    LogStore.Writer log = logs.open(running.id());
    log.line("\u001b[1m$ mvn -B verify\u001b[0m");
    log.line("[\u001b[34mINFO\u001b[0m] Scanning for projects...");
    log.line("[\u001b[34mINFO\u001b[0m] Building core 1.4.0-SNAPSHOT");
    log.line("[\u001b[33mWARNING\u001b[0m] Using platform encoding UTF-8");
    log.line("[\u001b[34mINFO\u001b[0m] Tests run: 412, Failures: 0, Errors: 0, Skipped: 3");
    return running;
  }

  // ---- status ---------------------------------------------------------------------------

  @Test
  void the_status_page_shows_a_running_and_a_queued_build_and_a_gate_queue_in_order() {
    demo();
    browser.get(web.url("/status"));
    WebElement gate = browser.findElement(By.id("p-gate")).findElement(By.xpath(".."));
    List<String> items =
        gate.findElements(By.cssSelector("ol.queue > li")).stream()
            .map(e -> e.findElement(By.tagName("a")).getText())
            .toList();
    assertThat(items).containsExactly("101,1", "102,3", "103,1");
    String text = gate.getText().replace('\n', ' ');
    assertThat(text)
        .contains("unit running")
        .contains("package queued")
        .contains("waiting for dependency unit");
    assertThat(text).contains("tested on the branch tip + core 101,1 + core 102,3");
    WebElement check = browser.findElement(By.id("p-check")).findElement(By.xpath(".."));
    assertThat(check.getText().replace('\n', ' ')).contains("build-site running");
    // the page refreshes itself: a build that starts meanwhile appears without a reload
    add(
        UiPageTest.build(
            30,
            "core",
            Optional.empty(),
            Optional.empty(),
            "refs/heads/main",
            PipelineName.POST,
            "publish",
            BuildStatus.QUEUED,
            List.of(),
            0,
            0));
    waiting(15)
        .until(
            d ->
                d.findElement(By.id("p-post"))
                    .findElement(By.xpath(".."))
                    .getText()
                    .replace('\n', ' ')
                    .contains("publish queued"));
    assertThat(browser.findElements(By.tagName("form"))).isEmpty(); // anonymous: no actions
  }

  // ---- build page -----------------------------------------------------------------------

  @Test
  void the_build_page_streams_a_live_log_line_and_the_final_status() {
    Build running = demo();
    browser.get(web.url("/builds/" + running.id()));
    assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("running");
    assertThat(browser.findElement(By.id("log")).getText()).contains("Tests run: 412");
    LogStore.Writer more = logs.open(running.id());
    more.line("\u001b[32m<b>live</b> line\u001b[0m");
    waiting(10).until(d -> d.findElement(By.id("log")).getText().contains("<b>live</b> line"));
    WebElement green = browser.findElement(By.cssSelector("#log .a-f2"));
    assertThat(green.getText()).isEqualTo("<b>live</b> line");
    assertThat(browser.findElements(By.cssSelector("#log b"))).isEmpty();
    web.update(running.moveTo(BuildStatus.SUCCESS, Instant.now(), "exit 0"));
    waiting(10).until(d -> d.findElement(By.id("status")).getText().equals("success"));
  }

  @Test
  void a_100_mb_log_opens_at_its_last_line_and_pages_back_without_freezing() {
    Build b = web().insert();
    LogStore.Writer w = logs.open(b.id());
    String filler = "\u001b[36mINFO\u001b[0m " + "x".repeat(1000);
    int lines = 100 * 1024;
    for (int i = 0; i < lines - 1; i++) {
      w.line(String.format("%07d ", i) + filler);
    }
    w.line("THE LAST LINE");
    w.seal();
    long size = logs.size(b.id()).orElseThrow();
    assertThat(size).isGreaterThan(100_000_000L);
    long t0 = System.nanoTime();
    browser.get(web.url("/builds/" + b.id()));
    WebElement log = browser.findElement(By.id("log"));
    waiting(30)
        .until(
            d ->
                (Boolean)
                    js(
                        "var l = arguments[0]; var last = l.lastElementChild;"
                            + " return last.textContent.indexOf('THE LAST LINE') >= 0"
                            + " && l.scrollTop + l.clientHeight >= l.scrollHeight - 2;",
                        log));
    long toLast = (System.nanoTime() - t0) / 1_000_000;
    Number paint =
        (Number)
            js(
                "var p = performance.getEntriesByType('paint').filter(e => e.name ==="
                    + " 'first-contentful-paint'); return p.length ? p[0].startTime : -1;");
    String start = log.getAttribute("data-start");
    long t1 = System.nanoTime();
    browser.findElement(By.id("log-earlier")).click();
    waiting(30).until(d -> !start.equals(log.getAttribute("data-start")));
    long earlier = (System.nanoTime() - t1) / 1_000_000;
    // the page still answers at once after the step back (not frozen)
    long t2 = System.nanoTime();
    js("return document.querySelectorAll('#log .l').length;");
    long responsive = (System.nanoTime() - t2) / 1_000_000;
    Number rendered = (Number) js("return document.querySelectorAll('#log .l').length;");
    System.out.printf(
        "UiBrowserTest: %d MB log: first contentful paint %.0f ms, last line shown %d ms after"
            + " navigation, one step earlier (%d KiB) %d ms, %d lines in the page, script answers"
            + " in %d ms%n",
        size / 1_000_000,
        paint.doubleValue(),
        toLast,
        LogView.WINDOW >> 10,
        earlier,
        rendered.longValue(),
        responsive);
    assertThat(rendered.longValue()).isBetween(400L, 600L); // two windows, not the whole log
    assertThat(toLast).isLessThan(20_000); // generous: measured figures are printed above
  }

  // ---- escaping and keyboard ------------------------------------------------------------

  @Test
  void hostile_names_and_log_lines_show_as_literal_text() {
    String hostile = UiPageTest.HOSTILE;
    Build b =
        web()
            .insert(
                x ->
                    new Build(
                        0,
                        5,
                        "review",
                        "proj " + hostile,
                        Optional.of("7"),
                        Optional.of("1"),
                        "refs/heads/" + hostile,
                        "c0ffee",
                        PipelineName.CHECK,
                        Optional.of("job " + hostile + " \u001b[31mred"),
                        1,
                        BuildStatus.FAILURE,
                        x.tier(),
                        List.of(),
                        WebFixture.T0,
                        Optional.of(WebFixture.T0.plusSeconds(1)),
                        Optional.of(WebFixture.T0.plusSeconds(3)),
                        "commit message " + hostile,
                        Optional.empty()));
    logs.open(b.id())
        .line("\u001b[31m" + hostile + "\u001b[0m </pre><script>window.pwned=1</script>");
    for (String page : List.of("/builds/" + b.id(), "/builds", "/changes/7")) {
      browser.get(web.url(page));
      assertThat(browser.findElements(By.tagName("img"))).as(page).isEmpty();
      assertThat(js("return window.pwned === undefined;")).as(page).isEqualTo(true);
      assertThat(browser.findElement(By.tagName("main")).getText())
          .as(page)
          .contains("<img src=x onerror=alert(1)>");
    }
    browser.get(web.url("/builds/" + b.id()));
    assertThat(browser.findElement(By.tagName("h1")).getText())
        .contains("job <img src=x onerror=alert(1)>\"'& \u241b[31mred");
    assertThat(browser.findElement(By.cssSelector("#log .a-f1")).getText()).isEqualTo(hostile);
  }

  @Test
  void the_keyboard_reaches_the_log_search_and_slash_jumps_to_it() {
    Build running = demo();
    browser.get(web.url("/builds/" + running.id()));
    js("document.activeElement && document.activeElement.blur(); window.focus();");
    int presses = 0;
    while (presses < 25 && !"log-search".equals(js("return document.activeElement.id;"))) {
      new Actions(browser).sendKeys(Keys.TAB).perform();
      presses++;
    }
    assertThat(js("return document.activeElement.id;"))
        .as("after %d tabs", presses)
        .isEqualTo("log-search");
    System.out.printf("UiBrowserTest: the log search is reached with %d Tab presses%n", presses);
    browser.switchTo().activeElement().sendKeys("Tests run" + Keys.ENTER);
    waiting(10).until(d -> d.getCurrentUrl().contains("q=Tests+run"));
    assertThat(browser.findElement(By.id("matches")).getText()).contains("1 lines contain");
    browser.findElement(By.tagName("h1")).click();
    new Actions(browser).sendKeys("/").perform();
    assertThat(js("return document.activeElement.id;")).isEqualTo("log-search");
  }

  // ---- logged in, anonymous, private -------------------------------------------------------

  /**
   * A server with the real access policy ({@link Access#viewer}) and OIDC login against {@link
   * TestOidcProvider}; alice (group devs) is a maintainer of demo, project secret is private. The
   * public URL is the loopback address the browser uses, so the provider sends the browser back to
   * this server's callback.
   */
  static final class LoginWeb implements AutoCloseable {
    final TestOidcProvider idp;
    final org.seakeeper.testkit.InMemoryStore store = new org.seakeeper.testkit.InMemoryStore();
    final org.seakeeper.testkit.InMemoryAccessStore access =
        new org.seakeeper.testkit.InMemoryAccessStore();
    final WebFixture.FakeCommands commands = new WebFixture.FakeCommands();
    final WebServer server;
    final int port;

    LoginWeb() throws Exception {
      idp = new TestOidcProvider();
      try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
        port = s.getLocalPort();
      }
      String here = "http://127.0.0.1:" + port + "/";
      org.seakeeper.core.model.ServerConfig.Auth auth =
          new org.seakeeper.core.model.ServerConfig.Auth(
              Optional.of(
                  new org.seakeeper.core.model.ServerConfig.Oidc(
                      idp.issuer(),
                      TestOidcProvider.CLIENT,
                      Optional.of("unused"),
                      "groups",
                      "preferred_username")),
              List.of(
                  new org.seakeeper.core.model.Grant(
                      org.seakeeper.core.model.Role.MAINTAINER, Optional.of("demo"), "group:devs")),
              java.util.Set.of("secret"),
              Duration.ofHours(8));
      org.seakeeper.auth.OidcLogin login =
          new org.seakeeper.auth.OidcLogin(
              auth.oidc().orElseThrow(),
              Optional.of(TestOidcProvider.SECRET),
              java.net.URI.create(here + "login/callback"),
              java.time.Clock.systemUTC());
      server =
          new WebServer(
                  new WebServer.Services(
                      store.queries(),
                      new org.seakeeper.testkit.InMemoryLogStore(),
                      commands,
                      () -> "admin-secret",
                      java.net.URI.create(here),
                      new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                          io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT),
                      Map::of),
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

    @Override
    public void close() {
      server.stop();
      idp.close();
    }
  }

  private static List<String> actionButtons() {
    return browser.findElements(By.cssSelector("form[method=post] button")).stream()
        .map(WebElement::getText)
        .toList();
  }

  @Test
  void a_maintainer_logs_in_through_the_provider_and_re_runs_a_build() throws Exception {
    browser.manage().deleteAllCookies();
    try (LoginWeb lw = new LoginWeb()) {
      Build b = lw.add(WebFixtureBuilds.build("demo"));
      browser.get(lw.url("/builds/" + b.id()));
      assertThat(actionButtons()).as("anonymous").isEmpty();
      // the whole OIDC round trip in the browser: /login -> provider -> /login/callback
      browser.get(lw.url("/login?return_to=/builds/" + b.id()));
      waiting(15).until(d -> d.getCurrentUrl().equals(lw.url("/builds/" + b.id())));
      assertThat(browser.manage().getCookieNamed(Access.COOKIE))
          .as("Chromium keeps the __Host- Secure cookie from http://127.0.0.1 (a secure context)")
          .isNotNull();
      assertThat(actionButtons()).contains("Re-run");
      WebElement rerun =
          browser.findElement(
              By.xpath("//form[@method='post']/button[normalize-space()='Re-run']"));
      rerun.click();
      waiting(15).until(d -> !lw.commands.calls.isEmpty());
      assertThat(lw.commands.calls).containsExactly("retry " + b.id() + " by user:alice");
      waiting(15)
          .until(d -> d.getCurrentUrl().startsWith(lw.url("/builds/" + b.id() + "?notice=")));
      assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Done.");
      assertThat(lw.access.all())
          .anySatisfy(
              r -> {
                assertThat(r.who()).isEqualTo("user:alice");
                assertThat(r.outcome())
                    .isEqualTo(org.seakeeper.core.store.AuditRecord.Outcome.ALLOWED);
                assertThat(r.action()).contains("retry");
              });
    } finally {
      browser.manage().deleteAllCookies();
    }
  }

  @Test
  void an_anonymous_visitor_sees_no_action_buttons_on_any_page() throws Exception {
    browser.manage().deleteAllCookies();
    try (LoginWeb lw = new LoginWeb()) {
      Build done = lw.add(WebFixtureBuilds.build("demo"));
      Build running =
          lw.add(
              UiPageTest.build(
                  2,
                  "demo",
                  Optional.of("55"),
                  Optional.of("1"),
                  "refs/changes/55/55/1",
                  PipelineName.CHECK,
                  "unit",
                  BuildStatus.RUNNING,
                  List.of(),
                  30,
                  0));
      for (String page :
          List.of(
              "/status",
              "/builds",
              "/builds/" + done.id(),
              "/builds/" + running.id(),
              "/changes/" + done.change().orElseThrow(),
              "/changes/55")) {
        browser.get(lw.url(page));
        assertThat(browser.findElement(By.tagName("main")).getText()).as(page).isNotBlank();
        assertThat(actionButtons()).as(page).isEmpty();
        assertThat(browser.getPageSource())
            .as(page)
            .doesNotContain("/retry\"")
            .doesNotContain("/cancel\"")
            .doesNotContain("name=\"_csrf\"");
      }
    }
  }

  @Test
  void a_private_project_is_invisible_to_anonymous_and_to_a_maintainer_of_another()
      throws Exception {
    browser.manage().deleteAllCookies();
    try (LoginWeb lw = new LoginWeb()) {
      Build open = lw.add(WebFixtureBuilds.build("demo"));
      Build hidden =
          lw.add(
              UiPageTest.build(
                  3,
                  "secret",
                  Optional.of("77"),
                  Optional.of("1"),
                  "refs/changes/77/77/1",
                  PipelineName.CHECK,
                  "classified-job",
                  BuildStatus.RUNNING,
                  List.of(),
                  30,
                  0));
      Runnable invisible =
          () -> {
            for (String page : List.of("/status", "/builds", "/builds?project=secret")) {
              browser.get(lw.url(page));
              assertThat(browser.getPageSource())
                  .as(page)
                  .doesNotContain("classified-job")
                  .doesNotContain(">secret<");
            }
            browser.get(lw.url("/builds"));
            assertThat(browser.findElement(By.tagName("main")).getText()).contains("demo");
            browser.get(lw.url("/builds/" + hidden.id()));
            assertThat(browser.getPageSource()).doesNotContain("classified-job");
            // the same answer as for a build that never existed
            assertThat(browser.findElement(By.tagName("body")).getText())
                .contains("There is no build " + hidden.id() + ".");
            browser.get(lw.url("/changes/77"));
            assertThat(browser.getPageSource()).doesNotContain("classified-job");
          };
      invisible.run();
      // alice is a maintainer of demo, not of secret: still invisible once logged in
      browser.get(lw.url("/login?return_to=/builds/" + open.id()));
      waiting(15).until(d -> d.getCurrentUrl().equals(lw.url("/builds/" + open.id())));
      assertThat(actionButtons()).contains("Re-run");
      invisible.run();
    } finally {
      browser.manage().deleteAllCookies();
    }
  }

  /** Presses Tab until the focused element satisfies {@code focused} (at most 40 presses). */
  private int tabUntil(java.util.function.Predicate<WebElement> focused, String what) {
    for (int presses = 1; presses <= 40; presses++) {
      new Actions(browser).sendKeys(Keys.TAB).perform();
      if (focused.test(browser.switchTo().activeElement())) {
        return presses;
      }
    }
    throw new AssertionError("Tab never reached " + what);
  }

  private int tabTo(String id) {
    return tabUntil(e -> id.equals(e.getAttribute("id")), "#" + id);
  }

  @Test
  void a_maintainer_runs_post_and_sets_and_deletes_a_secret_by_keyboard_on_the_project_pages()
      throws Exception {
    browser.manage().deleteAllCookies();
    String value = "hunter2-" + java.util.UUID.randomUUID();
    try (ProjectWeb pw = new ProjectWeb()) {
      pw.add(WebFixtureBuilds.build("demo"));
      browser.get(pw.url("/projects/demo"));
      assertThat(actionButtons()).as("anonymous").isEmpty();
      pw.idp.user = "alice";
      pw.idp.groups = List.of("maint");
      browser.get(pw.url("/login?return_to=/projects/demo"));
      waiting(15).until(d -> d.getCurrentUrl().equals(pw.url("/projects/demo")));
      assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Project demo");
      assertThat(browser.findElements(By.cssSelector("#recent tbody tr"))).hasSize(1);

      // Run pipeline, by keyboard: post is the first choice; type the ref, Enter submits
      browser.findElement(By.tagName("h1")).click();
      int presses = tabTo("run-pipeline");
      assertThat(browser.switchTo().activeElement().getAttribute("value")).isEqualTo("post");
      new Actions(browser).sendKeys(Keys.TAB).sendKeys("refs/heads/main" + Keys.ENTER).perform();
      waiting(15).until(d -> d.getCurrentUrl().startsWith(pw.url("/projects/demo?notice=")));
      assertThat(browser.findElement(By.id("notice")).getText())
          .isEqualTo("post queued for demo refs/heads/main at 7e57c0ffee12");
      assertThat(browser.findElement(By.id("recent")).getText())
          .contains("triggered-job")
          .contains("queued");
      assertThat(pw.commands.calls).containsExactly("trigger local demo post refs/heads/main");
      System.out.printf("UiBrowserTest: the Run form is reached with %d Tab presses%n", presses);

      // the secrets page: set one by keyboard, see its name, never its value; delete it
      browser.findElement(By.linkText("Secrets")).click();
      waiting(15).until(d -> d.getCurrentUrl().equals(pw.url("/projects/demo/secrets")));
      browser.findElement(By.tagName("h1")).click();
      tabTo("secret-name");
      new Actions(browser)
          .sendKeys("deploy-token")
          .sendKeys(Keys.TAB)
          .sendKeys(value + Keys.ENTER)
          .perform();
      waiting(15).until(d -> d.getCurrentUrl().contains("/projects/demo/secrets?notice="));
      assertThat(browser.findElement(By.id("notice")).getText())
          .isEqualTo("secret 'deploy-token' of local/demo set for post, periodic, release");
      assertThat(browser.findElement(By.id("secrets")).getText()).contains("deploy-token");
      assertThat(browser.getPageSource()).doesNotContain(value).doesNotContain("hunter2");
      assertThat(browser.getCurrentUrl()).doesNotContain("hunter2");
      assertThat(pw.secrets.get("local", "demo", "deploy-token")).isPresent();
      browser.findElement(By.tagName("h1")).click();
      tabUntil(
          e -> "Delete secret deploy-token of local".equals(e.getAttribute("aria-label")),
          "the Delete button");
      new Actions(browser).sendKeys(Keys.ENTER).perform();
      waiting(15)
          .until(
              d ->
                  d.findElements(By.id("no-secrets")).size() == 1
                      && d.getCurrentUrl().contains("?notice="));
      assertThat(browser.findElement(By.id("notice")).getText())
          .isEqualTo("secret 'deploy-token' of local/demo deleted");
      assertThat(pw.secrets.list(Optional.empty())).isEmpty();
    } finally {
      browser.manage().deleteAllCookies();
    }
  }

  // ---- screenshots ----------------------------------------------------------------------

  @Test
  void screenshots_of_the_main_pages() throws Exception {
    Build running = demo();
    Path dir =
        Path.of(System.getProperty("seakeeper.screenshots", "target/screenshots")).toAbsolutePath();
    Files.createDirectories(dir);
    Map<String, String> pages =
        Map.of(
            "status.png", "/status",
            "build.png", "/builds/" + running.id(),
            "history.png", "/builds?project=core",
            "change.png", "/changes/101?connection=review&project=core",
            "project.png", "/projects/core");
    for (var e : pages.entrySet()) {
      browser.get(web.url(e.getValue()));
      Thread.sleep(300);
      byte[] png = browser.getScreenshotAs(OutputType.BYTES);
      Files.write(dir.resolve(e.getKey()), png);
      assertThat(png.length).isGreaterThan(5_000);
    }
  }
}
