package org.seakeeper.gerrit;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.seakeeper.core.effect.Outage;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.scheduler.RepoAccess;
import org.seakeeper.git.JGitRepoAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RepoAccess} for Gerrit connections: a bare mirror per project under the connection's state
 * directory ({@code mirrors/<project>.git}), fetched with JGit over HTTP ({@code <url>a/<project>},
 * basic auth as the CI account) with branches, tags and {@code refs/changes/*}. A commit the mirror
 * lacks is fetched on demand (a new patch set is announced before anyone asks for it); refs are
 * fetched before each {@link #resolve}. Reads then go through {@link JGitRepoAccess} on the mirror,
 * and {@link #checkout} names the mirror and the commit. Thread-safe: fetches of one project are
 * serialised; git readers of the mirror see objects before the refs that point to them.
 *
 * <p>Failures: every fetch connects within the connection's {@code connect_timeout} and each of its
 * reads waits at most {@code request_timeout} ({@link GerritRest.Timeouts}), so a Gerrit that
 * accepts connections and never answers ends the call with an exception. Network trouble (refused,
 * timed out, reset, a 5xx, an authentication failure, anything JGit's transport reports except a
 * missing repository) is an {@link Outage}: the caller tries again later, nothing is decided about
 * the change. {@link RepoAccessException} is kept for Gerrit's explicit answer or what no retry
 * changes: the repository does not exist in Gerrit, the commit is in none of its branches, tags or
 * changes after a successful fetch, the id is not a commit id, the project is not served, or the
 * local mirror cannot be made.
 */
public final class GerritRepoAccess implements RepoAccess {
  static final List<RefSpec> REFS =
      List.of(
          new RefSpec("+refs/heads/*:refs/heads/*"),
          new RefSpec("+refs/tags/*:refs/tags/*"),
          new RefSpec("+refs/changes/*:refs/changes/*"));
  private static final Logger log = LoggerFactory.getLogger(GerritRepoAccess.class);
  private final Map<String, GerritEndpoint> endpoints;
  private final Map<String, Path> stateDirs;
  private final Map<Path, Object> locks = new ConcurrentHashMap<>();

  /**
   * @param endpoints connection name → its Gerrit
   * @param stateDirs connection name → the connection's state directory (mirrors go below it)
   */
  public GerritRepoAccess(Map<String, GerritEndpoint> endpoints, Map<String, Path> stateDirs) {
    this.endpoints = Map.copyOf(endpoints);
    this.stateDirs = Map.copyOf(stateDirs);
  }

  /** Whether this serves the connection. */
  public boolean serves(String connection) {
    return endpoints.containsKey(connection);
  }

  @Override
  public Optional<byte[]> readFile(RepoRef repo, String commit, String path) {
    return reader(repo, commit).readFile(repo, commit, path);
  }

  @Override
  public Set<String> changedFiles(RepoRef repo, String commit) {
    return reader(repo, commit).changedFiles(repo, commit);
  }

  @Override
  public Optional<String> resolve(RepoRef repo, String ref) {
    Path mirror = mirror(repo);
    fetch(repo, mirror);
    return new JGitRepoAccess(Map.of(repo.connection(), Map.of(repo.project(), mirror)))
        .resolve(repo, ref);
  }

  @Override
  public Optional<CommitMeta> meta(RepoRef repo, String commit) {
    return reader(repo, commit).meta(repo, commit);
  }

  @Override
  public Checkout checkout(RepoRef repo, String commit) {
    return reader(repo, commit).checkout(repo, commit);
  }

  /** A reader of the mirror once it has {@code commit} (fetched now when it has not). */
  private JGitRepoAccess reader(RepoRef repo, String commit) {
    String connection = repo.connection();
    String project = repo.project();
    Path mirror = mirror(repo);
    if (!ObjectId.isId(commit)) {
      throw new RepoAccessException(
          "connection "
              + connection
              + ", project "
              + project
              + ": '"
              + commit
              + "' is not a full commit id",
          null);
    }
    if (!has(mirror, commit)) {
      fetch(repo, mirror);
      if (!has(mirror, commit)) {
        throw new RepoAccessException(
            "connection "
                + connection
                + ", project "
                + project
                + ": commit "
                + commit
                + " is not in Gerrit's branches, tags or changes",
            null);
      }
    }
    return new JGitRepoAccess(Map.of(connection, Map.of(project, mirror)));
  }

  /** The local mirror of a project (speculative merges write into it). */
  public Path mirrorPath(RepoRef repo) {
    return mirror(repo);
  }

  private Path mirror(RepoRef repo) {
    String connection = repo.connection();
    String project = repo.project();
    GerritEndpoint e = endpoints.get(connection);
    if (e == null) {
      throw new RepoAccessException("no gerrit connection named '" + connection + "'", null);
    }
    if (!e.serves(project)) {
      throw new RepoAccessException(
          "connection " + connection + " serves no project '" + project + "'", null);
    }
    return stateDirs
        .get(connection)
        .resolve("mirrors")
        .resolve(URLEncoder.encode(project, StandardCharsets.UTF_8) + ".git");
  }

  private static boolean has(Path mirror, String commit) {
    if (!Files.isDirectory(mirror)) {
      return false;
    }
    try (Repository repo = open(mirror)) {
      return repo.getObjectDatabase().has(ObjectId.fromString(commit));
    } catch (IOException e) {
      log.warn("mirror {}: cannot look for commit {} ({}); fetching", mirror, commit, e.toString());
      return false;
    }
  }

  /**
   * Fetches branches, tags and changes into the mirror, making it first when missing.
   *
   * @throws Outage when Gerrit cannot be reached or does not answer in time
   * @throws RepoAccessException when Gerrit says the repository does not exist, or the mirror
   *     cannot be made
   */
  void fetch(RepoRef repoRef, Path mirror) {
    String connection = repoRef.connection();
    String project = repoRef.project();
    GerritEndpoint e = endpoints.get(connection);
    synchronized (locks.computeIfAbsent(mirror, k -> new Object())) {
      try {
        if (!Files.exists(mirror.resolve("HEAD"))) {
          Files.createDirectories(mirror);
          Git.init().setBare(true).setDirectory(mirror.toFile()).call().close();
        }
      } catch (IOException | GitAPIException ex) {
        throw new RepoAccessException(
            "connection "
                + connection
                + ", project "
                + project
                + ": cannot make the mirror "
                + mirror
                + ": "
                + ex.getMessage(),
            ex);
      }
      Repository repo;
      try {
        repo = open(mirror);
      } catch (IOException ex) {
        throw new RepoAccessException(
            "connection "
                + connection
                + ", project "
                + project
                + ": cannot open the mirror "
                + mirror
                + ": "
                + ex.getMessage(),
            ex);
      }
      long t0 = System.nanoTime();
      try (Repository r = repo;
          Git git = Git.wrap(r)) { // wrap does not close the repository: the try does
        git.fetch()
            .setRemote(e.url() + "a/" + project)
            .setRefSpecs(REFS)
            .setCredentialsProvider(new UsernamePasswordCredentialsProvider(e.user(), e.password()))
            .setRemoveDeletedRefs(false)
            .setTimeout(e.timeouts().requestSeconds())
            .setTransportConfigCallback(t -> t.setTimeout(e.timeouts().requestSeconds()))
            .call();
      } catch (InvalidRemoteException ex) {
        if (ex.getCause() instanceof NoRemoteRepositoryException) {
          throw new RepoAccessException(
              "connection "
                  + connection
                  + ": Gerrit has no repository "
                  + project
                  + " the CI account can read ("
                  + ex.getCause().getMessage()
                  + ")",
              ex);
        }
        throw outage(e, project, ex);
      } catch (GitAPIException | RuntimeException ex) {
        if (ex instanceof RepoAccessException || ex instanceof Outage) {
          throw (RuntimeException) ex;
        }
        throw outage(e, project, ex);
      }
      log.debug(
          "connection {}, project {}: fetched in {} ms",
          connection,
          project,
          (System.nanoTime() - t0) / 1_000_000);
    }
  }

  private static Outage outage(GerritEndpoint e, String project, Exception ex) {
    Throwable root = ex;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String why = root == ex ? String.valueOf(ex.getMessage()) : ex.getMessage() + " (" + root + ")";
    return new Outage(
        e.connection(),
        "connection "
            + e.connection()
            + ", project "
            + project
            + ": cannot fetch from "
            + e.url()
            + ": "
            + why,
        ex);
  }

  private static Repository open(Path mirror) throws IOException {
    return new FileRepositoryBuilder().setGitDir(mirror.toFile()).setMustExist(true).build();
  }
}
