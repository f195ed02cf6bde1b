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
            ObjectId parentTree =
                c.getParentCount() == 0 ? null : walk.parseCommit(c.getParent(0)).getTree();
            if (new DiffSize(reader).tooBig(parentTree, c.getTree())) {
              return Set.of(); // a git bomb: counted from its distinct trees, never walked
            }
            if (parentTree == null) {
              tw.addTree(new EmptyTreeIterator());
            } else {
              tw.addTree(parentTree);
            }
            tw.addTree(c.getTree());
            tw.setRecursive(false);
            tw.setFilter(TreeFilter.ANY_DIFF); // identical subtrees are skipped, not walked
            return changed(tw);
          }
        });
  }

  /**
   * How many entries the diff of two trees visits ({@link #changed}'s walk: entries that differ,
   * directories included), counted first from the distinct pairs of trees: a pair met again (a git
   * bomb repeats one subtree ten times per level) adds what was counted for it, so a diff past
   * {@link #MAX_DIFF_ENTRIES} entries or {@link #MAX_DIFF_DEPTH} levels is known without walking
   * it. Also stops after reading {@code 4 * MAX_DIFF_ENTRIES} entries of trees in all.
   */
  static final class DiffSize {
    private record Pair(ObjectId a, ObjectId b) {}

    /** One entry of a tree: the walk skips a name whose mode and id are the same on both sides. */
    private record Entry(FileMode mode, ObjectId id) {
      /** Its id when it is a subtree, else null. */
      ObjectId tree() {
        return FileMode.TREE.equals(mode) ? id : null;
      }
    }

    /** Entries visited below a pair, and the deepest visited entry's level below it. */
    private record Size(long entries, int depth) {}

    private static final Size TOO_BIG = new Size(Long.MAX_VALUE, Integer.MAX_VALUE);

    private final ObjectReader reader;
    private final Map<Pair, Size> known = new HashMap<>();
    private long read;

    DiffSize(ObjectReader reader) {
      this.reader = reader;
    }

    /** Whether diffing {@code a} (null: empty) with {@code b} passes the diff's limits. */
    boolean tooBig(ObjectId a, ObjectId b) throws IOException {
      return of(a, b, 0) == TOO_BIG;
    }

    private Size of(ObjectId a, ObjectId b, int level) throws IOException {
      if (level > MAX_DIFF_DEPTH) {
        return TOO_BIG;
      }
      Pair key = new Pair(a, b);
      Size k = known.get(key);
      if (k != null) {
        return k;
      }
      Map<String, Entry> inA = new HashMap<>();
      Map<String, Entry> inB = new HashMap<>();
      if (!entries(a, inA) || !entries(b, inB)) {
        return TOO_BIG;
      }
      Set<String> names = new LinkedHashSet<>(inB.keySet());
      names.addAll(inA.keySet());
      long visited = 0;
      int depth = -1;
      for (String name : names) {
        Entry ea = inA.get(name);
        Entry eb = inB.get(name);
        if (ea != null && ea.equals(eb)) {
          continue; // identical: the walk skips it
        }
        visited++;
        depth = Math.max(depth, 0);
        ObjectId treeA = ea == null ? null : ea.tree();
        ObjectId treeB = eb == null ? null : eb.tree();
        if (treeA != null || treeB != null) {
          Size sub = of(treeA, treeB, level + 1);
          if (sub == TOO_BIG) {
            return TOO_BIG;
          }
          visited += sub.entries();
          depth = sub.depth() < 0 ? depth : Math.max(depth, sub.depth() + 1);
        }
        if (visited > MAX_DIFF_ENTRIES || level + depth > MAX_DIFF_DEPTH) {
          return TOO_BIG;
        }
      }
      Size s = new Size(visited, depth);
      known.put(key, s);
      return s;
    }

    /** The entries of tree {@code t} (null: none) by name; false past the bound on entries read. */
    private boolean entries(ObjectId t, Map<String, Entry> into) throws IOException {
      if (t == null) {
        return true;
      }
      org.eclipse.jgit.treewalk.CanonicalTreeParser p =
          new org.eclipse.jgit.treewalk.CanonicalTreeParser();
      p.reset(reader, t);
      for (; !p.eof(); p.next()) {
        if (++read > 4L * MAX_DIFF_ENTRIES) {
          return false;
        }
        into.put(p.getEntryPathString(), new Entry(p.getEntryFileMode(), p.getEntryObjectId()));
      }
      return true;
    }
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
