package org.seakeeper.artifact;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

class FileBlobsTest extends ArtifactBlobsContract {
  @TempDir Path dir;
  FileBlobs blobs;

  @BeforeEach
  void setUp() throws IOException {
    blobs = new FileBlobs(dir.resolve("blobs"), 0);
  }

  @Override
  ArtifactBlobs blobs() {
    return blobs;
  }
}
