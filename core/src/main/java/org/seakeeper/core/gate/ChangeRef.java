package org.seakeeper.core.gate;

import java.util.Objects;

/**
 * One patch set of a proposed change, as a gate queue holds it. Immutable.
 *
 * @param commit the patch set's commit (the change as proposed, before any speculative merge)
 */
public record ChangeRef(
    String connection,
    String project,
    String branch,
    String change,
    String patchset,
    String commit) {
  public ChangeRef {
    Objects.requireNonNull(connection);
    Objects.requireNonNull(project);
    Objects.requireNonNull(branch);
    Objects.requireNonNull(change);
    Objects.requireNonNull(patchset);
    Objects.requireNonNull(commit);
  }

  /** Whether this is the same change (any patch set). */
  /** The repository the change is in. */
  public org.seakeeper.core.model.RepoRef repo() {
    return new org.seakeeper.core.model.RepoRef(connection, project);
  }

  /** The change across patch sets. */
  public ChangeKey key() {
    return ChangeKey.of(this);
  }

  public boolean sameChange(ChangeRef o) {
    return connection.equals(o.connection) && project.equals(o.project) && change.equals(o.change);
  }

  @Override
  public String toString() {
    return project + "~" + change + "/" + patchset;
  }
}
