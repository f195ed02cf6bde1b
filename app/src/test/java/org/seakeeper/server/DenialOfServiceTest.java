package org.seakeeper.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.server.ServerFixture.*;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.git.GitBombDiffTest;
import org.slf4j.LoggerFactory;

/**
 * The attack suite's denial-of-service section (issue 11): a real server on the embedded default
 * (H2, local git repos, real bubblewrap) serves a hostile repo and a <em>canary</em>. Each attack
 * is pushed as a change for review to the hostile repo, then an ordinary commit to the canary's
 * {@code main}: the canary's post build must succeed within 30 s, the hostile change must end with
 * a result naming the limit it hit, and nothing recorded may be lost (its build rows exist, {@code
 * /healthz} answers 200). Then the server restarts with hostile events waiting in its inbox, and
 * the canary still builds; finally the server stops within a bound.
 *
 * <p>Each test proves, on the real server, a claim of THREAT_MODEL.md's denial-of-service section
 * (C42 to C51, each listing it under "Proven by"); together they prove C52. The server's log is
 * captured through its own encoder ({@link SafeLogText.Encoder}, the pattern of {@code
 * logback.xml}) attached to the root logger, since the server runs in this JVM.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DenialOfServiceTest {
  static final Duration CANARY_LIMIT = Duration.ofSeconds(30);
  static final Duration HOSTILE_LIMIT = Duration.ofSeconds(120);
  static final String GLOB = "**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**b";
  static final String FORGED = "12:00:00.000 INFO  o.s.s.LogReporter - FORGED-LINE";

  static final String CANARY_YAML =
      """
      jobs:
        ok: {run: "echo canary $(cat marker.txt)"}
      pipelines:
        post: [ok]
        check: [ok]
      """;

  @TempDir static Path tmp;
  private Path hostileBare;
  private Path hostileWork;
  private Path canaryBare;
  private Path canaryWork;
  private String hostileBase;
  private byte[] serverConfig;
  private ServerRuntime rt;
  private int port;
  private String token;
  private final AtomicInteger canaries = new AtomicInteger();
  private final ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
  private OutputStreamAppender<ILoggingEvent> logCapture;

  @BeforeAll
  void startTheServer() throws Exception {
    captureTheServerLog();
    hostileBare = tmp.resolve("hostile.git");
    canaryBare = tmp.resolve("canary.git");
    hostileWork = Files.createDirectories(tmp.resolve("hostile-work"));
    canaryWork = Files.createDirectories(tmp.resolve("canary-work"));
    for (Path[] r :
        List.of(new Path[] {hostileBare, hostileWork}, new Path[] {canaryBare, canaryWork})) {
      git(tmp, "init", "-q", "--bare", "--initial-branch=main", r[0].toString());
      git(r[1], "init", "-q", "--initial-branch=main", ".");
      git(r[1], "config", "user.name", "t");
      git(r[1], "config", "user.email", "t@example.org");
    }
    push(canaryWork, canaryBare, "refs/heads/main", CANARY_YAML, "base", false);
    hostileBase =
        push(
            hostileWork,
            hostileBare,
            "refs/heads/main",
            "jobs:\n  noop: {run: \"true\"}\npipelines:\n  check: [noop]\n",
            "base",
            false);
    port = freePort();
    serverConfig =
        ("data_dir: "
                + tmp.resolve("data")
                + "\nhttp: {port: "
                + port
                + ", bind: 127.0.0.1, public_url: http://127.0.0.1:"
                + port
                + "/}\nrepos:\n  - name: hostile\n    path: "
                + hostileBare
                + "\n  - name: canary\n    path: "
                + canaryBare
                + "\n")
            .getBytes(StandardCharsets.UTF_8);
    start();
    token = Files.readString(rt.adminTokenFile()).strip();
  }

  private void start() throws Exception {
    var cfg = ServerConfigParser.parse(serverConfig).config().orElseThrow();
    rt = ServerRuntime.start(cfg, Clock.systemUTC());
    assertThat(rt.port()).isEqualTo(port);
  }

  /** The server's log lines as its stderr appender writes them (same encoder, same pattern). */
  private void captureTheServerLog() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder enc = new SafeLogText.Encoder(); // what logback.xml names
    enc.setContext(ctx);
    enc.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n%ex");
    enc.start();
    logCapture = new OutputStreamAppender<>();
    logCapture.setContext(ctx);
    logCapture.setEncoder(enc);
    logCapture.setOutputStream(serverLog);
    logCapture.start();
    ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(logCapture);
  }

  private String serverLog() {
    synchronized (serverLog) {
      return serverLog.toString(StandardCharsets.UTF_8);
    }
  }

  @AfterAll
  void stop() {
    if (rt != null) {
      rt.close();
    }
    Logger root =
        ((LoggerContext) LoggerFactory.getILoggerFactory())
            .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(logCapture);
    logCapture.stop();
  }

  // ---- the attacks ---------------------------------------------------------------------------

  @Test
  @Order(1)
  void a_git_bomb_in_the_change_is_refused_naming_the_limit_while_the_canary_builds()
      throws Exception {
    String sha = pushBombChange(false);
    canaryBuilds();
    List<JsonNode> hostile = awaitHostile(sha);
    assertThat(hostile)
        .anySatisfy(
            b ->
                assertThat(b.path("detail").asText())
                    .contains("over a limit")
                    .contains("more than 1000000 files"));
    recordedAndHealthy(hostile);
  }

  @Test
  @Order(2)
  void a_git_bomb_in_the_parent_of_a_change_adding_a_readme_is_refused_naming_the_limit()
      throws Exception {
    String sha = pushBombChange(true);
    canaryBuilds();
    List<JsonNode> hostile = awaitHostile(sha);
    assertThat(hostile)
        .anySatisfy(
            b ->
                assertThat(b.path("detail").asText())
                    .contains("over a limit")
                    .contains("more than 1000000 files"));
    recordedAndHealthy(hostile);
  }

  @Test
  @Order(3)
  void a_backtracking_glob_in_when_files_against_a_long_path_ends_at_once() throws Exception {
    String sha =
        pushHostileWithLongPath(
            "jobs:\n"
                + "  globbed: {run: \"true\", when: {files: [\""
                + GLOB
                + "\"]}}\n"
                + "  plain: {run: \"true\"}\n"
                + "pipelines:\n  check: [globbed, plain]\n",
            "when-files-glob");
    canaryBuilds();
    List<JsonNode> hostile = awaitHostile(sha);
    assertThat(hostile)
        .anySatisfy(
            b -> {
              assertThat(b.path("job").asText()).isEqualTo("globbed");
              assertThat(b.path("status").asText()).isEqualTo("skipped");
            })
        .anySatisfy(
            b -> {
              assertThat(b.path("job").asText()).isEqualTo("plain");
              assertThat(b.path("status").asText()).isEqualTo("success");
            });
    recordedAndHealthy(hostile);
  }

  @Test
  @Order(4)
  void a_backtracking_glob_in_artifacts_against_a_long_path_ends_at_once() throws Exception {
    String sha =
        pushHostileWithLongPath(
            "jobs:\n"
                + "  collect: {run: \"true\", artifacts: [\""
                + GLOB
                + "\"]}\n"
                + "pipelines:\n  check: [collect]\n",
            "artifacts-glob");
    canaryBuilds();
    List<JsonNode> hostile = awaitHostile(sha);
    assertThat(hostile)
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.path("status").asText()).isEqualTo("success");
              assertThat(b.path("detail").asText()).as("no artifact matched").isEmpty();
            });
    recordedAndHealthy(hostile);
  }

  @Test
  @Order(5)
  void a_400_mb_output_line_ends_and_its_log_reads_back_in_ranges_in_bounded_time()
      throws Exception {
    String sha =
        pushHostile(
            "jobs:\n"
                + "  flood: {run: \"head -c 400000000 /dev/zero | tr '\\\\0' a; echo; echo"
                + " flood-done\"}\n"
                + "pipelines:\n  check: [flood]\n",
            "flood");
    canaryBuilds();
    List<JsonNode> hostile = awaitHostile(sha);
    JsonNode flood = hostile.getFirst();
    assertThat(flood.path("status").asText()).as(flood.toString()).isEqualTo("success");
    String id = flood.get("id").asText();
    long t0 = System.nanoTime();
    HttpResponse<String> tail = range(id, "bytes=-64");
    assertThat(tail.statusCode()).isEqualTo(206);
    assertThat(tail.body()).contains("flood-done").contains("aaaa");
    HttpResponse<String> head = range(id, "bytes=0-1023");
    assertThat(head.statusCode()).isEqualTo(206);
    assertThat(head.body()).hasSize(1024);
    HttpResponse<String> middle = range(id, "bytes=200000000-200000999");
    assertThat(middle.statusCode()).isEqualTo(206);
    assertThat(middle.body()).hasSize(1000);
    String length = tail.headers().firstValue("Content-Range").orElseThrow();
    assertThat(Long.parseLong(length.substring(length.indexOf('/') + 1)))
        .as("every byte kept")
        .isGreaterThan(400_000_000L);
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .as("three ranges of a 400 MB log")
        .isLessThan(Duration.ofSeconds(10));
    recordedAndHealthy(hostile);
  }

  @Test
  @Order(6)
  void a_job_and_matrix_explosion_is_a_config_error_naming_the_limit() throws Exception {
    StringBuilder yaml = new StringBuilder("jobs:\n  .t:\n    run: \"true\"\n    matrix: {A: [");
    for (int i = 0; i < 64; i++) {
      yaml.append(i == 0 ? "" : ", ").append("v").append(i);
    }
    yaml.append("]}\n");
    for (int i = 0; i < 1500; i++) {
      yaml.append("  j").append(i).append(": {extends: .t}\n");
    }
    yaml.append("pipelines:\n  check: [j0]\n");
    String sha = pushHostile(yaml.toString(), "explosion");
    canaryBuilds();
    List<JsonNode> hostile = awaitHostile(sha);
    assertThat(hostile)
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.path("status").asText()).isEqualTo("config_error");
              assertThat(b.path("detail").asText())
                  .contains("the config defines more than 500 jobs");
            });
    recordedAndHealthy(hostile);
  }

  @Test
  @Order(7)
  void control_characters_in_names_values_and_messages_forge_no_server_log_line() throws Exception {
    String evil = "x\n" + FORGED + " \u001b[31mred\u001b[0m \u202Eevil\r";
    String yamlEvil = "x\\n" + FORGED + " \\e[31mred\\e[0m \\u202Eevil\\r";
    String sha =
        pushHostile(
            "jobs:\n"
                + "  m: {run: \"true\", matrix: {X: [\""
                + yamlEvil
                + "\", plain]}}\n"
                + "pipelines:\n  check: [m]\n",
            "msg " + evil);
    String nameSha =
        pushHostile(
            "jobs:\n  ok: {run: \"true\"}\n  \""
                + yamlEvil
                + "\": {run: \"true\"}\npipelines:\n  check: [ok]\n",
            "name " + evil);
    canaryBuilds();
    List<JsonNode> hostile = awaitHostile(sha);
    List<JsonNode> named = awaitHostile(nameSha);
    assertThat(hostile)
        .as("the matrix instances run, their names verbatim in the API (JSON data)")
        .anySatisfy(b -> assertThat(b.path("job").asText()).contains(evil));
    assertThat(named)
        .singleElement()
        .satisfies(b -> assertThat(b.path("status").asText()).isEqualTo("config_error"));
    String log = serverLog();
    assertThat(log.lines())
        .as("no forged line in the server log")
        .noneMatch(l -> l.startsWith("12:00:00.000") || l.contains("\r"));
    assertThat(log).doesNotContain("\u001b", "\u202E");
    assertThat(log)
        .as("the attack reached the log (the matrix instance's name), escaped on one line")
        .contains("X=x\\n" + FORGED + " \\u001B[31mred");
    recordedAndHealthy(hostile);
    recordedAndHealthy(named);
  }

  @Test
  @Order(8)
  void one_client_opening_20_live_log_streams_gets_429_past_8_while_another_client_gets_one()
      throws Exception {
    String sha =
        pushHostile(
            "jobs:\n"
                + "  sleeper: {run: \"echo waiting; sleep 120\"}\n"
                + "pipelines:\n"
                + "  check: [sleeper]\n",
            "sleeper");
    JsonNode sleeper =
        awaitBuilds(
                port,
                b -> b.stream().anyMatch(x -> isOf(x, sha) && status(x).equals("running")),
                HOSTILE_LIMIT)
            .stream()
            .filter(x -> isOf(x, sha))
            .findFirst()
            .orElseThrow();
    String id = sleeper.get("id").asText();
    HttpClient one = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpClient other =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .localAddress(InetAddress.getByName("127.0.0.2"))
            .build();
    List<InputStream> open = new ArrayList<>();
    List<Integer> codes = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        HttpResponse<InputStream> r = stream(one, id);
        codes.add(r.statusCode());
        if (r.statusCode() == 200) {
          open.add(r.body());
        } else {
          assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8))
              .contains("too_many_streams");
        }
      }
      assertThat(codes.subList(0, 8)).containsOnly(200);
      assertThat(codes.subList(8, 20)).containsOnly(429);
      HttpResponse<InputStream> theirs = stream(other, id);
      assertThat(theirs.statusCode())
          .as("another client's address still gets a stream")
          .isEqualTo(200);
      open.add(theirs.body());
      canaryBuilds();
    } finally {
      for (InputStream in : open) {
        in.close();
      }
    }
    assertThat(post(port, "/api/v1/builds/" + id + "/cancel", token, "{}").statusCode())
        .isBetween(200, 299);
    recordedAndHealthy(awaitHostile(sha));
  }

  @Test
  @Order(9)
  void after_a_restart_with_hostile_events_in_the_inbox_the_canary_still_builds() throws Exception {
    java.util.Map<String, String> before = new java.util.HashMap<>();
    builds(port).forEach(b -> before.put(b.get("id").asText(), status(b)));
    long t0 = System.nanoTime();
    rt.close();
    rt = null;
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    // While the server is down, hostile events wait in the repo's journal (its inbox).
    String bomb = pushBombChange(false);
    StringBuilder yaml = new StringBuilder("jobs:\n  .t: {run: \"true\", matrix: {A: [");
    for (int i = 0; i < 64; i++) {
      yaml.append(i == 0 ? "" : ", ").append("v").append(i);
    }
    yaml.append("]}}\n");
    for (int i = 0; i < 1500; i++) {
      yaml.append("  j").append(i).append(": {extends: .t}\n");
    }
    yaml.append("pipelines:\n  check: [j0]\n");
    String explosion = pushHostile(yaml.toString(), "explosion-2");
    start();
    canaryBuilds();
    assertThat(awaitHostile(bomb))
        .anySatisfy(b -> assertThat(b.path("detail").asText()).contains("more than 1000000 files"));
    assertThat(awaitHostile(explosion))
        .anySatisfy(
            b ->
                assertThat(b.path("detail").asText())
                    .contains("the config defines more than 500 jobs"));
    java.util.Map<String, String> after = new java.util.HashMap<>();
    builds(port).forEach(b -> after.put(b.get("id").asText(), status(b)));
    assertThat(after).as("no build row lost, none changed").containsAllEntriesOf(before);
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  @Order(10)
  void the_server_stops_cleanly_within_a_bound() {
    long t0 = System.nanoTime();
    rt.close();
    rt = null;
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Pushes {@code yaml} for review to the hostile repo as a change on its main; its commit. */
  private String pushHostile(String yaml, String message) throws Exception {
    git(hostileWork, "reset", "-q", "--hard", hostileBase);
    return push(hostileWork, hostileBare, "refs/for/main", yaml, message, true);
  }

  /** The same with a committed path of 4,000 {@code a}s (16 directories of 250). */
  private String pushHostileWithLongPath(String yaml, String message) throws Exception {
    git(hostileWork, "reset", "-q", "--hard", hostileBase);
    Path dir = hostileWork;
    for (int i = 0; i < 15; i++) {
      dir = dir.resolve("a".repeat(250));
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("a".repeat(250)), "long\n");
    return push(hostileWork, hostileBare, "refs/for/main", yaml, message, true);
  }

  /**
   * A change whose tree holds a git bomb (10^9 paths) next to its config; with {@code inParent},
   * the bomb comes with its parent and the change only adds a README.
   */
  private String pushBombChange(boolean inParent) throws Exception {
    ObjectId change;
    try (Repository repo =
            new FileRepositoryBuilder().setGitDir(hostileWork.resolve(".git").toFile()).build();
        ObjectInserter ins = repo.newObjectInserter()) {
      ObjectId base = ObjectId.fromString(hostileBase);
      ObjectId bomb = GitBombDiffTest.bomb(ins, 8);
      ObjectId config =
          ins.insert(
              Constants.OBJ_BLOB,
              "jobs:\n  build: {run: \"true\"}\npipelines:\n  check: [build]\n"
                  .getBytes(StandardCharsets.UTF_8));
      TreeFormatter t = new TreeFormatter();
      t.append(".seakeeper.yaml", FileMode.REGULAR_FILE, config);
      t.append("bomb", FileMode.TREE, bomb);
      ObjectId bombCommit = GitBombDiffTest.commit(ins, ins.insert(t), base);
      if (inParent) {
        ObjectId readme = ins.insert(Constants.OBJ_BLOB, "hi\n".getBytes(StandardCharsets.UTF_8));
        TreeFormatter withReadme = new TreeFormatter();
        withReadme.append(".seakeeper.yaml", FileMode.REGULAR_FILE, config);
        withReadme.append("README", FileMode.REGULAR_FILE, readme);
        withReadme.append("bomb", FileMode.TREE, bomb);
        change = GitBombDiffTest.commit(ins, ins.insert(withReadme), bombCommit);
      } else {
        change = bombCommit;
      }
      ins.flush();
    }
    git(
        hostileWork,
        "push",
        "-q",
        "--force",
        hostileBare.toString(),
        change.name() + ":refs/for/main");
    return change.name();
  }

  /**
   * Pushes an ordinary commit to the canary's main and requires its post build to succeed within 30
   * s.
   */
  private void canaryBuilds() throws Exception {
    long t0 = System.nanoTime();
    String sha =
        push(
            canaryWork,
            canaryBare,
            "refs/heads/main",
            CANARY_YAML,
            "canary-" + canaries.incrementAndGet(),
            false);
    List<JsonNode> done =
        awaitBuilds(
            port,
            b ->
                b.stream()
                    .anyMatch(
                        x ->
                            x.path("project").asText().equals("canary")
                                && x.path("commit").asText().equals(sha)
                                && status(x).equals("success")),
            CANARY_LIMIT.minus(Duration.ofNanos(System.nanoTime() - t0)));
    assertThat(done).isNotEmpty();
  }

  /** The hostile change's builds, once all of them ended. */
  private List<JsonNode> awaitHostile(String sha) throws Exception {
    List<JsonNode> all =
        awaitBuilds(
            port,
            b ->
                b.stream().anyMatch(x -> isOf(x, sha))
                    && allEnded(b.stream().filter(x -> isOf(x, sha)).toList()),
            HOSTILE_LIMIT);
    return all.stream().filter(x -> isOf(x, sha)).toList();
  }

  private static boolean isOf(JsonNode b, String sha) {
    return b.path("project").asText().equals("hostile") && b.path("commit").asText().equals(sha);
  }

  private static String status(JsonNode b) {
    return b.path("status").asText();
  }

  /** The hostile builds are stored (readable one by one) and the server is healthy. */
  private void recordedAndHealthy(List<JsonNode> hostile) throws Exception {
    assertThat(hostile).isNotEmpty();
    for (JsonNode b : hostile) {
      HttpResponse<String> r = get(port, "/api/v1/builds/" + b.get("id").asText());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(r.body()).path("status").asText()).isEqualTo(status(b));
    }
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> range(String id, String range) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/builds/" + id + "/log"))
            .header("Range", range)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<InputStream> stream(HttpClient client, String id) throws Exception {
    return client.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/builds/" + id + "/log/stream"))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }
}
