package org.seakeeper.testkit;

import org.seakeeper.core.store.AccessStore;

class InMemoryAccessStoreContractTest extends AccessStoreContract {
  @Override
  protected AccessStore access() {
    return new InMemoryAccessStore();
  }
}
