package org.seakeeper.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.LargeObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.io.DisabledOutputStream;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.scheduler.RepoAccess;

/**
 * {@link RepoAccess} for local git connections, reading repositories with JGit. Commits are
 * named by their full id; files are read as stored (a symlink or directory is not a file).
 * Thread-safe: repositories stay open between calls ({@link OpenRepos}), which still see the
 * latest pushes; nothing else is kept beyond the immutable project map.
 */
public final class JGitRepoAccess implements RepoAccess {
  /** A file larger than this is not read into memory (it is not a config file). */
  static final int MAX_FILE_BYTES = 16 << 20;

  private final Map<String, Map<String, Path>> repos;

  /** @param repos connection name → project → repository path (bare or work tree) */
  public JGitRepoAccess(Map<String, Map<String, Path>> repos) {
    Map<String, Map<String, Path>> copy = new HashMap<>();
    repos.forEach((c, projects) -> copy.put(c, Map.copyOf(projects)));
    this.repos = Map.copyOf(copy);
  }

  /** For the {@code git} connections among {@code connections} (others are skipped). */
  public static JGitRepoAccess of(List<ServerConfig.Connection> connections) {
    Map<String, Map<String, Path>> map = new HashMap<>();
    for (ServerConfig.Connection c : connections) {
      if ("git".equals(c.type())) {
        Map<String, Path> projects = new HashMap<>();
        c.repos().forEach(r -> projects.put(r.name(), Path.of(r.path()).toAbsolutePath().normalize()));
        map.put(c.name(), projects);
      }
    }
    return new JGitRepoAccess(map);
  }

  @Override
  public Optional<byte[]> readFile(RepoRef repoRef, String commit, String path) {
    if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
      throw new IllegalArgumentException("not a repository-relative file path: '" + path + "'");
    }
    return withCommit(repoRef, commit, (repo, walk, c) -> {
      try (TreeWalk tw = TreeWalk.forPath(repo, path, c.getTree())) {
        if (tw == null || tw.getFileMode(0).getObjectType() != Constants.OBJ_BLOB || FileMode.SYMLINK.equals(tw.getFileMode(0).getBits())) {
          return Optional.empty();
        }
        try {
          return Optional.of(repo.open(tw.getObjectId(0)).getBytes(MAX_FILE_BYTES));
        } catch (LargeObjectException e) {
          throw new IOException(path + " is larger than " + MAX_FILE_BYTES + " bytes", e);
        }
      }
    });
  }

  @Override
  public Set<String> changedFiles(RepoRef repoRef, String commit) {
    return withCommit(repoRef, commit, (repo, walk, c) -> {
      Set<String> out = new LinkedHashSet<>();
      try (ObjectReader reader = repo.newObjectReader();
          DiffFormatter df = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
        df.setRepository(repo);
        CanonicalTreeParser newTree = new CanonicalTreeParser(null, reader, c.getTree());
        List<DiffEntry> entries = c.getParentCount() == 0
            ? df.scan(new EmptyTreeIterator(), newTree)
            : df.scan(new CanonicalTreeParser(null, reader, walk.parseCommit(c.getParent(0)).getTree()), newTree);
        for (DiffEntry e : entries) {
          if (!DiffEntry.DEV_NULL.equals(e.getOldPath())) {
            out.add(e.getOldPath());
          }
          if (!DiffEntry.DEV_NULL.equals(e.getNewPath())) {
            out.add(e.getNewPath());
          }
        }
      }
      return Set.copyOf(out);
    });
  }

  /** The commit's full message and its parents (for Depends-On footers and parent changes). */
  @Override
  public Optional<CommitMeta> meta(RepoRef repoRef, String commit) {
    return withCommit(repoRef, commit, (repo, walk, c) -> Optional.of(new CommitMeta(c.getFullMessage(), java.util.Arrays.stream(c.getParents()).map(RevCommit::name).toList())));
  }

  /** The repository's path and the commit, once the commit is known to exist. */
  @Override
  public Checkout checkout(RepoRef repoRef, String commit) {
    Path path = pathOf(repoRef);
    return withCommit(repoRef, commit, (repo, walk, c) -> Checkout.gitCommit(path.toString(), c.name()));
  }

  /**
   * The commit a ref points to, peeled through annotated tags: a full name ({@code refs/heads/main},
   * {@code refs/for/main}), a short one git would accept ({@code main}, {@code v1.0}) or
   * {@code HEAD}; empty when there is no such ref or it does not point to a commit.
   */
  public Optional<String> resolve(RepoRef repoRef, String ref) {
    Path path = pathOf(repoRef);
    try (Repository repo = OpenRepos.open(path);
        RevWalk walk = new RevWalk(repo)) {
      Ref r = ref.startsWith("refs/") || ref.equals("HEAD") ? repo.exactRef(ref) : repo.findRef(ref);
      if (r == null || r.getObjectId() == null) {
        return Optional.empty();
      }
      return Optional.of(walk.parseCommit(r.getObjectId()).name());
    } catch (IncorrectObjectTypeException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new RepoAccessException(where(repoRef) + ": cannot resolve " + ref + ": " + e.getMessage(), e);
    }
  }

  private interface CommitRead<T> {
    T apply(Repository repo, RevWalk walk, RevCommit commit) throws IOException;
  }

  private <T> T withCommit(RepoRef repoRef, String commit, CommitRead<T> read) {
    Path path = pathOf(repoRef);
    if (!ObjectId.isId(commit)) {
      throw new RepoAccessException(where(repoRef) + ": '" + commit + "' is not a full commit id", null);
    }
    RevCommit c;
    try (Repository repo = OpenRepos.open(path);
        RevWalk walk = new RevWalk(repo)) {
      try {
        c = walk.parseCommit(ObjectId.fromString(commit));
      } catch (IOException e) {
        throw new RepoAccessException(where(repoRef) + ": no commit " + commit + " in " + path, e);
      }
      return read.apply(repo, walk, c);
    } catch (IOException e) {
      throw new RepoAccessException(where(repoRef) + ", commit " + commit + ": cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private Path pathOf(RepoRef repoRef) {
    String connection = repoRef.connection();
    String project = repoRef.project();
    Map<String, Path> projects = repos.get(connection);
    if (projects == null) {
      throw new RepoAccessException("no git connection named '" + connection + "'", null);
    }
    Path p = projects.get(project);
    if (p == null) {
      throw new RepoAccessException("connection " + connection + " serves no project '" + project + "'", null);
    }
    return p;
  }

  private static String where(RepoRef repoRef) {
    return "connection " + repoRef.connection() + ", project " + repoRef.project();
  }
}
