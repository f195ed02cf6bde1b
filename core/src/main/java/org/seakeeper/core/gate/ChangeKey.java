package org.seakeeper.core.gate;

/**
 * Which change, across patch sets: a connection, a project and the review system's change id. The
 * key under which the gate remembers a change (its approvals, its place in a queue, a rejection).
 * Immutable.
 */
public record ChangeKey(String connection, String project, String change) {
  public ChangeKey {
    java.util.Objects.requireNonNull(connection, "connection");
    java.util.Objects.requireNonNull(project, "project");
    java.util.Objects.requireNonNull(change, "change");
  }

  public static ChangeKey of(ChangeRef c) {
    return new ChangeKey(c.connection(), c.project(), c.change());
  }

  /** {@code connection/project/change}, for logs. */
  @Override
  public String toString() {
    return connection + "/" + project + "/" + change;
  }
}
