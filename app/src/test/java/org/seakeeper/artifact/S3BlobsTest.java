package org.seakeeper.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.ServerConfig;

/**
 * {@link S3Blobs} against a real S3 implementation: S3Proxy in this JVM on 127.0.0.1, over jclouds'
 * file system store in a temporary directory, with SigV4 authentication.
 */
class S3BlobsTest extends ArtifactBlobsContract {
  static final String ACCESS = "seakeeper-access";
  static final String SECRET = "seakeeper-secret";
  static Path root;
  static BlobStoreContext context;
  static S3Proxy proxy;
  static URI endpoint;
  static int buckets;

  S3Blobs blobs;
  String bucket;

  @BeforeAll
  static void startS3Proxy() throws Exception {
    root = Files.createTempDirectory("s3proxy");
    Properties p = new Properties();
    p.setProperty("jclouds.filesystem.basedir", root.toString());
    context =
        ContextBuilder.newBuilder("filesystem")
            .credentials("identity", "credential")
            .overrides(p)
            .build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V4, ACCESS, SECRET)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(proxy.getState()).isEqualTo("STARTED");
    endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  @AfterAll
  static void stopS3Proxy() throws Exception {
    if (proxy != null) {
      proxy.stop();
    }
    if (context != null) {
      context.close();
    }
  }

  @BeforeEach
  void setUp() {
    bucket = "artifacts-" + ++buckets;
    context.getBlobStore().createContainerInLocation(null, bucket);
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
    assertThat(context.getBlobStore().blobExists(bucket, "seakeeper/blobs/" + sha)).isTrue();
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
