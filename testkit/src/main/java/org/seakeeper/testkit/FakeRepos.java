package org.seakeeper.testkit;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.scheduler.RepoAccess;

/**
 * Repositories in memory for scenario tests: commits are maps of path to content, refs point to
 * commits. Thread-safe.
 */
public final class FakeRepos implements RepoAccess {
  private record Commit(Map<String, String> files, Set<String> changed) {}

  private final Map<String, Commit> commits = new HashMap<>();
  private final Map<String, String> refs = new HashMap<>();
  private final AtomicInteger counter = new AtomicInteger();
  private final Map<String, CommitMeta> metas = new HashMap<>();

  private static String key(String connection, String project, String s) {
    return connection + "/" + project + "/" + s;
  }

  /**
   * Makes a commit of {@code files} (all of them count as changed) and points {@code ref} at it.
   */
  public synchronized String commit(
      String connection, String project, String ref, Map<String, String> files) {
    String sha = String.format("%040x", counter.incrementAndGet());
    commits.put(
        key(connection, project, sha),
        new Commit(Map.copyOf(files), new HashSet<>(files.keySet())));
    refs.put(key(connection, project, ref), sha);
    return sha;
  }

  /** A new commit with the files of {@code from} (a stand-in for a merge), not on any ref. */
  public synchronized String derive(String connection, String project, String from) {
    Commit c = get(connection, project, from);
    String sha = String.format("%040x", counter.incrementAndGet());
    commits.put(key(connection, project, sha), new Commit(c.files(), c.changed()));
    return sha;
  }

  /** Gives a commit a message and parents (for Depends-On footers and parent changes). */
  public synchronized void describe(
      String connection, String project, String commit, String message, String... parents) {
    get(connection, project, commit);
    metas.put(
        key(connection, project, commit), new CommitMeta(message, java.util.List.of(parents)));
  }

  @Override
  public synchronized Optional<CommitMeta> meta(RepoRef repo, String commit) {
    outage(repo.connection());
    get(repo.connection(), repo.project(), commit);
    return Optional.ofNullable(metas.get(key(repo.connection(), repo.project(), commit)));
  }

  /** A commit with just a config file. */
  private final Set<String> down = new java.util.HashSet<>();

  /**
   * While a connection is down, every read of it meets an {@link org.seakeeper.core.effect.Outage}.
   */
  public synchronized void down(String connection, boolean isDown) {
    if (isDown) {
      down.add(connection);
    } else {
      down.remove(connection);
    }
  }

  private final Set<String> poisoned = new java.util.HashSet<>();

  /**
   * Reading this commit's files throws an {@link Error} (as a git bomb exhausting memory would).
   */
  public synchronized void poison(String commit) {
    poisoned.add(commit);
  }

  private void outage(String connection) {
    if (down.contains(connection)) {
      throw new org.seakeeper.core.effect.Outage(
          connection, "connection " + connection + ": connection refused");
    }
  }

  public String commitConfig(String connection, String project, String ref, String yaml) {
    return commit(connection, project, ref, Map.of(".seakeeper.yaml", yaml));
  }

  private Commit get(String connection, String project, String commit) {
    Commit c = commits.get(key(connection, project, commit));
    if (c == null) {
      throw new RepoAccessException(
          "no commit " + commit + " in " + connection + "/" + project, null);
    }
    return c;
  }

  @Override
  public synchronized Optional<byte[]> readFile(RepoRef repo, String commit, String path) {
    outage(repo.connection());
    if (poisoned.contains(commit)) {
      throw new OutOfMemoryError("test: reading " + commit + " exhausts memory");
    }
    return Optional.ofNullable(get(repo.connection(), repo.project(), commit).files().get(path))
        .map(s -> s.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public synchronized Set<String> changedFiles(RepoRef repo, String commit) {
    outage(repo.connection());
    return Set.copyOf(get(repo.connection(), repo.project(), commit).changed());
  }

  @Override
  public synchronized Optional<String> resolve(RepoRef repo, String ref) {
    outage(repo.connection());
    return Optional.ofNullable(refs.get(key(repo.connection(), repo.project(), ref)));
  }

  @Override
  public Checkout checkout(RepoRef repo, String commit) {
    synchronized (this) {
      outage(repo.connection());
    }
    return Checkout.gitCommit("fake:" + repo.connection() + "/" + repo.project(), commit);
  }
}
