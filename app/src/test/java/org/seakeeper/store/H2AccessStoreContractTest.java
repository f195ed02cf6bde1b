package org.seakeeper.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.store.AccessStore;
import org.seakeeper.testkit.AccessStoreContract;

/** The access store contract (audit, tokens, grants) on H2. */
class H2AccessStoreContractTest extends AccessStoreContract {
  @TempDir Path dir;
  private JdbiStore store;

  @Override
  protected AccessStore access() {
    store = Stores.open(H2StoreContractTest.H2, dir.resolve("data"));
    return store.access();
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }
}
