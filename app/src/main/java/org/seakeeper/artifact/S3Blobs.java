package org.seakeeper.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.seakeeper.core.artifact.ArtifactRecord;
import org.seakeeper.core.model.ServerConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link ArtifactBlobs} in a bucket of an S3-compatible object store (ADR 0006): each content at
 * the key {@code prefix + sha256}, written once and never changed. {@link #put} reads the staged
 * file to hash it, asks whether the key exists (a content kept before is not sent again), and only
 * then streams the file up with its length and its Content-MD5 (computed in the same read; the
 * store refuses a body that does not match it, so a file changed between the hash and the upload is
 * not kept under a wrong name; S3Proxy does not know {@code x-amz-checksum-sha256}), so the key is
 * known before anything is sent and nothing is ever whole in memory; the object appears whole or
 * not at all. Reads are ranged GETs. Path-style addressing, so any endpoint (MinIO, Ceph, S3Proxy,
 * AWS) works without DNS per bucket. There is no free-space reserve: the object store has its own
 * quota. Thread-safe.
 */
public final class S3Blobs implements ArtifactBlobs, AutoCloseable {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  /** A store at {@code endpoint} (e.g. {@code https://s3.eu-west-1.amazonaws.com}). */
  public S3Blobs(
      URI endpoint,
      String region,
      String bucket,
      String prefix,
      String accessKey,
      String secretKey) {
    this.bucket = bucket;
    this.prefix = prefix;
    this.s3 =
        S3Client.builder()
            .endpointOverride(endpoint)
            .region(Region.of(region))
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            // Only the checksums S3 asks for (and put's Content-MD5): S3-compatible stores do not
            // all know the SDK's default CRC trailers.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .build();
  }

  /**
   * The store {@code artifacts.s3} names: its access key id and secret access key read (trimmed)
   * from their files, and the bucket checked now, so that a wrong endpoint, key or bucket stops the
   * server at startup instead of failing each build's keep.
   */
  public static S3Blobs of(ServerConfig.S3 c) throws IOException {
    S3Blobs blobs =
        new S3Blobs(
            URI.create(c.endpoint()),
            c.region(),
            c.bucket(),
            c.prefix(),
            keyFile(c.accessKeyFile(), "access_key_file"),
            keyFile(c.secretKeyFile(), "secret_key_file"));
    try {
      blobs.s3.headBucket(b -> b.bucket(c.bucket()));
    } catch (SdkException e) {
      blobs.close();
      throw new IOException(
          "artifacts.s3: bucket '"
              + c.bucket()
              + "' at "
              + c.endpoint()
              + " cannot be reached with the configured keys: "
              + e.getMessage(),
          e);
    }
    return blobs;
  }

  private static String keyFile(String file, String what) throws IOException {
    String key;
    try {
      key = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IOException("artifacts.s3." + what + ": cannot read " + file + ": " + e, e);
    }
    if (key.isEmpty()) {
      throw new IOException("artifacts.s3." + what + ": " + file + " is empty");
    }
    return key;
  }

  /** The key a content is kept at. */
  String key(String sha256) {
    return prefix + sha256;
  }

  @Override
  public Stored put(Path source) throws IOException {
    BasicFileAttributes a =
        Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) {
      throw new IOException(source.getFileName() + " is not a regular file");
    }
    MessageDigest md = FileBlobs.sha256();
    MessageDigest md5 = md5();
    byte[] buf = new byte[1 << 16];
    long size = 0;
    try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
        md5.update(buf, 0, n);
        size += n;
      }
    }
    byte[] digest = md.digest();
    String sha = HexFormat.of().formatHex(digest);
    if (size(sha).isPresent()) {
      return new Stored(sha, size, false);
    }
    long length = size;
    try {
      s3.putObject(
          b ->
              b.bucket(bucket)
                  .key(key(sha))
                  .contentLength(length)
                  .contentType("application/octet-stream")
                  .contentMD5(Base64.getEncoder().encodeToString(md5.digest())),
          RequestBody.fromFile(source));
    } catch (SdkException e) {
      throw new IOException("keeping " + sha + " in bucket " + bucket + ": " + e.getMessage(), e);
    }
    return new Stored(sha, size, true);
  }

  @Override
  public Optional<Long> size(String sha256) throws IOException {
    if (!ArtifactRecord.isSha256(sha256)) {
      return Optional.empty();
    }
    try {
      return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key(sha256))).contentLength());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failed("looking up", sha256, e);
    } catch (SdkException e) {
      throw failed("looking up", sha256, e);
    }
  }

  @Override
  public InputStream open(String sha256, long from) throws IOException {
    if (!ArtifactRecord.isSha256(sha256)) {
      throw new NoSuchFileException(sha256);
    }
    try {
      return s3.getObject(
          b -> {
            b.bucket(bucket).key(key(sha256));
            if (from > 0) {
              b.range("bytes=" + from + "-");
            }
          });
    } catch (NoSuchKeyException e) {
      throw new NoSuchFileException(sha256);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw new NoSuchFileException(sha256);
      }
      if (e.statusCode() == 416) {
        // From at or past the end: nothing left, as a file read there gives.
        return InputStream.nullInputStream();
      }
      throw failed("reading", sha256, e);
    } catch (SdkException e) {
      throw failed("reading", sha256, e);
    }
  }

  @Override
  public void delete(String sha256) throws IOException {
    if (!ArtifactRecord.isSha256(sha256)) {
      return;
    }
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(key(sha256)));
    } catch (SdkException e) {
      throw failed("deleting", sha256, e);
    }
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private IOException failed(String what, String sha256, SdkException e) {
    return new IOException(what + " " + sha256 + " in bucket " + bucket + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    s3.close();
  }
}
