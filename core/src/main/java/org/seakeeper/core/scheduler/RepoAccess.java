package org.seakeeper.core.scheduler;

import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.model.RepoRef;

/**
 * Read access to the repositories of connections, at a commit: the config file, what the commit
 * changed, and what executors should check out. Implemented by the git adapter (JGit). Thread-safe.
 * Methods throw {@link RepoAccessException} when the repository or commit cannot be read: an
 * infrastructure problem, not a config problem.
 */
public interface RepoAccess {
  /** The file's bytes at the commit; empty when the commit has no such file. */
  Optional<byte[]> readFile(RepoRef repo, String commit, String path);

  /** Paths the commit changed against its first parent (every path for a root commit). */
  Set<String> changedFiles(RepoRef repo, String commit);

  /**
   * The commit a ref (branch, tag, change ref, or {@code HEAD}) points to; empty when it does not
   * exist.
   */
  Optional<String> resolve(RepoRef repo, String ref);

  /** What to put in a job's workspace to build this commit. */
  Checkout checkout(RepoRef repo, String commit);

  /** A commit's message and parent commits (first parent first). */
  record CommitMeta(String message, java.util.List<String> parents) {}

  /**
   * The commit's message and parents, for {@code Depends-On} footers and parent changes; empty when
   * this access cannot tell (then a change has no dependencies).
   */
  default Optional<CommitMeta> meta(RepoRef repo, String commit) {
    return Optional.empty();
  }

  /** The repository or commit cannot be read. */
  final class RepoAccessException extends RuntimeException {
    public RepoAccessException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
