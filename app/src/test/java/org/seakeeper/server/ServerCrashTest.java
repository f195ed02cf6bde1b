package org.seakeeper.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.server.ServerFixture.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a real server process at several points and checks the restart: every event processed
 * once, every build record kept, nothing stuck or re-run, each result reported exactly once.
 */
@Tag("slow")
class ServerCrashTest {
  @TempDir Path tmp;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void killChildren() {
    children.forEach(Process::destroyForcibly);
  }

  private Process server(Path config, String mode, Path reports) throws Exception {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            CrashTestServer.class.getName(),
            config.toString(),
            mode,
            reports.toString());
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .start();
    children.add(p);
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    StringBuilder seen = new StringBuilder();
    while (System.nanoTime() < end && (line = r.readLine()) != null) {
      seen.append(line).append('\n');
      if (line.startsWith("READY")) {
        Thread.ofVirtual().start(() -> r.lines().forEach(l -> {}));
        return p;
      }
    }
    throw new AssertionError("the server did not start:\n" + seen);
  }

  private static void kill9(Process p) throws Exception {
    p.destroyForcibly();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  static final String SLOW =
      """
      jobs:
        slow: {run: "sleep 3; echo slow done"}
        quick: {run: "echo quick"}
      pipelines:
        post: [slow, quick]
      """;

  @Test
  void kill_while_a_job_runs_and_pushes_while_down_lose_nothing_and_rerun_nothing_finished()
      throws Exception {
    Path[] r = repo(tmp);
    int port = freePort();
    Path config = tmp.resolve("server.yaml");
    Files.writeString(config, config(tmp, r[0], port));
    Path reports = tmp.resolve("reports.txt");
    Process s1 = server(config, "record", reports);
    String first = push(r[1], r[0], "refs/heads/main", SLOW, "one", false);
    awaitBuilds(
        port,
        b ->
            b.stream()
                    .anyMatch(
                        x ->
                            x.get("job").asText().equals("slow")
                                && x.get("status").asText().equals("running"))
                && b.stream()
                    .anyMatch(
                        x ->
                            x.get("job").asText().equals("quick")
                                && x.get("status").asText().equals("success")),
        Duration.ofSeconds(60));
    kill9(s1);

    List<String> whileDown = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      whileDown.add(
          push(r[1], r[0], "refs/heads/main", SLOW.replace("sleep 3; ", ""), "down-" + i, false));
    }
    server(config, "record", reports);
    List<JsonNode> builds =
        awaitBuilds(port, b -> b.size() >= 9 && allEnded(b), Duration.ofSeconds(90));

    Map<String, List<JsonNode>> byCommit =
        builds.stream().collect(Collectors.groupingBy(b -> b.get("commit").asText()));
    assertThat(byCommit.keySet())
        .containsExactlyInAnyOrder(first, whileDown.get(0), whileDown.get(1), whileDown.get(2));
    List<JsonNode> firstBuilds = byCommit.get(first);
    assertThat(firstBuilds)
        .filteredOn(b -> b.get("job").asText().equals("quick"))
        .singleElement()
        .satisfies(b -> assertThat(b.get("status").asText()).isEqualTo("success"));
    assertThat(firstBuilds)
        .filteredOn(b -> b.get("job").asText().equals("slow"))
        .extracting(b -> b.get("status").asText() + "#" + b.get("attempt").asInt())
        .containsExactly("interrupted#1", "success#2");
    for (String c : whileDown) {
      assertThat(byCommit.get(c))
          .extracting(b -> b.get("job").asText() + "=" + b.get("status").asText())
          .containsExactlyInAnyOrder("slow=success", "quick=success");
    }
    List<String> reported = Files.readAllLines(reports);
    assertThat(reported).doesNotHaveDuplicates().hasSize(4);
  }

  @Test
  void a_crash_after_the_result_is_stored_but_before_it_is_reported_reports_it_once_after_restart()
      throws Exception {
    Path[] r = repo(tmp);
    int port = freePort();
    Path config = tmp.resolve("server.yaml");
    Files.writeString(config, config(tmp, r[0], port));
    Path reports = tmp.resolve("reports.txt");
    Process s1 = server(config, "halt", reports);
    push(
        r[1],
        r[0],
        "refs/heads/main",
        "jobs:\n  a: {run: echo a}\npipelines: {post: [a]}\n",
        "one",
        false);
    assertThat(s1.waitFor(60, TimeUnit.SECONDS))
        .as("the server halts at its first report")
        .isTrue();
    assertThat(reports).doesNotExist();

    server(config, "record", reports);
    List<JsonNode> builds =
        awaitBuilds(port, b -> b.size() == 1 && allEnded(b), Duration.ofSeconds(60));
    assertThat(builds.getFirst().get("status").asText()).isEqualTo("success");
    assertThat(builds.getFirst().get("attempt").asInt())
        .as("a finished build is not run again")
        .isEqualTo(1);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(reports) && System.nanoTime() < end) {
      Thread.sleep(100);
    }
    Thread.sleep(1500);
    assertThat(Files.readAllLines(reports))
        .containsExactly(builds.getFirst().get("buildset_id").asText());
  }
}
