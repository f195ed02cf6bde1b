package org.seakeeper.core.model;

/** Which repository: a project of a connection. Immutable. */
public record RepoRef(String connection, String project) {
  public RepoRef {
    java.util.Objects.requireNonNull(connection, "connection");
    java.util.Objects.requireNonNull(project, "project");
  }

  /** {@code connection/project}, for logs. */
  @Override
  public String toString() {
    return connection + "/" + project;
  }
}
