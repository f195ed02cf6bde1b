package org.seakeeper.core.artifact;

import java.util.List;
import java.util.Objects;
import org.seakeeper.core.gate.ChangeRef;

/**
 * What a build was made from besides its own commit, for its provenance's resolved dependencies:
 * the image it ran in and the Depends-On changes checked out beside it.
 */
public record BuildInputs(String image, List<ChangeRef> dependencies) {
  public BuildInputs {
    Objects.requireNonNull(image);
    dependencies = List.copyOf(dependencies);
  }
}
