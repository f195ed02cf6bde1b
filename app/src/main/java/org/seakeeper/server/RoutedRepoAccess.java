package org.seakeeper.server;

import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.scheduler.RepoAccess;
import org.seakeeper.gerrit.GerritRepoAccess;

/**
 * Sends each call to the Gerrit mirrors, the private embargo repositories or the local
 * repositories, by connection name. Thread-safe.
 */
final class RoutedRepoAccess implements RepoAccess {
  private final RepoAccess git;
  private final GerritRepoAccess gerrit;
  private final RepoAccess embargoed;

  RoutedRepoAccess(RepoAccess git, GerritRepoAccess gerrit) {
    this(git, gerrit, git);
  }

  /**
   * @param embargoed the private repositories of the {@value TriggerEvent#EMBARGOED} connection
   */
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
  public Optional<byte[]> readFile(RepoRef repo, String commit, String path) {
    return of(repo.connection()).readFile(repo, commit, path);
  }

  @Override
  public Set<String> changedFiles(RepoRef repo, String commit) {
    return of(repo.connection()).changedFiles(repo, commit);
  }

  @Override
  public Optional<String> resolve(RepoRef repo, String ref) {
    return of(repo.connection()).resolve(repo, ref);
  }

  @Override
  public Optional<CommitMeta> meta(RepoRef repo, String commit) {
    return of(repo.connection()).meta(repo, commit);
  }

  @Override
  public Checkout checkout(RepoRef repo, String commit) {
    return of(repo.connection()).checkout(repo, commit);
  }
}
