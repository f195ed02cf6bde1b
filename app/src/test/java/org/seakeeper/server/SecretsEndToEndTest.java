package org.seakeeper.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.server.ServerFixture.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.config.ServerConfigParser;

/**
 * Secrets end to end on the local git connection (issue 6): an admin sets a project's secret with
 * the CLI (directly in the store before the server starts, through the API while it runs); a change
 * pushed for review whose check job hunts for the value never sees it, while the project's post job
 * that declares it reads it (positive control) and its log shows the value's hash and the mask,
 * never the value.
 */
@Tag("slow")
class SecretsEndToEndTest {
  @TempDir Path tmp;

  /** Random per run: no file on this machine holds it before the test sets it. */
  private final String value = "SKCANARY-" + UUID.randomUUID();

  static final String YAML =
      """
      jobs:
        publish:
          secrets: [deploy-token]
          run: |
            sha256sum "$SEAKEEPER_SECRETS/deploy-token"
            echo "the value: $(cat "$SEAKEEPER_SECRETS/deploy-token")"
        hunt:
          run: |
            echo "tier $SEAKEEPER_TIER secrets dir $SEAKEEPER_SECRETS"
            env
            ls -la "$SEAKEEPER_SECRETS" /run/seakeeper 2>&1 || true
            cat "$SEAKEEPER_SECRETS"/* 2>&1 || true
            echo SKCANARY-0000-4242 > /tmp/planted   # positive control: the hunt finds what is there
            cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n' | grep -ao 'SKCANARY-[0-9a-f-]*' || true
            for d in /*; do
              case "$d" in /usr|/proc|/sys|/dev|/bin|/sbin|/lib|/lib32|/lib64|/libx32) ;;
                *) grep -rhoa 'SKCANARY-[0-9a-f-]*' "$d" 2>/dev/null || true ;;
              esac
            done
            find / -xdev \\( -name '*secret*' -o -name '*.key' \\) 2>/dev/null | head -50 || true
            echo "hunt done"
      pipelines:
        post: [publish]
        check: [hunt]
      """;

  private static String log(int port, JsonNode build) throws Exception {
    return get(port, "/api/v1/builds/" + build.get("id").asText() + "/log").body();
  }

  /**
   * What the build was given (issue 13), as the API and the build page show it: the names of the
   * secrets handed over, never the value.
   */
  private void assertRunFacts(int port, JsonNode build, List<String> secrets, boolean network)
      throws Exception {
    String id = build.get("id").asText();
    HttpResponse<String> api = get(port, "/api/v1/builds/" + id);
    assertThat(api.statusCode()).isEqualTo(200);
    JsonNode run = ServerFixture.JSON.readTree(api.body()).path("run");
    assertThat(run.isObject()).as(api.body()).isTrue();
    List<String> names = new java.util.ArrayList<>();
    run.path("secrets").forEach(n -> names.add(n.asText()));
    assertThat(names).containsExactlyElementsOf(secrets);
    assertThat(run.path("network").asBoolean()).isEqualTo(network);
    assertThat(run.path("image").asText()).isEqualTo("host");
    assertThat(run.path("config").path("script").asText()).contains("SEAKEEPER_SECRETS");
    String page = get(port, "/builds/" + id).body();
    assertThat(page)
        .contains("<h2 id=\"run-heading\">What the job was given</h2>")
        .contains(
            secrets.isEmpty()
                ? "<dt>Secrets handed over</dt><dd>none</dd>"
                : "<dt>Secrets handed over</dt><dd><code>deploy-token</code>")
        .contains(network ? "<dt>Network</dt><dd>on</dd>" : "<dt>Network</dt><dd>none");
    assertThat(api.body()).doesNotContain(value);
    assertThat(page).doesNotContain(value);
  }

