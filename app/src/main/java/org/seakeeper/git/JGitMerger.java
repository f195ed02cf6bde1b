package org.seakeeper.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ResolveMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.Merger;

/**
 * Speculative merges with JGit, in memory (no work tree): the branch tip, then each change's
 * commit merged in order with a merge commit per change. The result is kept reachable under
 * {@code refs/seakeeper/speculative/<commit>} so executors can check it out. Thread-safe
 * (a repository per call).
 */
public final class JGitMerger implements Merger {
  private static final PersonIdent SEAKEEPER = new PersonIdent("Seakeeper", "seakeeper@localhost");
  private final Map<String, Map<String, Path>> repos;

  public JGitMerger(Map<String, Map<String, Path>> repos) {
    this.repos = Map.copyOf(repos);
  }

  @Override
  public Result speculate(String connection, String project, String branch, List<ChangeRef> changes) {
    Path path = repos.getOrDefault(connection, Map.of()).get(project);
    if (path == null) {
      throw new IllegalArgumentException("no repository for " + connection + "/" + project);
    }
    try (Repository repo = GitDirs.open(path);
        RevWalk walk = new RevWalk(repo);
        ObjectInserter ins = repo.newObjectInserter()) {
      ObjectId tip = repo.resolve(Constants.R_HEADS + branch + "^{commit}");
      if (tip == null) {
        throw new IllegalArgumentException(project + " has no branch " + branch);
      }
      RevCommit current = walk.parseCommit(tip);
      List<ChangeRef> included = new ArrayList<>();
      for (ChangeRef c : changes) {
        RevCommit change = walk.parseCommit(ObjectId.fromString(c.commit()));
        if (walk.isMergedInto(change, current)) {
          included.add(c);
          continue;
        }
        ResolveMerger m = (ResolveMerger) MergeStrategy.RECURSIVE.newMerger(ins, repo.getConfig());
        if (!m.merge(current, change)) {
          List<String> files = new ArrayList<>(m.getUnmergedPaths());
          if (files.isEmpty() && m.getFailingPaths() != null) {
            files.addAll(m.getFailingPaths().keySet());
          }
          return new Conflict(c, List.copyOf(files));
        }
        CommitBuilder cb = new CommitBuilder();
        cb.setTreeId(m.getResultTreeId());
        cb.setParentIds(current, change);
        cb.setAuthor(SEAKEEPER);
        cb.setCommitter(SEAKEEPER);
        cb.setMessage("Speculative merge of " + c + " into " + branch + "\n");
        ObjectId merged = ins.insert(cb);
        ins.flush();
        current = walk.parseCommit(merged);
        included.add(c);
      }
      RefUpdate u = repo.updateRef("refs/seakeeper/speculative/" + current.name());
      u.setNewObjectId(current);
      u.setForceUpdate(true);
      u.update();
      return new Merged(current.name(), included);
    } catch (IOException e) {
      throw new IllegalStateException("speculative merge in " + connection + "/" + project + " failed: " + e.getMessage(), e);
    }
  }
}
