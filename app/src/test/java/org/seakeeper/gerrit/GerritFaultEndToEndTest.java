package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.server.ServerRuntime;

/**
 * Gerrit outages against a real Gerrit behind {@link FaultRelay}s (issue 10): the server reaches
 * Gerrit's HTTP (REST and git) through a relay the test breaks at will, SSH directly or (test d)
 * through a second relay; the developer (the test) talks to Gerrit directly. The server also serves
 * a local repo, whose pushes must not wait on Gerrit. The server's Gerrit timeouts are tight
 * (connect 2 s, request 5 s), and so is each outage window (seconds, not minutes).
 */
@Tag("slow")
class GerritFaultEndToEndTest {
  @RegisterExtension static final GerritServer GERRIT = new GerritServer();
  private static final AtomicInteger PROJECTS = new AtomicInteger();
  static final Duration LIMIT = Duration.ofSeconds(90);
  static final String CHECK_ONLY = "jobs:\n  unit: {run: \"true\"}\npipelines:\n  check: [unit]\n";

  @TempDir Path tmp;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private ServerRuntime rt;
  private int port;
  private GerritFlow f;
  private FaultRelay http;
  private FaultRelay ssh;
  private Path localBare;
  private Path localWork;

  @AfterEach
  void stop() throws Exception {
    if (rt != null) {
      rt.close();
    }
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  /** A project in Gerrit, a local repo, relays, and a server using them (started, streaming). */
  private void serve(boolean relaySsh) throws Exception {
    f = new GerritFlow(GERRIT, "fault-" + PROJECTS.incrementAndGet(), tmp.resolve("work"));
    http = FaultRelay.http(Integer.parseInt(GERRIT.url().replaceAll(".*:(\\d+)/$", "$1")));
    closing.add(http);
    int sshPort = GERRIT.sshPort();
    if (relaySsh) {
      ssh = FaultRelay.tcp(GERRIT.sshPort());
      closing.add(ssh);
      sshPort = ssh.port();
    }
    localBare = tmp.resolve("local.git");
    GerritFlow.git(tmp, "init", "-q", "--bare", "--initial-branch=main", localBare.toString());
    localWork = Files.createDirectories(tmp.resolve("local-work"));
    GerritFlow.git(localWork, "init", "-q", "--initial-branch=main", ".");
    port = GerritServer.freePort();
    String yaml =
        "data_dir: "
            + tmp.resolve("data")
            + "\nhttp: {port: "
            + port
            + ", bind: 127.0.0.1, public_url: http://127.0.0.1:"
            + port
            + "/}\n"
            + "repos:\n  - name: demo\n    path: "
            + localBare
            + "\n"
            + "connections:\n  - name: review\n    type: gerrit\n    url: http://127.0.0.1:"
            + http.port()
            + "/\n    user: "
            + GerritServer.CI_USER
            + "\n    http_password_file: "
            + GERRIT.ciPasswordFile()
            + "\n    ssh: {host: 127.0.0.1, port: "
            + sshPort
            + ", key: "
            + GERRIT.ciKey()
            + "}\n    projects: ["
            + f.project()
            + "]\n    connect_timeout: 2s\n    request_timeout: 5s\n";
    ServerConfigParser.Result r = ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(r.problems()).isEmpty();
    ServerConfig cfg = r.config().orElseThrow();
    rt = GerritFlow.start(cfg);
  }

  /** Pushes a commit with a post-only config to the local repo's main; returns the commit. */
  private String pushLocal(String marker) throws Exception {
    Files.writeString(
        localWork.resolve(".seakeeper.yaml"),
        "jobs:\n  build: {run: \"true\"}\npipelines:\n  post: [build]\n");
    Files.writeString(localWork.resolve("marker.txt"), marker + "\n");
    GerritFlow.git(localWork, "add", "-A");
    GerritFlow.git(localWork, "commit", "-q", "-m", marker);
    GerritFlow.git(localWork, "push", "-q", localBare.toString(), "HEAD:refs/heads/main");
    return GerritFlow.git(localWork, "rev-parse", "HEAD");
  }

  private List<JsonNode> allBuilds() throws Exception {
    String body =
        GerritFlow.HTTP
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            "http://127.0.0.1:" + port + "/api/v1/builds?limit=1000"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    List<JsonNode> out = new ArrayList<>();
    GerritRest.JSON.readTree(body).path("builds").forEach(out::add);
    return out.reversed();
  }

  private static String field(JsonNode b, String name) {
    return b.path(name).asText();
  }

  /**
   * The CI account's messages carrying a vote of {@code value} in Gerrit's "Patch Set N:
   * Verified±1" prefix.
   */
  private long votesOf(int change, String value) throws Exception {
    return f.ciMessages(change).stream()
        .filter(
            m ->
                m.path("message")
                    .asText()
                    .lines()
                    .findFirst()
                    .orElse("")
                    .contains("Verified" + value))
        .count();
  }

  private static List<JsonNode> pipeline(List<JsonNode> builds, String id) {
    return builds.stream().filter(b -> field(b, "pipeline").equals(id)).toList();
  }

  // (a) -----------------------------------------------------------------------------------

  @Test
  void
      gerrit_http_hanging_does_not_hold_up_a_local_push_and_the_change_from_meanwhile_is_voted_on_once_gerrit_answers()
          throws Exception {
    serve(false);
    http.hang();
    int hanging =
        f.change(
            f.pushForReview("arrives while Gerrit's HTTP hangs", ".seakeeper.yaml", CHECK_ONLY));
    // the stream (SSH, direct) announces it; fetching its patch set hangs
    long t0 = System.nanoTime();
    String local = pushLocal("local push while gerrit hangs");
    Await.untilNoThrow(
        "the local push's post build succeeded while Gerrit hangs",
        Duration.ofSeconds(15),
        () ->
            allBuilds().stream()
                .anyMatch(
                    b ->
                        field(b, "connection").equals("local")
                            && field(b, "commit").equals(local)
                            && field(b, "pipeline").equals("post")
                            && field(b, "status").equals("success")));
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .as("the post build did not wait for Gerrit")
        .isLessThan(Duration.ofSeconds(15));
    assertThat(http.mode()).isEqualTo(FaultRelay.Mode.HANG);
    assertThat(f.ciMessages(hanging)).as("nothing could be posted while Gerrit hangs").isEmpty();

    http.pass();
    f.awaitCiMessages(hanging, m -> m.size() == 1, LIMIT);
    // a change pushed after recovery is voted on too: by then a second vote on the first would have
    // come
    f.resetToMaster();
    int after = f.change(f.pushForReview("after recovery", ".seakeeper.yaml", CHECK_ONLY));
    f.awaitCiMessages(after, m -> m.size() == 1, LIMIT);
    assertThat(f.ciMessages(hanging)).hasSize(1);
    assertThat(f.verified(hanging)).isEqualTo(1);
    List<JsonNode> checks = pipeline(GerritFlow.builds(port, hanging), "check");
    assertThat(checks.stream().map(b -> field(b, "status")).toList())
        .as("built once, no error verdict")
        .containsExactly("success");
  }

  // (b), (c): the gate ----------------------------------------------------------------------

  /**
   * Check runs {@code unit}; gate runs {@code integration}, which holds until the test opens a
   * loopback port.
   */
  static String gateYaml(int holdPort) {
    String hold =
        "until (exec 3<>/dev/tcp/127.0.0.1/" + holdPort + ") 2>/dev/null; do sleep 0.1; done";
    return "jobs:\n  unit: {run: \"true\"}\n  integration: {run: \""
        + hold
        + "\"}\npipelines:\n  check: [unit]\n  gate: [integration]\n";
  }

  /**
   * An approved change whose gate job holds on {@code holdPort}; returns its number once its gate
   * build runs.
   */
  private int approvedChangeInGate(int holdPort) throws Exception {
    f.commitOnly("Seakeeper config", ".seakeeper.yaml", gateYaml(holdPort));
    GerritFlow.git(f.work, "push", "-q", "origin", "HEAD:refs/heads/master");
    int n = f.change(f.pushForReview("gate me", "a.txt", "a\n"));
    f.awaitCiMessages(n, m -> m.size() == 1, LIMIT);
    assertThat(f.verified(n)).isEqualTo(1);
    GERRIT
        .admin()
        .post(
            "changes/" + f.project() + "~" + n + "/revisions/current/review",
            GerritRest.json("labels", Map.of("Code-Review", 2)));
    GerritFlow.awaitBuilds(
        port,
        n,
        bs -> pipeline(bs, "gate").stream().anyMatch(b -> field(b, "status").equals("running")),
        LIMIT);
    return n;
  }

  private ServerSocket release(int holdPort) throws IOException {
    ServerSocket s = new ServerSocket(holdPort, 50, InetAddress.getLoopbackAddress());
    closing.add(s);
    Thread.ofVirtual()
        .start(
            () -> {
              while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                  c.getOutputStream().flush();
                } catch (IOException e) {
                  return;
                }
              }
            });
    return s;
  }

  private String status(int change) throws Exception {
    return GERRIT.change(f.project(), change).get("status").asText();
  }

  private long submits() {
    return http.requests().stream()
        .filter(r -> r.startsWith("POST ") && r.endsWith("/submit"))
        .count();
  }

  @Test
  void
      gerrit_http_down_when_the_gate_job_passes_merges_the_change_after_recovery_without_a_minus_one()
          throws Exception {
    serve(false);
    int holdPort = GerritServer.freePort();
    int n = approvedChangeInGate(holdPort);

    http.refuse();
    release(holdPort);
    Await.untilNoThrow(
        "the gate build passed while Gerrit's HTTP is down",
        LIMIT,
        () ->
            pipeline(GerritFlow.builds(port, n), "gate").stream()
                .anyMatch(b -> field(b, "status").equals("success")));
    // still down, now answering 503 to everything (as a proxy in front of it would): the submit is
    // tried and fails
    http.failHttp(Integer.MAX_VALUE, p -> true);
    http.pass();
    Await.until(
        "a submit was tried while Gerrit answers 503",
        Duration.ofSeconds(30),
        () -> submits() >= 1);
    assertThat(status(n)).isEqualTo("NEW");
    http.failHttp(0, p -> true);

    Await.untilNoThrow(
        "the change is merged after Gerrit is back", LIMIT, () -> status(n).equals("MERGED"));
    f.awaitCiMessages(n, m -> m.size() == 2, LIMIT);
    f.resetToMaster();
    int after = f.change(f.pushForReview("after recovery", "b.txt", "b\n"));
    f.awaitCiMessages(after, m -> m.size() == 1, LIMIT);
    List<JsonNode> msgs = f.ciMessages(n);
    assertThat(msgs).as("the check and exactly one gate review").hasSize(2);
    assertThat(msgs.get(1).path("message").asText())
        .contains("Build succeeded (gate pipeline)")
        .contains("merged");
    assertThat(votesOf(n, "-1")).as("no Verified -1").isZero();
    assertThat(f.verified(n)).isEqualTo(1);
  }

  @Test
  void a_submit_answered_503_several_times_then_accepted_is_merged_once() throws Exception {
    serve(false);
    int holdPort = GerritServer.freePort();
    int n = approvedChangeInGate(holdPort);
    http.failHttp(3, p -> p.endsWith("/submit"));
    release(holdPort);

    Await.untilNoThrow("the change is merged", LIMIT, () -> status(n).equals("MERGED"));
    f.awaitCiMessages(n, m -> m.size() == 2, LIMIT);
    f.resetToMaster();
    int after = f.change(f.pushForReview("after the merge", "b.txt", "b\n"));
    f.awaitCiMessages(after, m -> m.size() == 1, LIMIT);
    assertThat(http.failedRequests()).as("three submits answered 503").isEqualTo(3);
    assertThat(submits()).as("three failed submits and one that reached Gerrit").isEqualTo(4);
    List<JsonNode> msgs = f.ciMessages(n);
    assertThat(msgs).hasSize(2);
    assertThat(msgs.get(1).path("message").asText())
        .contains("Build succeeded (gate pipeline)")
        .contains("merged");
    assertThat(votesOf(n, "-1")).isZero();
  }

  // (d) -----------------------------------------------------------------------------------

  @Test
  void
      ssh_stream_and_rest_down_together_changes_uploaded_meanwhile_are_each_voted_on_once_after_recovery()
          throws Exception {
    serve(true);
    int acceptedBefore = ssh.accepted();
    // the stream's connection dies and new ones are accepted but never answered; HTTP refuses
    ssh.hang();
    ssh.cut();
    http.refuse();
    int a =
        f.change(f.pushForReview("uploaded during the outage, 1", ".seakeeper.yaml", CHECK_ONLY));
    f.resetToMaster();
    int b =
        f.change(f.pushForReview("uploaded during the outage, 2", ".seakeeper.yaml", CHECK_ONLY));
    Await.until(
        "the server tried to reconnect its stream during the outage",
        Duration.ofSeconds(20),
        () -> ssh.accepted() > acceptedBefore);
    assertThat(f.ciMessages(a)).isEmpty();
    assertThat(f.ciMessages(b)).isEmpty();

    ssh.pass();
    http.pass();
    f.awaitCiMessages(a, m -> m.size() == 1, LIMIT);
    f.awaitCiMessages(b, m -> m.size() == 1, LIMIT);
    f.resetToMaster();
    int after = f.change(f.pushForReview("after recovery", ".seakeeper.yaml", CHECK_ONLY));
    f.awaitCiMessages(after, m -> m.size() == 1, LIMIT);
    for (int change : List.of(a, b)) {
      assertThat(f.ciMessages(change)).as("change " + change + " voted on once").hasSize(1);
      assertThat(f.verified(change)).isEqualTo(1);
      assertThat(
              pipeline(GerritFlow.builds(port, change), "check").stream()
                  .map(x -> field(x, "status"))
                  .toList())
          .as("change " + change + " built once")
          .containsExactly("success");
    }
  }
}
