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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.artifact.S3ProxyServer;
import org.seakeeper.core.config.ServerConfigParser;

/**
 * Issue 14's S3 artifact store end to end, real bubblewrap: with {@code artifacts: {store: s3}} a
 * post build's artifact is kept in the bucket (S3Proxy in this JVM) under prefix + SHA-256, not
 * under data_dir, and the server serves it whole and by range from there.
 */
@Tag("slow")
class S3ArtifactsEndToEndTest {
  @TempDir Path tmp;

  static final String YAML =
      """
      jobs:
        pack:
          run: |
            mkdir -p out
            cp marker.txt out/hello.txt
            head -c 300000 /dev/zero | tr -c x x >> out/hello.txt
          artifacts: ["out/*.txt"]
      pipelines:
        post: [pack]
      """;

  @Test
  void a_post_builds_artifact_is_kept_in_the_bucket_and_served_from_it() throws Exception {
    Path[] r = repo(tmp);
    int port = freePort();
    Path keys = Files.createDirectories(tmp.resolve("etc"));
    Path access = Files.writeString(keys.resolve("s3.access"), S3ProxyServer.ACCESS + "\n");
    Path secret = Files.writeString(keys.resolve("s3.secret"), S3ProxyServer.SECRET + "\n");
    try (S3ProxyServer s3 = new S3ProxyServer(Files.createDirectories(tmp.resolve("s3")))) {
      s3.createBucket("ci-artifacts");
      String yaml =
          config(tmp, r[0], port)
              + "secrets: {key_file: "
              + keys.resolve("secrets.key")
              + "}\nartifacts:\n  store: s3\n  s3: {endpoint: '"
              + s3.endpoint()
              + "', bucket: ci-artifacts, prefix: seakeeper/, access_key_file: "
              + access
              + ", secret_key_file: "
              + secret
              + "}\n";
      var parsed = ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8));
      assertThat(parsed.problems()).isEmpty();
      try (ServerRuntime rt =
          ServerRuntime.start(parsed.config().orElseThrow(), Clock.systemUTC())) {
        push(r[1], r[0], "refs/heads/main", YAML, "one", false);
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
        String sha = arts.get(0).get("sha256").asText();
        long size = arts.get(0).get("size").asLong();
        assertThat(size).isGreaterThan(300_000);

        assertThat(s3.blobStore().blobExists("ci-artifacts", "seakeeper/" + sha))
            .as("kept in the bucket under prefix + sha256")
            .isTrue();
        assertThat(tmp.resolve("data/artifacts/blobs")).as("nothing under data_dir").doesNotExist();

        String url = "http://127.0.0.1:" + port + "/api/v1/artifacts/" + sha;
        HttpResponse<byte[]> whole =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).hasSize((int) size);
        assertThat(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(whole.body())))
            .isEqualTo(sha);
        HttpResponse<byte[]> tail =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                    .header("Range", "bytes=" + (size - 4) + "-")
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(new String(tail.body(), StandardCharsets.US_ASCII)).isEqualTo("xxxx");
      }
    }
  }
}
