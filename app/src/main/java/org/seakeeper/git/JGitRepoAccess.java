package org.seakeeper.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.scheduler.RepoAccess;

/**
 * {@link RepoAccess} for local git connections, reading repositories with JGit. Commits are named
 * by their full id; files are read as stored (a symlink or directory is not a file). Thread-safe:
 * repositories stay open between calls ({@link OpenRepos}), which still see the latest pushes;
 * nothing else is kept beyond the immutable project map.
 */
public final class JGitRepoAccess implements RepoAccess {
  /** A file larger than this is not read into memory (it is not a config file). */
  static final int MAX_FILE_BYTES = 16 << 20;

  private final Map<String, Map<String, Path>> repos;

  /**
   * @param repos connection name → project → repository path (bare or work tree)
   */
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
        c.repos()
            .forEach(r -> projects.put(r.name(), Path.of(r.path()).toAbsolutePath().normalize()));
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
    return withCommit(
        repoRef,
        commit,
        (repo, walk, c) -> {
          try (TreeWalk tw = TreeWalk.forPath(repo, path, c.getTree())) {
            if (tw == null
                || tw.getFileMode(0).getObjectType() != Constants.OBJ_BLOB
                || FileMode.SYMLINK.equals(tw.getFileMode(0).getBits())) {
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
    return withCommit(
        repoRef,
        commit,
        (repo, walk, c) -> {
          try (ObjectReader reader = repo.newObjectReader();
              TreeWalk tw = new TreeWalk(repo, reader)) {
            if (c.getParentCount() == 0) {
              tw.addTree(new EmptyTreeIterator());
            } else {
              tw.addTree(walk.parseCommit(c.getParent(0)).getTree());
            }
            tw.addTree(c.getTree());
            tw.setRecursive(false);
            tw.setFilter(TreeFilter.ANY_DIFF); // identical subtrees are skipped, not walked
            return changed(tw);
          }
        });
  }

  /** Most tree entries one diff looks at: past it (a git bomb) the change touches everything. */
  static final int MAX_DIFF_ENTRIES = 200_000;

  /** Deepest path one diff follows: past it the change touches everything. */
  static final int MAX_DIFF_DEPTH = 64;

  /**
   * The paths that differ between the walk's two trees; an empty set ("touches everything", so no
   * {@code when.files} rule can skip a job) when the diff is bigger than {@link #MAX_DIFF_ENTRIES}
   * entries or deeper than {@link #MAX_DIFF_DEPTH}: a change can hold a tree that repeats one
   * subtree ten times per level, 10^9 paths in a few kilobytes.
   */
  static Set<String> changed(TreeWalk tw) throws IOException {
    Set<String> out = new LinkedHashSet<>();
    int visited = 0;
    while (tw.next()) {
      if (++visited > MAX_DIFF_ENTRIES || tw.getDepth() > MAX_DIFF_DEPTH) {
        return Set.of();
      }
      boolean tree = false;
      boolean notTree = false;
      for (int i = 0; i < tw.getTreeCount(); i++) {
        FileMode m = tw.getFileMode(i);
        tree |= m == FileMode.TREE;
        notTree |= m != FileMode.TREE && m != FileMode.MISSING;
      }
      if (notTree) {
        out.add(
            tw.getPathString()); // a file, a link or a submodule (also one a directory replaced)
      }
      if (tree) {
        tw.enterSubtree();
      }
    }
    return Set.copyOf(out);
  }

  /** The commit's full message and its parents (for Depends-On footers and parent changes). */
  @Override
  public Optional<CommitMeta> meta(RepoRef repoRef, String commit) {
    return withCommit(
        repoRef,
        commit,
        (repo, walk, c) ->
            Optional.of(
                new CommitMeta(
                    c.getFullMessage(),
                    java.util.Arrays.stream(c.getParents()).map(RevCommit::name).toList())));
  }

  /** The repository's path and the commit, once the commit is known to exist. */
  @Override
  public Checkout checkout(RepoRef repoRef, String commit) {
    Path path = pathOf(repoRef);
    return withCommit(
        repoRef, commit, (repo, walk, c) -> Checkout.gitCommit(path.toString(), c.name()));
  }

  /**
   * The commit a ref points to, peeled through annotated tags: a full name ({@code
   * refs/heads/main}, {@code refs/for/main}), a short one git would accept ({@code main}, {@code
   * v1.0}) or {@code HEAD}; empty when there is no such ref or it does not point to a commit.
   */
  public Optional<String> resolve(RepoRef repoRef, String ref) {
    Path path = pathOf(repoRef);
    try (Repository repo = OpenRepos.open(path);
        RevWalk walk = new RevWalk(repo)) {
      Ref r =
          ref.startsWith("refs/") || ref.equals("HEAD") ? repo.exactRef(ref) : repo.findRef(ref);
      if (r == null || r.getObjectId() == null) {
        return Optional.empty();
      }
      return Optional.of(walk.parseCommit(r.getObjectId()).name());
    } catch (IncorrectObjectTypeException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new RepoAccessException(
          where(repoRef) + ": cannot resolve " + ref + ": " + e.getMessage(), e);
    }
  }

  private interface CommitRead<T> {
    T apply(Repository repo, RevWalk walk, RevCommit commit) throws IOException;
  }

  private <T> T withCommit(RepoRef repoRef, String commit, CommitRead<T> read) {
    Path path = pathOf(repoRef);
    if (!ObjectId.isId(commit)) {
      throw new RepoAccessException(
          where(repoRef) + ": '" + commit + "' is not a full commit id", null);
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
      throw new RepoAccessException(
          where(repoRef) + ", commit " + commit + ": cannot read " + path + ": " + e.getMessage(),
          e);
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
      throw new RepoAccessException(
          "connection " + connection + " serves no project '" + project + "'", null);
    }
    return p;
  }

  private static String where(RepoRef repoRef) {
    return "connection " + repoRef.connection() + ", project " + repoRef.project();
  }
}
