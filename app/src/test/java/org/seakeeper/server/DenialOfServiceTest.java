package org.seakeeper.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.server.ServerFixture.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
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
import org.seakeeper.git.GitBombDiffTest;

/**
 * The attack suite's denial-of-service section (issue 11): a real server on the embedded default
 * (H2, local git repos, real bubblewrap) serves a hostile repo and a <em>canary</em>. The server is
 * {@code seakeeper server --config FILE} in a JVM of its own with a 256 MiB heap and {@code
 * -XX:+ExitOnOutOfMemoryError}: an OutOfMemoryError anywhere in it (even one a loop catches) ends
 * the process, so "alive, no OutOfMemoryError in its output, {@code /healthz} 200" after an attack
 * proves its memory stayed within its heap. Its output (the log of {@code logback.xml}, through the
 * server's own encoder) is the log the tests read.
 *
 * <p>Each attack is pushed as a change for review to the hostile repo, then an ordinary commit to
 * the canary's {@code main}: the canary's post build must succeed within 30 s, the hostile change
 * must end with a result naming the limit it hit, and nothing recorded may be lost (its build rows
 * exist, {@code /healthz} answers 200). Then every attack runs again across two restarts: once
 * pushed while the server is down (its event waiting in the repo's journal, the inbox), once pushed
 * to the running server, which gets SIGTERM while those events are being processed; each time the
 * restarted server keeps every build row, builds the canary within 30 s and gives every hostile
 * change its result. Finally the server stops on SIGTERM with hostile events pending.
 *
 * <p>Each test proves, on the real server, a claim of THREAT_MODEL.md's denial-of-service section
 * (C42 to C51, each listing it under "Proven by"); together they prove C52.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DenialOfServiceTest {
  static final Duration CANARY_LIMIT = Duration.ofSeconds(30);
  static final Duration HOSTILE_LIMIT = Duration.ofSeconds(120);
  static final Duration STOP_LIMIT = Duration.ofSeconds(30);

  /**
   * The server's JVM: the launcher's flags ({@code ./seakeeper}) with half its heap, and any
   * OutOfMemoryError fatal.
   */
  static final List<String> SERVER_JVM =
      List.of(
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-Xms16m",
          "-Xmx256m",
          "-XX:+ExitOnOutOfMemoryError");

  /**
   * What the JVM exits with after SIGTERM: its shutdown hook ({@code ServerCommand}) closes the
   * server, then the JVM ends with 128 + 15.
   */
  static final int SIGTERM_EXIT = 143;

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
  private Path configFile;
  private Path serverLogFile;
  private Process server;
  private int port;
  private String token;
  private final AtomicInteger canaries = new AtomicInteger();

  /** A hostile change pushed: its commits and the check of its result, once it ended. */
  record Pushed(String kind, List<String> shas, Check check) {}

  @FunctionalInterface
  interface Check {
    void run() throws Exception;
  }

  @BeforeAll
  void startTheServer() throws Exception {
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
    configFile = tmp.resolve("server.yaml");
    serverLogFile = tmp.resolve("server.log");
    Files.writeString(
        configFile,
        "data_dir: "
            + tmp.resolve("data")
            + "\nhttp: {port: "
            + port
            + ", bind: 127.0.0.1, public_url: http://127.0.0.1:"
            + port
            + "/}\nrepos:\n  - name: hostile\n    path: "
            + hostileBare
            + "\n  - name: canary\n    path: "
            + canaryBare
            + "\n");
    start();
    token = Files.readString(tmp.resolve("data/admin-token")).strip();
  }

  /** Starts {@code seakeeper server --config FILE} in a JVM of its own; waits for /healthz. */
  private void start() throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(SERVER_JVM);
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            org.seakeeper.cli.Main.class.getName(),
            "server",
            "--config",
            configFile.toString()));
    server =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(serverLogFile.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      assertThat(server.isAlive()).as("the server runs; its output:\n%s", serverLog()).isTrue();
      try {
        if (get(port, "/healthz").statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the server did not start:\n" + serverLog());
  }

  /**
   * Sends SIGTERM; the server must exit within 30 s with the code a SIGTERM'd JVM ends with,
   * without an OutOfMemoryError.
   */
  private void sigterm() throws Exception {
    long t0 = System.nanoTime();
    server.destroy();
    assertThat(server.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS))
        .as("the server exits within 30 s of SIGTERM")
        .isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(STOP_LIMIT);
    assertThat(server.exitValue()).as("exit code after SIGTERM").isEqualTo(SIGTERM_EXIT);
    assertThat(serverLog()).doesNotContain("OutOfMemoryError");
  }

  private String serverLog() throws Exception {
    return Files.exists(serverLogFile)
        ? new String(Files.readAllBytes(serverLogFile), StandardCharsets.UTF_8)
        : "";
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null && server.isAlive()) {
      server.destroy();
      if (!server.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  // ---- the attacks, one by one -----------------------------------------------------------------

  @Test
  @Order(1)
  void a_git_bomb_in_the_change_is_refused_naming_the_limit_while_the_canary_builds()
      throws Exception {
    attack(bomb(false, "1"));
  }

  @Test
  @Order(2)
  void a_git_bomb_in_the_parent_of_a_change_adding_a_readme_is_refused_naming_the_limit()
      throws Exception {
    attack(bomb(true, "2"));
  }

  @Test
  @Order(3)
  void a_backtracking_glob_in_when_files_against_a_long_path_ends_at_once() throws Exception {
    attack(whenFilesGlob("3"));
  }

  @Test
  @Order(4)
  void a_backtracking_glob_in_artifacts_against_a_long_path_ends_at_once() throws Exception {
    attack(artifactsGlob("4"));
  }

  @Test
  @Order(5)
  void a_400_mb_output_line_ends_and_its_log_reads_back_in_ranges_in_bounded_time()
      throws Exception {
    Pushed p = flood("5");
    attack(p);
    JsonNode flood = latest(hostile(p.shas().getFirst())).getFirst();
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
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .as("three ranges of a 400 MB log")
        .isLessThan(Duration.ofSeconds(10));
    healthy();
  }

  @Test
  @Order(6)
  void a_job_and_matrix_explosion_is_a_config_error_naming_the_limit() throws Exception {
    attack(explosion("6"));
  }

  @Test
  @Order(7)
  void control_characters_in_names_values_and_messages_forge_no_server_log_line() throws Exception {
    attack(controlCharacters("7"));
  }

  @Test
  @Order(8)
  void one_client_opening_20_live_log_streams_gets_429_past_8_while_another_client_gets_one()
      throws Exception {
    attack(streams("8"));
  }

  @Test
  @Order(9)
  void a_120_mb_log_read_whole_by_8_clients_at_once_keeps_the_server_within_its_heap()
      throws Exception {
    attack(bigLog("9"));
  }

  // ---- every attack across a restart ------------------------------------------------------------

  @Test
  @Order(10)
  void every_attack_waiting_in_the_inbox_across_a_restart_gets_its_result_while_the_canary_builds()
      throws Exception {
    Map<String, String> before = buildStatuses();
    sigterm();
    // While the server is down, every hostile event waits in the repo's journal (its inbox).
    List<Pushed> all = everyAttack("down");
    start();
    canaryBuilds();
    for (Pushed p : all) {
      p.check().run();
    }
    assertThat(buildStatuses()).as("no build row lost, none changed").containsAllEntriesOf(before);
    healthy();
  }

  @Test
  @Order(11)
  void
      sigterm_while_every_attack_is_being_processed_stops_within_30_s_and_the_restart_loses_no_build()
          throws Exception {
    List<Pushed> all = everyAttack("busy");
    String flood =
        all.stream().filter(p -> p.kind().equals("flood")).findFirst().orElseThrow().shas().get(0);
    awaitBuilds(
        port,
        b -> b.stream().anyMatch(x -> isOf(x, flood) && status(x).equals("running")),
        HOSTILE_LIMIT);
    List<JsonNode> before = builds(port);
    System.out.println(
        "at SIGTERM: "
            + all.stream()
                .map(
                    p ->
                        p.kind()
                            + "="
                            + before.stream()
                                .filter(b -> p.shas().stream().anyMatch(s -> isOf(b, s)))
                                .map(DenialOfServiceTest::status)
                                .toList())
                .toList());
    sigterm();
    start();
    canaryBuilds();
    for (Pushed p : all) {
      p.check().run();
    }
    assertThat(hostile(flood))
        .as("the flood, running at SIGTERM, was interrupted and ran again after the restart")
        .extracting(b -> status(b) + "#" + b.path("attempt").asInt())
        .containsExactly("interrupted#1", "success#2");
    Map<String, String> after = buildStatuses();
    for (JsonNode b : before) {
      String id = b.get("id").asText();
      assertThat(after).as("build %s is kept", id).containsKey(id);
      if (allEnded(List.of(b))) {
        assertThat(after.get(id)).as("build %s keeps its result", id).isEqualTo(status(b));
      }
    }
    healthy();
  }

  @Test
  @Order(12)
  void the_server_stops_cleanly_on_sigterm_with_hostile_events_pending() throws Exception {
    Pushed sleeper = sleeper("last");
    awaitRunning(sleeper.shas().getFirst());
    bomb(false, "last");
    explosion("last");
    sigterm();
  }

  // ---- the attacks: what is pushed and what its result must be ----------------------------------

  /** Pushes {@code p}'s change (already done), builds the canary, checks {@code p}'s result. */
  private void attack(Pushed p) throws Exception {
    if (!p.kind().equals("streams") && !p.kind().equals("big-log")) {
      canaryBuilds(); // those two build the canary while their clients read
    }
    p.check().run();
  }

  /** One change of each attack, in an order that keeps the slow ones from holding the others. */
  private List<Pushed> everyAttack(String round) throws Exception {
    List<Pushed> all = new ArrayList<>();
    all.add(flood(round));
    all.add(bomb(false, round));
    all.add(bomb(true, round));
    all.add(whenFilesGlob(round));
    all.add(artifactsGlob(round));
    all.add(explosion(round));
    all.add(controlCharacters(round));
    all.add(bigLog(round));
    all.add(streams(round));
    return all;
  }

  private Pushed bomb(boolean inParent, String round) throws Exception {
    String sha = pushBombChange(inParent, round);
    return new Pushed(
        inParent ? "bomb-in-parent" : "bomb",
        List.of(sha),
        () -> {
          List<JsonNode> hostile = awaitHostile(sha);
          assertThat(hostile)
              .anySatisfy(
                  b ->
                      assertThat(b.path("detail").asText())
                          .contains("over a limit")
                          .contains("more than 1000000 files"));
          recordedAndHealthy(hostile);
        });
  }

  private Pushed whenFilesGlob(String round) throws Exception {
    String sha =
        pushHostileWithLongPath(
            "jobs:\n"
                + "  globbed: {run: \"true\", when: {files: [\""
                + GLOB
                + "\"]}}\n"
                + "  plain: {run: \"true\"}\n"
                + "pipelines:\n  check: [globbed, plain]\n",
            "when-files-glob " + round);
    return new Pushed(
        "when-files-glob",
        List.of(sha),
        () -> {
          List<JsonNode> hostile = awaitHostile(sha);
          assertThat(latest(hostile))
              .anySatisfy(
                  b -> {
                    assertThat(b.path("job").asText()).isEqualTo("globbed");
                    assertThat(status(b)).isEqualTo("skipped");
                  })
              .anySatisfy(
                  b -> {
                    assertThat(b.path("job").asText()).isEqualTo("plain");
                    assertThat(status(b)).isEqualTo("success");
                  });
          recordedAndHealthy(hostile);
        });
  }

  private Pushed artifactsGlob(String round) throws Exception {
    String sha =
        pushHostileWithLongPath(
            "jobs:\n"
                + "  collect: {run: \"true\", artifacts: [\""
                + GLOB
                + "\"]}\n"
                + "pipelines:\n  check: [collect]\n",
            "artifacts-glob " + round);
    return new Pushed(
        "artifacts-glob",
        List.of(sha),
        () -> {
          List<JsonNode> hostile = awaitHostile(sha);
          assertThat(latest(hostile))
              .singleElement()
              .satisfies(
                  b -> {
                    assertThat(status(b)).isEqualTo("success");
                    assertThat(b.path("detail").asText()).as("no artifact matched").isEmpty();
                  });
          recordedAndHealthy(hostile);
        });
  }

  /** A 400 MB output line: the build succeeds and every byte is kept. */
  private Pushed flood(String round) throws Exception {
    String sha =
        pushHostile(
            "jobs:\n"
                + "  flood: {run: \"head -c 400000000 /dev/zero | tr '\\\\0' a; echo; echo"
                + " flood-done\"}\n"
                + "pipelines:\n  check: [flood]\n",
            "flood " + round);
    return new Pushed(
        "flood",
        List.of(sha),
        () -> {
          List<JsonNode> hostile = awaitHostile(sha);
          JsonNode flood = latest(hostile).getFirst();
          assertThat(status(flood)).as(flood.toString()).isEqualTo("success");
          assertThat(logLength(flood.get("id").asText()))
              .as("every byte kept")
              .isGreaterThan(400_000_000L);
          recordedAndHealthy(hostile);
        });
  }

  private Pushed explosion(String round) throws Exception {
    StringBuilder yaml =
        new StringBuilder("# " + round + "\njobs:\n  .t:\n    run: \"true\"\n    matrix: {A: [");
    for (int i = 0; i < 64; i++) {
      yaml.append(i == 0 ? "" : ", ").append("v").append(i);
    }
    yaml.append("]}\n");
    for (int i = 0; i < 1500; i++) {
      yaml.append("  j").append(i).append(": {extends: .t}\n");
    }
    yaml.append("pipelines:\n  check: [j0]\n");
    String sha = pushHostile(yaml.toString(), "explosion " + round);
    return new Pushed(
        "explosion",
        List.of(sha),
        () -> {
          List<JsonNode> hostile = awaitHostile(sha);
          assertThat(latest(hostile))
              .singleElement()
              .satisfies(
                  b -> {
                    assertThat(status(b)).isEqualTo("config_error");
                    assertThat(b.path("detail").asText())
                        .contains("the config defines more than 500 jobs");
                  });
          recordedAndHealthy(hostile);
        });
  }

  private Pushed controlCharacters(String round) throws Exception {
    String evil = "x\n" + FORGED + " \u001b[31mred\u001b[0m \u202Eevil\r";
    String yamlEvil = "x\\n" + FORGED + " \\e[31mred\\e[0m \\u202Eevil\\r";
    String sha =
        pushHostile(
            "jobs:\n"
                + "  m: {run: \"true\", matrix: {X: [\""
                + yamlEvil
                + "\", plain]}}\n"
                + "pipelines:\n  check: [m]\n",
            "msg " + round + " " + evil);
    String nameSha =
        pushHostile(
            "jobs:\n  ok: {run: \"true\"}\n  \""
                + yamlEvil
                + "\": {run: \"true\"}\npipelines:\n  check: [ok]\n",
            "name " + round + " " + evil);
    return new Pushed(
        "control-characters",
        List.of(sha, nameSha),
        () -> {
          List<JsonNode> hostile = awaitHostile(sha);
          List<JsonNode> named = awaitHostile(nameSha);
          assertThat(latest(hostile))
              .as("the matrix instances run, their names verbatim in the API (JSON data)")
              .anySatisfy(b -> assertThat(b.path("job").asText()).contains(evil));
          assertThat(latest(named))
              .singleElement()
              .satisfies(b -> assertThat(status(b)).isEqualTo("config_error"));
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
        });
  }

  private Pushed sleeper(String round) throws Exception {
    String sha =
        pushHostile(
            "jobs:\n"
                + "  sleeper: {run: \"echo waiting; sleep 120\"}\n"
                + "pipelines:\n"
                + "  check: [sleeper]\n",
            "sleeper " + round);
    return new Pushed("sleeper", List.of(sha), () -> {});
  }

  /**
   * A running build whose live log one client opens 20 times: 8 streams, then twelve 429s, while a
   * client from another address still gets one and the canary builds; then it is cancelled.
   */
  private Pushed streams(String round) throws Exception {
    String sha = sleeper(round).shas().getFirst();
    return new Pushed(
        "streams",
        List.of(sha),
        () -> {
          String id = awaitRunning(sha).get("id").asText();
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
        });
  }

  /**
   * A 120 MB log of ordinary lines, read whole by 8 clients at once while the canary builds: each
   * gets every byte, the last line included.
   */
  private Pushed bigLog(String round) throws Exception {
    String sha =
        pushHostile(
            "jobs:\n"
                + "  big: {run: \"yes 'an ordinary line of a long log, repeated until it weighs"
                + " 120 MB' | head -c 120000000; echo; echo big-done\"}\n"
                + "pipelines:\n  check: [big]\n",
            "big-log " + round);
    return new Pushed(
        "big-log",
        List.of(sha),
        () -> {
          List<JsonNode> hostile = awaitHostile(sha);
          JsonNode big = latest(hostile).getFirst();
          assertThat(status(big)).as(big.toString()).isEqualTo("success");
          String id = big.get("id").asText();
          long total = logLength(id);
          assertThat(total).isGreaterThan(120_000_000L);
          List<CompletableFuture<String>> readers = new ArrayList<>();
          for (int i = 0; i < 8; i++) {
            readers.add(CompletableFuture.supplyAsync(() -> readWhole(id)));
          }
          canaryBuilds();
          for (CompletableFuture<String> r : readers) {
            assertThat(r.get(120, TimeUnit.SECONDS))
                .as("a whole read")
                .isEqualTo("200 " + total + " bytes, ending big-done");
          }
          recordedAndHealthy(hostile);
        });
  }

  /** Reads the raw log of build {@code id} whole: "STATUS N bytes, ending LAST-LINE". */
  private String readWhole(String id) {
    try {
      HttpResponse<InputStream> r =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/api/v1/builds/" + id + "/log"))
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      byte[] buf = new byte[1 << 16];
      byte[] last = new byte[64];
      long n = 0;
      try (InputStream in = r.body()) {
        for (int k; (k = in.read(buf)) > 0; ) {
          if (k >= last.length) {
            System.arraycopy(buf, k - last.length, last, 0, last.length);
          } else {
            System.arraycopy(last, k, last, 0, last.length - k);
            System.arraycopy(buf, 0, last, last.length - k, k);
          }
          n += k;
        }
      }
      String end = new String(last, StandardCharsets.UTF_8).strip();
      return r.statusCode()
          + " "
          + n
          + " bytes, ending "
          + end.substring(end.lastIndexOf('\n') + 1);
    } catch (Exception e) {
      return e.toString();
    }
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
   * the bomb comes with its parent and the change only adds a README. {@code round} makes the
   * config, hence the commit, new.
   */
  private String pushBombChange(boolean inParent, String round) throws Exception {
    ObjectId change;
    try (Repository repo =
            new FileRepositoryBuilder().setGitDir(hostileWork.resolve(".git").toFile()).build();
        ObjectInserter ins = repo.newObjectInserter()) {
      ObjectId base = ObjectId.fromString(hostileBase);
      ObjectId bomb = GitBombDiffTest.bomb(ins, 8);
      ObjectId config =
          ins.insert(
              Constants.OBJ_BLOB,
              ("# " + round + "\njobs:\n  build: {run: \"true\"}\npipelines:\n  check: [build]\n")
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

  /**
   * The hostile change's builds, once all of them ended (a build interrupted by a stop counts once
   * its next attempt ended).
   */
  private List<JsonNode> awaitHostile(String sha) throws Exception {
    List<JsonNode> all =
        awaitBuilds(
            port,
            b -> {
              List<JsonNode> mine = b.stream().filter(x -> isOf(x, sha)).toList();
              return !mine.isEmpty()
                  && allEnded(mine)
                  && latest(mine).stream().noneMatch(x -> status(x).equals("interrupted"));
            },
            HOSTILE_LIMIT);
    return all.stream().filter(x -> isOf(x, sha)).toList();
  }

  private List<JsonNode> hostile(String sha) throws Exception {
    return builds(port).stream().filter(x -> isOf(x, sha)).toList();
  }

  /** A running build of the hostile change {@code sha}. */
  private JsonNode awaitRunning(String sha) throws Exception {
    return awaitBuilds(
            port,
            b -> b.stream().anyMatch(x -> isOf(x, sha) && status(x).equals("running")),
            HOSTILE_LIMIT)
        .stream()
        .filter(x -> isOf(x, sha) && status(x).equals("running"))
        .findFirst()
        .orElseThrow();
  }

  /** Each job's last attempt (a build interrupted by a stop is run again as the next attempt). */
  private static List<JsonNode> latest(List<JsonNode> builds) {
    return List.copyOf(
        builds.stream()
            .collect(
                Collectors.toMap(
                    b -> b.path("job").asText(),
                    b -> b,
                    (a, b) -> a.path("attempt").asInt() >= b.path("attempt").asInt() ? a : b,
                    java.util.LinkedHashMap::new))
            .values());
  }

  private static boolean isOf(JsonNode b, String sha) {
    return b.path("project").asText().equals("hostile") && b.path("commit").asText().equals(sha);
  }

  private static String status(JsonNode b) {
    return b.path("status").asText();
  }

  private Map<String, String> buildStatuses() throws Exception {
    Map<String, String> out = new HashMap<>();
    builds(port).forEach(b -> out.put(b.get("id").asText(), status(b)));
    return out;
  }

  /** The hostile builds are stored (readable one by one) and the server is healthy. */
  private void recordedAndHealthy(List<JsonNode> hostile) throws Exception {
    assertThat(hostile).isNotEmpty();
    for (JsonNode b : hostile) {
      HttpResponse<String> r = get(port, "/api/v1/builds/" + b.get("id").asText());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(r.body()).path("status").asText()).isEqualTo(status(b));
    }
    healthy();
  }

  /**
   * The server process is alive (an OutOfMemoryError would have ended it), wrote no
   * OutOfMemoryError, and {@code /healthz} answers 200.
   */
  private void healthy() throws Exception {
    assertThat(server.isAlive()).as("the server runs; its output:\n%s", tailOfLog()).isTrue();
    assertThat(serverLog()).doesNotContain("OutOfMemoryError");
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
  }

  private String tailOfLog() throws Exception {
    String log = serverLog();
    return log.substring(Math.max(0, log.length() - 4000));
  }

  /** The length of build {@code id}'s log, from a one-byte range's Content-Range. */
  private long logLength(String id) throws Exception {
    String cr = range(id, "bytes=-1").headers().firstValue("Content-Range").orElseThrow();
    return Long.parseLong(cr.substring(cr.indexOf('/') + 1));
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
