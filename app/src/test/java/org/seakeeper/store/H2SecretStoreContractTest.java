package org.seakeeper.store;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.secret.SecretStore;
import org.seakeeper.secrets.KeyFileSealer;
import org.seakeeper.testkit.SecretStoreContract;

/** The secret store contract on H2, values sealed with a key file outside the data dir. */
class H2SecretStoreContractTest extends SecretStoreContract {
  @TempDir Path dir;
  private JdbiStore store;

  @Override
  protected SecretStore secrets() {
    store = Stores.open(H2StoreContractTest.H2, dir.resolve("data"));
    return store.secrets(new KeyFileSealer(dir.resolve("keys/secrets.key")), Clock.systemUTC());
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }
}
