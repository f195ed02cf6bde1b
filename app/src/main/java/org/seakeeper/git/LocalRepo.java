package org.seakeeper.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * A developer's working copy, read through JGit: the HEAD commit, its files and what it changed.
 * Used by {@code seakeeper run} to build exactly what was committed. Not thread-safe; close after
 * use.
 */
public final class LocalRepo implements AutoCloseable {
  private final Repository repo;
  private final Path dir;

  private LocalRepo(Repository repo, Path dir) {
    this.repo = repo;
    this.dir = dir;
  }

  /** The repository whose work tree is exactly {@code dir}, if it is one and has a commit. */
  public static Optional<LocalRepo> open(Path dir) throws IOException {
    if (!Files.exists(dir.resolve(".git"))) {
      return Optional.empty();
    }
    Repository r = new FileRepositoryBuilder().findGitDir(dir.toFile()).setMustExist(true).build();
    if (r.resolve("HEAD^{commit}") == null) {
      r.close();
      return Optional.empty();
    }
    return Optional.of(new LocalRepo(r, dir));
  }

  public String headCommit() throws IOException {
    return repo.resolve("HEAD^{commit}").name();
  }

  /** The checked-out branch, empty when HEAD is detached. */
  public Optional<String> branch() throws IOException {
    String full = repo.getFullBranch();
    return full != null && full.startsWith("refs/heads/")
        ? Optional.of(full.substring("refs/heads/".length()))
        : Optional.empty();
  }

  /** The file's bytes at HEAD, empty when it is not in the commit. */
  public Optional<byte[]> readAtHead(String path) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit c = walk.parseCommit(repo.resolve("HEAD^{commit}"));
      try (TreeWalk tw = TreeWalk.forPath(repo, path, c.getTree())) {
        if (tw == null) {
          return Optional.empty();
        }
        return Optional.of(repo.open(tw.getObjectId(0)).getBytes());
      }
    }
  }

  /** Whether the work tree differs from HEAD (edits, staged or untracked files). */
  public boolean dirty() {
    try (Git git = new Git(repo)) {
      Status s = git.status().call();
      return !s.isClean();
    } catch (GitAPIException e) {
      return true;
    }
  }

  /** Files changed by the HEAD commit against its first parent (all files for a root commit). */
  public Set<String> changedByHead() throws IOException {
    Set<String> out = new LinkedHashSet<>();
    try (RevWalk walk = new RevWalk(repo);
        ObjectReader reader = repo.newObjectReader();
        DiffFormatter df = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
      RevCommit c = walk.parseCommit(repo.resolve("HEAD^{commit}"));
      df.setRepository(repo);
      CanonicalTreeParser newTree = new CanonicalTreeParser(null, reader, c.getTree());
      var entries =
          c.getParentCount() == 0
              ? df.scan(new EmptyTreeIterator(), newTree)
              : df.scan(
                  new CanonicalTreeParser(null, reader, walk.parseCommit(c.getParent(0)).getTree()),
                  newTree);
      for (DiffEntry e : entries) {
        if (!DiffEntry.DEV_NULL.equals(e.getNewPath())) {
          out.add(e.getNewPath());
        }
        if (!DiffEntry.DEV_NULL.equals(e.getOldPath())) {
          out.add(e.getOldPath());
        }
      }
    }
    return out;
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() {
    repo.close();
  }
}
