package org.seakeeper.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link ArtifactBlobs} does (docs/contracts.md §10): keep by SHA-256, once; report
 * sizes; read from an offset; delete idempotently. {@link FileBlobsTest} and {@link S3BlobsTest}
 * run it.
 */
abstract class ArtifactBlobsContract {
  @TempDir Path staging;

  /** The store under test, empty. */
  abstract ArtifactBlobs blobs();

  Path staged(String name, byte[] content) throws IOException {
    return Files.write(staging.resolve(name), content);
  }

  static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }

  static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  @Test
  void putKeepsByDigestAndReadsBack() throws Exception {
    byte[] content = random(300_000);
    ArtifactBlobs.Stored st = blobs().put(staged("a.bin", content));
    assertThat(st.sha256()).isEqualTo(sha256(content));
    assertThat(st.size()).isEqualTo(content.length);
    assertThat(st.created()).isTrue();
    assertThat(blobs().size(st.sha256())).contains((long) content.length);
    try (InputStream in = blobs().open(st.sha256(), 0)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void theSameContentIsKeptOnce() throws Exception {
    byte[] content = "same bytes".getBytes();
    assertThat(blobs().put(staged("one", content)).created()).isTrue();
    ArtifactBlobs.Stored again = blobs().put(staged("two", content));
    assertThat(again.created()).as("kept before").isFalse();
    assertThat(again.sha256()).isEqualTo(sha256(content));
    assertThat(again.size()).isEqualTo(content.length);
  }

  @Test
  void anEmptyContentIsKept() throws Exception {
    ArtifactBlobs.Stored st = blobs().put(staged("empty", new byte[0]));
    assertThat(blobs().size(st.sha256())).contains(0L);
    try (InputStream in = blobs().open(st.sha256(), 0)) {
      assertThat(in.readAllBytes()).isEmpty();
    }
  }

  @Test
  void openReadsFromAnOffset() throws Exception {
    byte[] content = random(100_000);
    String sha = blobs().put(staged("r.bin", content)).sha256();
    try (InputStream in = blobs().open(sha, 7)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 7, content.length));
    }
    try (InputStream in = blobs().open(sha, content.length - 1)) {
      assertThat(in.readAllBytes()).containsExactly(content[content.length - 1]);
    }
    try (InputStream in = blobs().open(sha, content.length)) {
      assertThat(in.readAllBytes()).as("from the end on: nothing").isEmpty();
    }
  }

  @Test
  void whatIsNotKeptHasNoSizeAndCannotBeOpened() throws Exception {
    String absent = sha256("never kept".getBytes());
    assertThat(blobs().size(absent)).isEmpty();
    assertThat(blobs().size("not-a-digest")).isEmpty();
    assertThatThrownBy(() -> blobs().open(absent, 0)).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> blobs().open("../../etc/passwd", 0))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void deleteRemovesAndIsIdempotent() throws Exception {
    byte[] content = "retained no more".getBytes();
    String sha = blobs().put(staged("d", content)).sha256();
    blobs().delete(sha);
    assertThat(blobs().size(sha)).isEmpty();
    assertThatThrownBy(() -> blobs().open(sha, 0)).isInstanceOf(NoSuchFileException.class);
    blobs().delete(sha);
    blobs().delete("not-a-digest");
    assertThat(blobs().put(staged("d2", content)).created()).as("kept anew").isTrue();
  }

  @Test
  void onlyRegularFilesAreKept() throws Exception {
    Path dir = Files.createDirectory(staging.resolve("dir"));
    assertThatThrownBy(() -> blobs().put(dir)).isInstanceOf(IOException.class);
    Path target = staged("target", "x".getBytes());
    Path link = Files.createSymbolicLink(staging.resolve("link"), target);
    assertThatThrownBy(() -> blobs().put(link)).isInstanceOf(IOException.class);
  }
}
