package org.seakeeper.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.artifact.ArtifactIndex;
import org.seakeeper.testkit.ArtifactIndexContract;

/** The artifact index contract on H2. */
class H2ArtifactIndexContractTest extends ArtifactIndexContract {
  @TempDir Path dir;
  private JdbiStore store;

  @Override
  protected ArtifactIndex index() {
    store = Stores.open(H2StoreContractTest.H2, dir.resolve("data"));
    return store.artifacts();
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }
}
