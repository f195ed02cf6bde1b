package org.seakeeper.core.executor;

import java.util.Objects;

/**
 * A change the job's change depends on, in another repository: checked out beside the workspace, at
 * {@code $SEAKEEPER_DEPS/<connection>/<project>}. Immutable.
 */
public record DependencyCheckout(String connection, String project, Checkout checkout) {
  public DependencyCheckout {
    Objects.requireNonNull(checkout);
    if (!connection.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw new IllegalArgumentException("not a connection name: " + connection);
    }
    for (String seg : project.split("/", -1)) {
      if (seg.isEmpty()
          || seg.equals(".")
          || seg.equals("..")
          || !seg.matches("[A-Za-z0-9_.+-]+")) {
        throw new IllegalArgumentException("not a safe project path: " + project);
      }
    }
  }

  /** The directory below {@code $SEAKEEPER_DEPS}. */
  public String relativePath() {
    return connection + "/" + project;
  }
}
