package org.seakeeper.testkit;

import org.seakeeper.core.store.Store;

class InMemoryStoreContractTest extends StoreContract {
  @Override
  protected Store newStore() {
    return new InMemoryStore();
  }

  @Override
  protected long configBlobCount() {
    return ((InMemoryStore) store).configBlobCount();
  }
}
