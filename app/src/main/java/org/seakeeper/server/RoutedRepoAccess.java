package org.seakeeper.server;

import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.scheduler.RepoAccess;
import org.seakeeper.gerrit.GerritRepoAccess;

/** Sends each call to the Gerrit mirrors, the private embargo repositories or the local repositories, by connection name. Thread-safe. */
final class RoutedRepoAccess implements RepoAccess {
  private final RepoAccess git;
  private final GerritRepoAccess gerrit;
  private final RepoAccess embargoed;

  RoutedRepoAccess(RepoAccess git, GerritRepoAccess gerrit) {
    this(git, gerrit, git);
  }

  /** @param embargoed the private repositories of the {@value TriggerEvent#EMBARGOED} connection */
  RoutedRepoAccess(RepoAccess git, GerritRepoAccess gerrit, RepoAccess embargoed) {
    this.git = git;
    this.gerrit = gerrit;
    this.embargoed = embargoed;
  }

  private RepoAccess of(String connection) {
    if (TriggerEvent.EMBARGOED.equals(connection)) {
      return embargoed;
    }
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
  public Optional<CommitMeta> meta(String connection, String project, String commit) {
    return of(connection).meta(connection, project, commit);
  }

  @Override
  public Checkout checkout(String connection, String project, String commit) {
    return of(connection).checkout(connection, project, commit);
  }
}
