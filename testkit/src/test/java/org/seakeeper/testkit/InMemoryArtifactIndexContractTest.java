package org.seakeeper.testkit;

import org.seakeeper.core.artifact.ArtifactIndex;

class InMemoryArtifactIndexContractTest extends ArtifactIndexContract {
  @Override
  protected ArtifactIndex index() {
    return new InMemoryArtifactIndex();
  }
}
