package org.seakeeper.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ResolveMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.Merger;
import org.seakeeper.core.model.RepoRef;

/**
 * Speculative merges with JGit, in memory (no work tree): the branch tip, then each change's commit
 * merged in order with a merge commit per change. The result is kept reachable under {@code
 * refs/seakeeper/speculative/<commit>} so executors can check it out.
 *
 * <p>Fast for a gate queue: the steps already made are remembered ({@link SpeculationCache}), so a
 * call merges only the changes past the longest known prefix; a merge is done at the tree level
 * ({@link TreeMerge}: subtrees only one side changed are not entered) and falls back to JGit's
 * {@code ResolveMerger} when some path changed on both sides; a call's new objects are written
 * through one inserter (one pack when it makes {@value #PACK_FROM} merges or more), and
 * repositories stay open between calls ({@link OpenRepos}). Thread-safe.
 *
 * <p>It never fetches: a caller that serves a remote (the Gerrit gate) fetches first and throws
 * {@link org.seakeeper.core.effect.Outage} when it cannot. Only a content conflict is a {@link
 * Conflict}; a missing branch or repository is an {@link IllegalArgumentException}, a failure to
 * read or write the repository an {@link IllegalStateException}.
 */
public final class JGitMerger implements Merger {
  /** From this many merges in one call, the new objects go to one pack instead of loose files. */
  static final int PACK_FROM = 4;

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JGitMerger.class);
  private static final PersonIdent SEAKEEPER = new PersonIdent("Seakeeper", "seakeeper@localhost");
  private final Function<RepoRef, Path> paths;
  private static final int MAX_WALKERS = 16;
  private final SpeculationCache cache = new SpeculationCache();

  /** Per repository and branch tip: a walk whose parsed commits outlive a call. */
  private final Map<String, Walker> walkers =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Walker> eldest) {
          return size() > MAX_WALKERS;
        }
      };

  /**
   * Finds merge bases in memory: the commits a merge-base search parses (the earlier states of the
   * queue and their changes, some history) stay parsed from one call to the next, so a queue of N
   * costs O(N) commit reads instead of O(N²). Used under its own lock. Dropped when the tip moves;
   * it is not closed (a walk in use elsewhere may still hold it; its reader is collected).
   */
  private static final class Walker {
    final Repository repo;
    final ObjectId tip;
    final RevWalk walk;

    Walker(Repository repo, ObjectId tip) {
      this.repo = repo;
      this.tip = tip.copy();
      this.walk = new RevWalk(repo.newObjectReader());
      walk.setRetainBody(false);
    }

    synchronized List<RevCommit> mergeBases(AnyObjectId a, AnyObjectId b) throws IOException {
      walk.reset();
      walk.setRevFilter(RevFilter.MERGE_BASE);
      walk.markStart(walk.parseCommit(a));
      walk.markStart(walk.parseCommit(b));
      List<RevCommit> out = new ArrayList<>();
      for (RevCommit c; out.size() < 2 && (c = walk.next()) != null; ) {
        out.add(c);
      }
      return out;
    }

    /** Makes a commit not yet flushed known to the walk. */
    synchronized void add(byte[] rawCommit) throws IOException {
      RevCommit.parse(walk, rawCommit);
    }
  }

  private Walker walker(String key, Repository repo, ObjectId tip) {
    synchronized (walkers) {
      Walker w = walkers.get(key);
      if (w == null || w.repo != repo || !w.tip.equals(tip)) {
        w = new Walker(repo, tip);
        walkers.put(key, w);
      }
      return w;
    }
  }

  /**
   * @param repos connection name → project → repository path
   */
  public JGitMerger(Map<String, Map<String, Path>> repos) {
    Map<String, Map<String, Path>> copy = Map.copyOf(repos);
    this.paths = r -> copy.getOrDefault(r.connection(), Map.of()).get(r.project());
  }

  /**
   * @param paths the repository of a connection's project (null: none)
   */
  public JGitMerger(Function<RepoRef, Path> paths) {
    this.paths = paths;
  }

  /** Merges the whole chain now (one pack), so that each prefix's call finds its state made. */
  @Override
  public void prepare(RepoRef repoRef, String branch, List<ChangeRef> changes) {
    try {
      speculate(repoRef, branch, changes);
    } catch (RuntimeException e) {
      // Only a hint: the calls that follow report the problem.
      log.info(
          "{} {}: preparing the speculative merges of {} change(s) failed (the merges themselves"
              + " will say why): {}",
          repoRef,
          branch,
          changes.size(),
          e.toString());
    }
  }

  @Override
  public Result speculate(RepoRef repoRef, String branch, List<ChangeRef> changes) {
    String connection = repoRef.connection();
    String project = repoRef.project();
    Path path = paths.apply(repoRef);
    if (path == null) {
      throw new IllegalArgumentException("no repository for " + connection + "/" + project);
    }
    String key = path + "\0" + branch;
    try (Repository repo = OpenRepos.open(path)) {
      ObjectId tip = repo.resolve(Constants.R_HEADS + branch + "^{commit}");
      if (tip == null) {
        throw new IllegalArgumentException(project + " has no branch " + branch);
      }
      // The longest prefix already merged from this tip.
      ObjectId state = tip;
      int known = 0;
      for (ChangeRef c : changes) {
        Optional<SpeculationCache.Step> step = cache.get(key, tip, state, c);
        if (step.isEmpty()) {
          break;
        }
        if (step.get() instanceof SpeculationCache.Conflict k) {
          return new Conflict(c, k.files());
        }
        state = ((SpeculationCache.Next) step.get()).state();
        known++;
      }
      try (ObjectInserter ins = inserter(repo, changes.size() - known);
          ObjectReader reader = ins.newReader();
          RevWalk walk = new RevWalk(reader)) {
        if (known > 0 && !reader.has(state)) {
          cache.forget(key); // someone removed the speculative refs and pruned: start again
          state = tip;
          known = 0;
        }
        RevCommit current = walk.parseCommit(state);
        Walker walker = walker(key, repo, tip);
        List<Runnable> remember = new ArrayList<>();
        Result result = null;
        for (ChangeRef c : changes.subList(known, changes.size())) {
          RevCommit change = walk.parseCommit(ObjectId.fromString(c.commit()));
          SpeculationCache.Step step =
              mergeOne(
                  repo,
                  walker,
                  reader,
                  ins,
                  current,
                  change,
                  "Speculative merge of " + c + " into " + branch + "\n");
          ObjectId from = current.copy();
          remember.add(() -> cache.put(key, tip, from, c, step));
          if (step instanceof SpeculationCache.Conflict k) {
            result = new Conflict(c, k.files());
            break;
          }
          current = walk.parseCommit(((SpeculationCache.Next) step).state());
        }
        ins.flush();
        remember.forEach(Runnable::run); // only once the objects are written
        if (result != null) {
          return result;
        }
        keepReachable(repo, walk, current);
        return new Merged(current.name(), List.copyOf(changes));
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "speculative merge in " + connection + "/" + project + " failed: " + e.getMessage(), e);
    }
  }

  private static ObjectInserter inserter(Repository repo, int merges) {
    if (merges >= PACK_FROM && repo.getObjectDatabase() instanceof ObjectDirectory od) {
      return od.newPackInserter();
    }
    return repo.newObjectInserter();
  }

  /**
   * Merges {@code change} onto {@code current} with a merge commit (none when it is already in).
   */
  private static SpeculationCache.Step mergeOne(
      Repository repo,
      Walker walker,
      ObjectReader reader,
      ObjectInserter ins,
      RevCommit current,
      RevCommit change,
      String message)
      throws IOException {
    List<RevCommit> bases = walker.mergeBases(current, change);
    if (bases.size() == 1 && bases.getFirst().equals(change)) {
      return new SpeculationCache.Next(current.copy());
    }
    ObjectId tree = null;
    if (bases.size() == 1) {
      tree =
          TreeMerge.merge(
                  reader, ins, bases.getFirst().getTree(), current.getTree(), change.getTree())
              .orElse(null);
    }
    if (tree == null) {
      // A path changed on both sides (or a criss-cross history): JGit's content merge decides.
      ResolveMerger m = (ResolveMerger) MergeStrategy.RECURSIVE.newMerger(ins, repo.getConfig());
      if (!m.merge(current, change)) {
        List<String> files = new ArrayList<>(m.getUnmergedPaths());
        if (files.isEmpty() && m.getFailingPaths() != null) {
          files.addAll(m.getFailingPaths().keySet());
        }
        return new SpeculationCache.Conflict(List.copyOf(files));
      }
      tree = m.getResultTreeId();
    }
    CommitBuilder cb = new CommitBuilder();
    cb.setTreeId(tree);
    cb.setParentIds(current, change);
    cb.setAuthor(SEAKEEPER);
    cb.setCommitter(SEAKEEPER);
    cb.setMessage(message);
    byte[] raw = cb.build();
    ObjectId merged = ins.insert(Constants.OBJ_COMMIT, raw);
    walker.add(raw);
    return new SpeculationCache.Next(merged);
  }

  /** Writes the state's ref, parsing nothing again (the walk has the commit). */
  private static void keepReachable(Repository repo, RevWalk walk, RevCommit state)
      throws IOException {
    String ref = "refs/seakeeper/speculative/" + state.name();
    if (repo.exactRef(ref) != null) {
      return;
    }
    RefUpdate u = repo.updateRef(ref);
    u.setNewObjectId(state);
    u.setForceUpdate(true);
    u.update(walk);
  }
}
