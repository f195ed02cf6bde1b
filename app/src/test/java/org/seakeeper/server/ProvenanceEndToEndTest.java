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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.config.ServerConfigParser;

/**
 * Issue 14 end to end (docs/contracts.md §10), real bubblewrap: a {@code post} build packs a Debian
 * package; the server keeps it by digest with signed provenance that {@code seakeeper verify}
 * accepts (and refuses for another commit or a changed file); it is promoted candidate → production
 * with the admin token and rolled back; a {@code check} build's artifact is kept without provenance
 * and its promotion refused.
 */
@Tag("slow")
class ProvenanceEndToEndTest {
  @TempDir Path tmp;

  static final String YAML =
      """
      jobs:
        package:
          run: |
            mkdir -p pkg/DEBIAN pkg/usr/share/demo out
            printf 'Package: demo\\nVersion: 1.0\\nArchitecture: all\\nMaintainer: ci <ci@example.org>\\nDescription: demo\\n' > pkg/DEBIAN/control
            cp marker.txt pkg/usr/share/demo/
            dpkg-deb --root-owner-group --build pkg out/demo_1.0_all.deb
          artifacts: ["out/*.deb"]
      pipelines:
        post: [package]
        check: [package]
      """;

  @Test
  void a_post_builds_package_verifies_and_is_promoted_and_rolled_back() throws Exception {
    Path[] r = repo(tmp);
    int port = freePort();
    Path keys = Files.createDirectories(tmp.resolve("etc"));
    String yaml =
        config(tmp, r[0], port)
            + "secrets: {key_file: "
            + keys.resolve("secrets.key")
            + "}\nchannels: [candidate, {name: production, from: candidate}]\n";
    var cfg =
        ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8)).config().orElseThrow();
    try (ServerRuntime rt = ServerRuntime.start(cfg, Clock.systemUTC())) {
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(keys.resolve("provenance.key"))))
          .as("the signing key beside the secrets key, outside data_dir, private")
          .isEqualTo("rw-------");
      String server = "http://127.0.0.1:" + port + "/";
      String token = Files.readString(rt.adminTokenFile()).strip();
      String commit = push(r[1], r[0], "refs/heads/main", YAML, "one", false);
      List<JsonNode> builds =
          awaitBuilds(port, b -> b.size() == 1 && allEnded(b), Duration.ofSeconds(120));
      JsonNode b = builds.getFirst();
      assertThat(b.get("status").asText())
          .as(get(port, "/api/v1/builds/" + b.get("id").asText() + "/log").body())
          .isEqualTo("success");
      JsonNode arts =
          JSON.readTree(get(port, "/api/v1/builds/" + b.get("id").asText() + "/artifacts").body())
              .get("artifacts");
      assertThat(arts).hasSize(1);
      JsonNode deb = arts.get(0);
      assertThat(deb.get("path").asText()).isEqualTo("out/demo_1.0_all.deb");
      String sha = deb.get("sha256").asText();
      assertThat(deb.get("provenance_url").asText())
          .isEqualTo(server + "api/v1/artifacts/" + sha + "/provenance");

      Path file = tmp.resolve("demo.deb");
      Path prov = tmp.resolve("demo.deb.intoto.jsonl");
      Cli got =
          cli(
              "",
              "artifacts",
              "get",
              "--server",
              server,
              sha,
              "-o",
              file.toString(),
              "--provenance",
              prov.toString());
      assertThat(got.code()).as(got.err()).isZero();
      assertThat(Files.size(file)).isEqualTo(deb.get("size").asLong());
      // Range downloads
      HttpResponse<byte[]> part =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(server + "api/v1/artifacts/" + sha))
                  .header("Range", "bytes=0-3")
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(part.statusCode()).isEqualTo(206);
      assertThat(new String(part.body(), StandardCharsets.US_ASCII)).isEqualTo("!<ar");

      Cli ok =
          cli(
              "",
              "verify",
              "--server",
              server,
              file.toString(),
              "--provenance",
              prov.toString(),
              "--builder-id",
              server + "builders/trusted",
              "--source",
              "local/demo",
              "--commit",
              commit);
      assertThat(ok.code()).as(ok.err()).isZero();
      assertThat(ok.out()).contains("verified: sha256:" + sha).contains("builders/trusted");
      Files.writeString(keys.resolve("keys.pem"), get(port, "/api/v1/provenance/keys").body());
      Cli otherCommit =
          cli(
              "",
              "verify",
              "--key",
              keys.resolve("keys.pem").toString(),
              file.toString(),
              "--provenance",
              prov.toString(),
              "--commit",
              "1234567");
      assertThat(otherCommit.code()).isEqualTo(1);
      assertThat(otherCommit.err().strip())
          .isEqualTo(
              file + ": not verified: the provenance is for commit " + commit + ", not 1234567");
      Files.write(file, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
      Cli tampered =
          cli(
              "",
              "verify",
              "--key",
              keys.resolve("keys.pem").toString(),
              file.toString(),
              "--provenance",
              prov.toString());
      assertThat(tampered.code()).isEqualTo(1);
      assertThat(tampered.err()).contains("matches no subject of the provenance");

      // Promotion: the admin token, channel order, record, rollback.
      assertThat(
              post(
                      port,
                      "/api/v1/artifacts/" + sha + "/promote",
                      null,
                      "{\"channel\":\"candidate\"}")
                  .statusCode())
          .isEqualTo(401);
      var early =
          post(
              port, "/api/v1/artifacts/" + sha + "/promote", token, "{\"channel\":\"production\"}");
      assertThat(early.statusCode()).isEqualTo(409);
      assertThat(
              post(
                      port,
                      "/api/v1/artifacts/" + sha + "/promote",
                      token,
                      "{\"channel\":\"nightly\"}")
                  .statusCode())
          .isEqualTo(404);
      Cli promoted =
          cli(
              "",
              "artifacts",
              "promote",
              "--server",
              server,
              "--token-file",
              rt.adminTokenFile().toString(),
              sha,
              "--channel",
              "candidate");
      assertThat(promoted.code()).as(promoted.err()).isZero();
      assertThat(
              post(
                      port,
                      "/api/v1/artifacts/" + sha + "/promote",
                      token,
                      "{\"channel\":\"production\"}")
                  .statusCode())
          .isEqualTo(201);
      JsonNode channels = JSON.readTree(get(port, "/api/v1/channels").body()).get("channels");
      assertThat(channels.get(1).path("current").path("sha256").asText()).isEqualTo(sha);
      assertThat(channels.get(1).path("current").path("who").asText()).isEqualTo("admin");
      assertThat(channels.get(1).path("current").path("from").asText()).isEqualTo("candidate");

      // A proposed change (check, untrusted): kept, no provenance, never promoted.
      push(r[1], r[0], "refs/for/main", YAML, "two", false);
      List<JsonNode> all =
          awaitBuilds(port, x -> x.size() == 2 && allEnded(x), Duration.ofSeconds(120));
      JsonNode check = all.get(1);
      assertThat(check.get("tier").asText()).isEqualTo("untrusted");
      JsonNode untrusted =
          JSON.readTree(
                  get(port, "/api/v1/builds/" + check.get("id").asText() + "/artifacts").body())
              .get("artifacts")
              .get(0);
      assertThat(untrusted.get("provenance_url").isNull()).isTrue();
      String usha = untrusted.get("sha256").asText();
      assertThat(get(port, "/api/v1/artifacts/" + usha + "/provenance").statusCode())
          .isEqualTo(404);
      var refused =
          post(
              port, "/api/v1/artifacts/" + usha + "/promote", token, "{\"channel\":\"candidate\"}");
      assertThat(refused.statusCode()).isEqualTo(422);
      assertThat(refused.body()).contains("untrusted_artifact");
      JsonNode history = JSON.readTree(get(port, "/api/v1/channels/candidate").body());
      assertThat(history.get("promotions")).hasSize(1);
    }
  }
}
