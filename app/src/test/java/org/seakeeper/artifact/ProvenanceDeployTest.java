package org.seakeeper.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.artifact.ArtifactRecord;
import org.seakeeper.core.artifact.Deploy;
import org.seakeeper.core.artifact.Promotion;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;
import org.seakeeper.testkit.InMemoryArtifactIndex;

/**
 * The promotion rule "a passed pipeline in the channel before it" ({@code requires: passed}) and
 * the hand-over to a deploy step by a webhook signed by the server (HMAC-SHA256), against a
 * loopback receiver: what it receives verifies with the key file the way docs/server.md tells a
 * receiver to check it, and each refusal names what is missing.
 */
class ProvenanceDeployTest {
  static final URI URL = URI.create("http://ci.example:8080/");
  static final Instant T0 = Instant.parse("2025-03-04T05:06:07Z");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  InMemoryArtifactIndex index;
  FileBlobs blobs;
  SigningKey key;
  ServerArtifactKeeper keeper;
  HttpServer receiver;
  volatile int answer = 204;
  final List<Map.Entry<Map<String, String>, byte[]>> received = new CopyOnWriteArrayList<>();
  DeployWebhooks hooks;

  @BeforeEach
  void setUp() throws Exception {
    Path staging = Files.createDirectories(tmp.resolve("data/artifacts"));
    blobs = new FileBlobs(staging.resolve("blobs"), 0);
    index = new InMemoryArtifactIndex();
    key = SigningKey.loadOrCreate(tmp.resolve("keys/provenance.key"));
    keeper =
        new ServerArtifactKeeper(
            staging, blobs, index, key, URL, Clock.fixed(T0, ZoneOffset.UTC), w -> {});
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          received.add(
              Map.entry(
                  Map.of(
                      "signature",
                      String.valueOf(ex.getRequestHeaders().getFirst(DeployWebhooks.SIGNATURE)),
                      "delivery",
                      String.valueOf(ex.getRequestHeaders().getFirst("X-Seakeeper-Delivery")),
                      "event",
                      String.valueOf(ex.getRequestHeaders().getFirst("X-Seakeeper-Event"))),
                  body));
          byte[] out = "ok".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(answer, answer == 204 ? -1 : out.length);
          if (answer != 204) {
            ex.getResponseBody().write(out);
          }
          ex.close();
        });
    receiver.start();
  }

  @AfterEach
  void tearDown() {
    receiver.stop(0);
    if (hooks != null) {
      hooks.close();
    }
  }

  List<ServerConfig.Channel> channels() {
    String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    return List.of(
        new ServerConfig.Channel(
            "staging",
            Optional.empty(),
            false,
            Optional.of(
                new ServerConfig.Webhook(hook, tmp.resolve("etc/staging-hook.key").toString())),
            Optional.empty()),
        new ServerConfig.Channel(
            "production", Optional.of("staging"), true, Optional.empty(), Optional.empty()));
  }

  ArtifactDesk desk(List<Duration> backoff) throws Exception {
    List<ServerConfig.Channel> cs = channels();
    hooks =
        DeployWebhooks.of(
            cs, index, URL, Clock.systemUTC(), backoff, Duration.ofSeconds(5), w -> {});
    return new ArtifactDesk(
        index,
        blobs,
        new ProvenanceKeys(key, List.of()),
        URL,
        cs,
        Clock.fixed(T0, ZoneOffset.UTC),
        Optional.of(hooks),
        new ReentrantReadWriteLock());
  }

  ArtifactRecord keep(long id, String content) throws Exception {
    Path f = tmp.resolve("data/artifacts/b" + id + "/out/app.deb");
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
    Executor.Result r =
        new Executor.Result(
            new org.seakeeper.core.executor.JobOutcome.Succeeded(),
            Duration.ofSeconds(1),
            List.of("out/app.deb"));
    keeper.keep(
        ProvenanceTest.build(id, Tier.TRUSTED, PipelineName.POST), ProvenanceTest.INPUTS, r);
    return index.ofBuild(id).getFirst();
  }

  Promotion await(long id, Deploy.State state) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < end) {
      Promotion p = index.promotion(id).orElseThrow();
      if (p.deploy().state() == state) {
        return p;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("promotion " + id + ": " + index.promotion(id));
  }

  @Test
  void production_takes_only_digests_whose_deploy_in_staging_passed() throws Exception {
    ArtifactDesk d = desk(List.of(Duration.ZERO));
    ArtifactRecord a = keep(7, "v1");
    String sha = a.sha256();

    ArtifactDesk.Outcome never = d.promote(sha, "production", "admin");
    assertThat(never.status()).isEqualTo(409);
    assertThat(never.error()).isEqualTo("not_in_previous_channel");

    ArtifactDesk.Outcome staged = d.promote(sha, "staging", "admin");
    assertThat(staged.status()).isEqualTo(201);
    long id = staged.promotion().orElseThrow().id();
    assertThat(staged.promotion().orElseThrow().deploy().state()).isEqualTo(Deploy.State.PENDING);
    Promotion delivered = await(id, Deploy.State.DELIVERED);
    assertThat(delivered.deploy().detail()).contains("HTTP 204");

    // Delivered is not passed: the deploy step has not said how it went.
    ArtifactDesk.Outcome notYet = d.promote(sha, "production", "admin");
    assertThat(notYet.status()).isEqualTo(409);
    assertThat(notYet.error()).isEqualTo("not_passed_in_previous_channel");
    assertThat(notYet.message())
        .isEqualTo(
            "Channel 'production' requires a passed deploy step in 'staging': the latest"
                + " promotion of "
                + sha
                + " there (#"
                + id
                + ") is delivered (HTTP 204); its result is reported with POST"
                + " /api/v1/promotions/"
                + id
                + "/result.");
    assertThat(d.report(id, "failed", Optional.of("smoke test red"), "deployer").ok()).isTrue();
    assertThat(d.promote(sha, "production", "admin").message())
        .contains("there (#" + id + ") is failed (smoke test red)");
    assertThat(d.report(id, "maybe", Optional.empty(), "deployer").status()).isEqualTo(400);
    assertThat(d.report(999, "passed", Optional.empty(), "deployer").status()).isEqualTo(404);
    ArtifactDesk.Outcome passed = d.report(id, "passed", Optional.of("green"), "deployer");
    assertThat(passed.promotion().orElseThrow().deploy())
        .isEqualTo(Deploy.of(Deploy.State.PASSED, Optional.of("green"), "deployer", T0));
    ArtifactDesk.Outcome prod = d.promote(sha, "production", "admin");
    assertThat(prod.status()).as(prod.message()).isEqualTo(201);
    assertThat(prod.promotion().orElseThrow().deploy()).isEqualTo(Deploy.NONE);
    assertThat(index.promotions("production", 10)).hasSize(1);

    // Only the latest promotion into staging counts: a re-deploy that is pending blocks again.
    ArtifactDesk.Outcome again = d.promote(sha, "staging", "admin");
    await(again.promotion().orElseThrow().id(), Deploy.State.DELIVERED);
    assertThat(d.promote(sha, "production", "admin").error())
        .isEqualTo("not_passed_in_previous_channel");
    assertThat(index.promotions("production", 10)).hasSize(1);
  }

  @Test
  void the_hand_over_is_signed_with_hmac_sha256_and_names_the_artifact_and_where_to_report()
      throws Exception {
    ArtifactDesk d = desk(List.of(Duration.ZERO));
    ArtifactRecord a = keep(8, "v2");
    Promotion p = d.promote(a.sha256(), "staging", "alice").promotion().orElseThrow();
    await(p.id(), Deploy.State.DELIVERED);
    assertThat(received).hasSize(1);
    Map<String, String> headers = received.getFirst().getKey();
    byte[] body = received.getFirst().getValue();
    Path keyFile = tmp.resolve("etc/staging-hook.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");
    // What a receiver does (docs/server.md): HMAC-SHA256 of the exact body under the key file's
    // content, compared with the header.
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(
        new SecretKeySpec(
            Files.readString(keyFile).strip().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    assertThat(headers.get("signature"))
        .isEqualTo("sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body)));
    assertThat(headers.get("event")).isEqualTo("promotion");
    assertThat(headers.get("delivery")).matches("[0-9a-f-]{36}");
    JsonNode n = JSON.readTree(body);
    assertThat(n.path("promotion").path("id").asLong()).isEqualTo(p.id());
    assertThat(n.path("promotion").path("channel").asText()).isEqualTo("staging");
    assertThat(n.path("promotion").path("who").asText()).isEqualTo("alice");
    assertThat(n.path("artifact").path("sha256").asText()).isEqualTo(a.sha256());
    assertThat(n.path("artifact").path("url").asText())
        .isEqualTo("http://ci.example:8080/api/v1/artifacts/" + a.sha256());
    assertThat(n.path("artifact").path("provenance_url").asText()).endsWith("/provenance");
    assertThat(n.path("artifact").path("commit").asText()).isEqualTo(ProvenanceTest.COMMIT);
    assertThat(n.path("result_url").asText())
        .isEqualTo("http://ci.example:8080/api/v1/promotions/" + p.id() + "/result");
    assertThat(n.path("sent_at").asText()).isNotEmpty();
    // A changed body no longer matches the signature.
    body[body.length - 2] ^= 1;
    assertThat(headers.get("signature"))
        .isNotEqualTo("sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body)));
  }

  @Test
  void a_receiver_that_never_answers_2xx_leaves_the_promotion_undeliverable_after_retries()
      throws Exception {
    answer = 500;
    ArtifactDesk d = desk(List.of(Duration.ZERO, Duration.ofMillis(10), Duration.ofMillis(10)));
    ArtifactRecord a = keep(9, "v3");
    Promotion p = d.promote(a.sha256(), "staging", "admin").promotion().orElseThrow();
    Promotion failed = await(p.id(), Deploy.State.UNDELIVERABLE);
    assertThat(failed.deploy().detail()).contains("HTTP 500: ok");
    assertThat(received).hasSize(3);
    assertThat(received.stream().map(e -> e.getKey().get("delivery")).distinct()).hasSize(1);
    // The promotion itself stands; the next channel still waits for a passed result.
    assertThat(index.current("staging").orElseThrow().sha256()).isEqualTo(a.sha256());
    assertThat(d.promote(a.sha256(), "production", "admin").message()).contains("undeliverable");
  }

  @Test
  void a_webhook_key_readable_by_others_is_refused() throws Exception {
    Path f = tmp.resolve("etc/open.key");
    Files.createDirectories(f.getParent());
    Files.writeString(f, "0123456789abcdef0123456789abcdef\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> DeployWebhooks.key(f))
        .hasMessageContaining("can be read by others")
        .hasMessageContaining("chmod 600");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertThat(new String(DeployWebhooks.key(f), StandardCharsets.UTF_8))
        .isEqualTo("0123456789abcdef0123456789abcdef");
  }
}