  @Test
  void
      a_review_change_hunting_for_a_secret_never_sees_it_while_the_post_job_that_declares_it_reads_it()
          throws Exception {
    Path[] r = repo(tmp);
    int port = freePort();
    Path key = tmp.resolve("keys/secrets.key");
    Path configFile =
        Files.writeString(
            tmp.resolve("server.yaml"),
            config(tmp, r[0], port) + "secrets: {key_file: " + key + "}\n");

    // No server yet: straight into the store, encrypted with a key file made on first use.
    Cli set =
        cli(
            value + "\n",
            "secrets",
            "set",
            "--config",
            configFile.toString(),
            "demo",
            "deploy-token");
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(set.out())
        .contains("secret 'deploy-token' of local/demo set for post, periodic, release")
        .contains("written to the store directly");
    assertThat(Files.exists(key)).isTrue();

    var cfg = ServerConfigParser.parse(Files.readAllBytes(configFile)).config().orElseThrow();
    try (ServerRuntime rt = ServerRuntime.start(cfg, Clock.systemUTC())) {
      // While it runs (H2 is locked): through the API, with the token from admin_token_file.
      Cli viaApi =
          cli(
              "another-value-123\n",
              "secrets",
              "set",
              "--config",
              configFile.toString(),
              "--token-file",
              rt.adminTokenFile().toString(),
              "--pipelines",
              "release",
              "demo",
              "release-only");
      assertThat(viaApi.code()).as(viaApi.err()).isZero();
      assertThat(viaApi.out())
          .contains("secret 'release-only' of local/demo set for release")
          .doesNotContain("directly");
      Cli list =
          cli(
              "",
              "secrets",
              "list",
              "--config",
              configFile.toString(),
              "--token-file",
              rt.adminTokenFile().toString());
      assertThat(list.code()).as(list.err()).isZero();
      assertThat(list.out())
          .contains("deploy-token")
          .contains("post,periodic,release")
          .contains("release-only")
          .doesNotContain(value);
      Cli refused =
          cli(
              "x\n",
              "secrets",
              "set",
              "--config",
              configFile.toString(),
              "--token-file",
              rt.adminTokenFile().toString(),
              "nosuchproject",
              "t");
      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.err()).contains("serves no project 'nosuchproject'");
      HttpResponse<String> anonymous =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/secrets"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);

      // The project's post job declares the secret: it reads it; its log shows the hash and the
      // mask.
      push(r[1], r[0], "refs/heads/main", YAML, "one", false);
      List<JsonNode> post =
          awaitBuilds(port, b -> b.size() == 1 && allEnded(b), Duration.ofSeconds(90));
      JsonNode publish = post.getFirst();
      String publishLog = log(port, publish);
      assertThat(publish.get("status").asText()).as(publishLog).isEqualTo("success");
      String sha =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(value.getBytes(StandardCharsets.UTF_8)));
      assertThat(publishLog)
          .contains(sha + "  /run/seakeeper/secrets/deploy-token")
          .contains("the value: [masked]")
          .doesNotContain(value);
      assertRunFacts(port, publish, List.of("deploy-token"), true);

      // A change pushed for review hunts for it in its check job: it never sees it.
      push(
          r[1],
          r[0],
          "refs/for/main",
          YAML.replace("echo \"hunt done\"", "echo \"hunt done\" # v2"),
          "two",
          false);
      List<JsonNode> all =
          awaitBuilds(port, b -> b.size() == 2 && allEnded(b), Duration.ofSeconds(180));
      JsonNode hunt = all.get(1);
      String huntLog = log(port, hunt);
      assertThat(hunt.get("pipeline").asText()).isEqualTo("check");
      assertThat(hunt.get("tier").asText()).isEqualTo("untrusted");
      assertThat(hunt.get("status").asText()).as(huntLog).isEqualTo("success");
      assertThat(huntLog)
          .contains("hunt done")
          .contains("secrets dir /run/seakeeper/secrets")
          .contains("SKCANARY-0000-4242");
      assertThat(huntLog)
          .doesNotContain(value)
          .doesNotContain(value.substring("SKCANARY-".length()))
          .doesNotContain(sha);
      assertRunFacts(port, hunt, List.of(), false);

      // The same change declaring the secret in check: a config error, nothing runs.
      String greedy = YAML.replace("check: [hunt]", "check: [hunt, publish]");
      push(r[1], r[0], "refs/for/main", greedy, "three", false);
      List<JsonNode> after =
          awaitBuilds(port, b -> b.size() == 3 && allEnded(b), Duration.ofSeconds(60));
      JsonNode bad = after.get(2);
      assertThat(bad.get("status").asText()).isEqualTo("config_error");
      assertThat(bad.get("detail").asText())
          .contains("job 'publish' has secrets [deploy-token] but is in pipeline 'check'");

      // Every log on disk: the value appears nowhere in the clear.
      try (var files = Files.walk(tmp.resolve("data"))) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
              .as(f.toString())
              .doesNotContain(value);
        }
      }
    }
  }
}
