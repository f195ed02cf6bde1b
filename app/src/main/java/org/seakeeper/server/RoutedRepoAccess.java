package org.seakeeper.server;

import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.scheduler.RepoAccess;
import org.seakeeper.gerrit.GerritRepoAccess;

/** Sends each call to the Gerrit mirrors or the local repositories, by connection name. Thread-safe. */
final class RoutedRepoAccess implements RepoAccess {
  private final RepoAccess git;
  private final GerritRepoAccess gerrit;

  RoutedRepoAccess(RepoAccess git, GerritRepoAccess gerrit) {
    this.git = git;
    this.gerrit = gerrit;
  }

  private RepoAccess of(String connection) {
    return gerrit.serves(connection) ? gerrit : git;
  }

  @Override
  public Optional<byte[]> readFile(String connection, String project, String commit, String path) {
    return of(connection).readFile(connection, project, commit, path);
  }

  @Override
  public Set<String> changedFiles(String connection, String project, String commit) {
    return of(connection).changedFiles(connection, project, commit);
  }

  @Override
  public Optional<String> resolve(String connection, String project, String ref) {
    return of(connection).resolve(connection, project, ref);
  }

  @Override
  public Checkout checkout(String connection, String project, String commit) {
    return of(connection).checkout(connection, project, commit);
  }
}
