package org.seakeeper.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.server.ServerFixture.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.cli.Main;
import org.seakeeper.core.config.ServerConfigParser;

/**
 * An embargoed security fix end to end on the local git connection: a patch submitted with the CLI
 * runs the release pipeline (tier privileged) with the config of the patched commit, its builds are
 * invisible anonymously and visible with the admin token, public after publishing, and the served
 * repository never receives the embargoed commit.
 */
@Tag("slow")
class EmbargoEndToEndTest {
  @TempDir Path tmp;

  static final String YAML =
      """
      jobs:
        build: {run: "echo built; cat fix.txt 2>/dev/null || echo no fix"}
      pipelines:
        release: [build]
      """;

  static final String PATCHED_YAML =
      """
      jobs:
        build: {run: "echo built; cat fix.txt 2>/dev/null || echo no fix"}
        audit: {run: "echo audited the fix"}
      pipelines:
        release: [build, audit]
      """;

  static final String CANARY = "EMBARGOED-FIX-7f3a";

  private record Cli(int code, String out, String err) {}

  private static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Cli(code, out.toString(), err.toString());
  }

  private static HttpResponse<String> getAs(int port, String path, String token) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<JsonNode> adminBuilds(int port, String token) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    JSON.readTree(getAs(port, "/api/v1/builds?limit=1000", token).body())
        .path("builds")
        .forEach(out::add);
    return out.reversed();
  }

  @Test
  void
      an_embargoed_patch_runs_release_privileged_hidden_until_published_and_never_reaches_the_served_repo()
          throws Exception {
    Path[] r = repo(tmp);
    Path bare = r[0];
    Path work = r[1];
    String main = push(work, bare, "refs/heads/main", YAML, "one", false);

    // the security team's fix, made in a private clone and exported as a patch; never pushed
    git(work, "checkout", "-q", "-b", "fix");
    Files.writeString(work.resolve("fix.txt"), CANARY + "\n");
    Files.writeString(work.resolve(".seakeeper.yaml"), PATCHED_YAML);
    git(work, "add", "-A");
    git(
        work,
        "-c",
        "user.name=Sec Team",
        "-c",
        "user.email=security@example.org",
        "commit",
        "-q",
        "-m",
        "Fix CVE-2026-0001\n\nThe frobnicator trusted its input.");
    Path patch = tmp.resolve("fix.patch");
    Files.writeString(patch, git(work, "format-patch", "--stdout", "main..fix"));
    git(work, "checkout", "-q", "main");
    git(work, "branch", "-q", "-D", "fix");

    var cfg =
        ServerConfigParser.parse(config(tmp, bare, freePort()).getBytes(StandardCharsets.UTF_8))
            .config()
            .orElseThrow();
    try (ServerRuntime rt = ServerRuntime.start(cfg, Clock.systemUTC())) {
      int port = rt.port();
      String server = "http://127.0.0.1:" + port + "/";
      String tokenFile = rt.adminTokenFile().toString();
      String token = Files.readString(rt.adminTokenFile()).strip();

      Cli refused =
          cli(
              "embargo",
              "submit",
              "--server",
              server,
              "--token-file",
              tmp.resolve("no-such-token").toString(),
              "--project",
              "demo",
              "--base",
              "main",
              patch.toString());
      assertThat(refused.code()).as("no token file is a usage error").isEqualTo(2);
      Cli noRef =
          cli(
              "embargo",
              "submit",
              "--server",
              server,
              "--token-file",
              tokenFile,
              "--project",
              "demo",
              "--base",
              "nope",
              patch.toString());
      assertThat(noRef.code()).isEqualTo(1);
      assertThat(noRef.err()).contains("404").contains("nope");

      Cli submitted =
          cli(
              "embargo",
              "submit",
              "--server",
              server,
              "--token-file",
              tokenFile,
              "--project",
              "demo",
              "--base",
              "main",
              patch.toString());
      assertThat(submitted.code()).as(submitted.err()).isZero();
      Matcher m = Pattern.compile("id (\\S+)\\s+commit ([0-9a-f]{40})").matcher(submitted.out());
      assertThat(m.find()).as(submitted.out()).isTrue();
      String id = m.group(1);
      String commit = m.group(2);

      long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      List<JsonNode> builds = List.of();
      while (System.nanoTime() < end && !(builds.size() == 2 && allEnded(builds))) {
        Thread.sleep(100);
        builds = adminBuilds(port, token);
      }
      assertThat(builds).as("the embargoed commit's own config (two release jobs) ran").hasSize(2);
      assertThat(builds)
          .allSatisfy(
              b -> {
                assertThat(b.get("status").asText()).isEqualTo("success");
                assertThat(b.get("pipeline").asText()).isEqualTo("release");
                assertThat(b.get("tier").asText()).isEqualTo("privileged");
                assertThat(b.get("connection").asText()).isEqualTo("embargoed");
                assertThat(b.get("commit").asText()).isEqualTo(commit);
              });
      assertThat(builds)
          .extracting(b -> b.get("job").asText())
          .containsExactlyInAnyOrder("build", "audit");
      String buildId =
          builds.stream()
              .filter(b -> b.get("job").asText().equals("build"))
              .findFirst()
              .orElseThrow()
              .get("id")
              .asText();
      assertThat(getAs(port, "/api/v1/builds/" + buildId + "/log", token).body()).contains(CANARY);

      // anonymous: neither listed, counted nor readable
      assertThat(builds(port)).isEmpty();
      for (String path :
          List.of(
              "/api/v1/builds/" + buildId,
              "/api/v1/builds/" + buildId + "/log",
              "/api/v1/builds/" + buildId + "/log/stream",
              "/builds/" + buildId)) {
        HttpResponse<String> anon = get(port, path);
        assertThat(anon.statusCode()).as(path).isEqualTo(404);
        assertThat(anon.body()).doesNotContain(CANARY);
      }
      assertThat(get(port, "/builds").body()).doesNotContain("/builds/" + buildId + "\"");
      JsonNode status = JSON.readTree(get(port, "/api/v1/status").body());
      assertThat(status.path("builds_by_status").path("success").isMissingNode())
          .as(status.toString())
          .isTrue();
      assertThat(get(port, "/api/v1/embargoed").statusCode()).isEqualTo(401);
      Cli anonymousBuilds = cli("builds", "--server", server);
      assertThat(anonymousBuilds.out()).doesNotContain("release");

      // the served repository never saw the commit: no ref, no object
      assertThat(git(bare, "for-each-ref")).doesNotContain("embargo").doesNotContain(commit);
      assertThat(git(bare, "rev-list", "--all")).doesNotContain(commit);
      assertThat(
              new ProcessBuilder("git", "-C", bare.toString(), "cat-file", "-e", commit)
                  .start()
                  .waitFor())
          .as("object absent from the served repo")
          .isNotZero();
      assertThat(git(bare, "rev-parse", "refs/heads/main").strip()).isEqualTo(main);

      Cli shown = cli("embargo", "show", "--server", server, "--token-file", tokenFile, id);
      assertThat(shown.code()).as(shown.err()).isZero();
      assertThat(shown.out()).contains("hidden").contains("privileged");

      Cli published = cli("embargo", "publish", "--server", server, "--token-file", tokenFile, id);
      assertThat(published.code()).as(published.err()).isZero();
      assertThat(builds(port)).hasSize(2);
      assertThat(get(port, "/api/v1/builds/" + buildId + "/log").body()).contains(CANARY);
      assertThat(get(port, "/builds/" + buildId).statusCode()).isEqualTo(200);
      Cli again = cli("embargo", "publish", "--server", server, "--token-file", tokenFile, id);
      assertThat(again.code()).as("publishing twice is refused").isEqualTo(1);

      // a patch that does not apply is refused with the reason, and runs nothing
      Path bad = tmp.resolve("bad.patch");
      Files.writeString(
          bad,
          Files.readString(patch)
              .replace("+" + CANARY, "+x")
              .replace("pipelines:\n", "pipelinez:\n"));
      Cli notApplied =
          cli(
              "embargo",
              "submit",
              "--server",
              server,
              "--token-file",
              tokenFile,
              "--project",
              "demo",
              "--base",
              "refs/heads/main",
              bad.toString());
      assertThat(notApplied.code()).as(notApplied.out() + notApplied.err()).isEqualTo(1);
      assertThat(notApplied.err()).contains("422");
      assertThat(git(bare, "for-each-ref")).doesNotContain("embargo");
    }
  }
}
