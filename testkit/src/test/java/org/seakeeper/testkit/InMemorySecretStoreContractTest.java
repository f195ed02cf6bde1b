package org.seakeeper.testkit;

import org.seakeeper.core.secret.SecretStore;

class InMemorySecretStoreContractTest extends SecretStoreContract {
  @Override
  protected SecretStore secrets() {
    return new InMemorySecretStore();
  }
}
