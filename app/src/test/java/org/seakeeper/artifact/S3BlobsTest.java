package org.seakeeper.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.ServerConfig;

/** {@link S3Blobs} against a real S3 implementation, S3Proxy ({@link S3ProxyServer}). */
class S3BlobsTest extends ArtifactBlobsContract {
  static final String ACCESS = S3ProxyServer.ACCESS;
  static final String SECRET = S3ProxyServer.SECRET;
  static S3ProxyServer server;
  static URI endpoint;
  static int buckets;

  S3Blobs blobs;
  String bucket;

  @BeforeAll
  static void startS3Proxy() throws Exception {
    server = new S3ProxyServer(Files.createTempDirectory("s3proxy"));
    endpoint = server.endpoint();
  }

  @AfterAll
  static void stopS3Proxy() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void setUp() {
    bucket = "artifacts-" + ++buckets;
    server.createBucket(bucket);
    blobs = new S3Blobs(endpoint, "us-east-1", bucket, "seakeeper/blobs/", ACCESS, SECRET);
  }

  @AfterEach
  void tearDown() {
    blobs.close();
  }

  @Override
  ArtifactBlobs blobs() {
    return blobs;
  }

  @Test
  void contentIsKeptAtPrefixPlusDigest() throws Exception {
    byte[] content = "where is it".getBytes();
    String sha = blobs.put(staged("w", content)).sha256();
    assertThat(server.blobStore().blobExists(bucket, "seakeeper/blobs/" + sha)).isTrue();
  }

  @Test
  void theServerConfigNamesTheStoreWithKeysFromFiles() throws Exception {
    Path access = Files.writeString(staging.resolve("s3.access"), ACCESS + "\n");
    Path secret = Files.writeString(staging.resolve("s3.secret"), SECRET + "\n");
    try (S3Blobs fromConfig =
        S3Blobs.of(
            new ServerConfig.S3(
                endpoint.toString(),
                "us-east-1",
                bucket,
                "seakeeper/blobs/",
                access.toString(),
                secret.toString()))) {
      String sha = blobs.put(staged("c", "shared".getBytes())).sha256();
      assertThat(fromConfig.size(sha)).as("the same bucket and prefix").contains(6L);
    }
    assertThatThrownBy(
            () ->
                S3Blobs.of(
                    new ServerConfig.S3(
                        endpoint.toString(),
                        "us-east-1",
                        "no-such-bucket",
                        "",
                        access.toString(),
                        secret.toString())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("bucket 'no-such-bucket'");
    Path wrong = Files.writeString(staging.resolve("wrong.secret"), "wrong");
    assertThatThrownBy(
            () ->
                S3Blobs.of(
                    new ServerConfig.S3(
                        endpoint.toString(),
                        "us-east-1",
                        bucket,
                        "",
                        access.toString(),
                        wrong.toString())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot be reached with the configured keys");
    assertThatThrownBy(
            () ->
                S3Blobs.of(
                    new ServerConfig.S3(
                        endpoint.toString(),
                        "us-east-1",
                        bucket,
                        "",
                        staging.resolve("absent").toString(),
                        secret.toString())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("artifacts.s3.access_key_file: cannot read");
  }

  @Test
  void wrongCredentialsFail() throws Exception {
    try (S3Blobs wrong =
        new S3Blobs(endpoint, "us-east-1", bucket, "seakeeper/blobs/", ACCESS, "wrong")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> wrong.put(staged("x", "x".getBytes())))
          .isInstanceOf(java.io.IOException.class);
    }
  }
}
