package org.seakeeper.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.model.RepoRef;

/** What a change's git bomb does to the changed-files diff: bounded, never a billion paths. */
public class GitBombDiffTest {
  @TempDir Path tmp;

  /** A tree repeating one subtree ten times per level, {@code levels} deep: 10^(levels+1) paths. */
  public static ObjectId bomb(ObjectInserter ins, int levels) throws Exception {
    ObjectId blob = ins.insert(Constants.OBJ_BLOB, "x\n".getBytes(StandardCharsets.UTF_8));
    TreeFormatter leaf = new TreeFormatter();
    for (int i = 0; i < 10; i++) {
      leaf.append("f" + i, FileMode.REGULAR_FILE, blob);
    }
    ObjectId t = ins.insert(leaf);
    for (int l = 0; l < levels; l++) {
      TreeFormatter up = new TreeFormatter();
      for (int i = 0; i < 10; i++) {
        up.append("d" + i, FileMode.TREE, t);
      }
      t = ins.insert(up);
    }
    return t;
  }

  public static ObjectId commit(ObjectInserter ins, ObjectId tree, ObjectId... parents)
      throws Exception {
    CommitBuilder cb = new CommitBuilder();
    cb.setTreeId(tree);
    cb.setParentIds(parents);
    PersonIdent who = new PersonIdent("t", "t@example.org");
    cb.setAuthor(who);
    cb.setCommitter(who);
    cb.setMessage("bomb\n");
    return ins.insert(cb);
  }

  @Test
  void
      a_git_bomb_touches_everything_instead_of_listing_a_billion_paths_and_one_in_a_parent_costs_nothing()
          throws Exception {
    Path bare = tmp.resolve("demo.git");
    ObjectId bombCommit;
    ObjectId onTop;
    try (Repository repo = FileRepositoryBuilder.create(bare.toFile())) {
      repo.create(true);
      try (ObjectInserter ins = repo.newObjectInserter()) {
        ObjectId bombTree = bomb(ins, 8);
        bombCommit = commit(ins, bombTree);
        // The change itself adds a README; the bomb sits in its parent.
        ObjectId readme = ins.insert(Constants.OBJ_BLOB, "hi\n".getBytes(StandardCharsets.UTF_8));
        TreeFormatter withReadme = new TreeFormatter();
        for (int i = 0; i < 10; i++) {
          withReadme.append("d" + i, FileMode.TREE, subtree(repo, ins, bombTree, "d" + i));
        }
        withReadme.append("zz-README", FileMode.REGULAR_FILE, readme);
        onTop = commit(ins, ins.insert(withReadme), bombCommit);
        ins.flush();
      }
      RefUpdate u = repo.updateRef("refs/heads/main");
      u.setNewObjectId(onTop);
      u.forceUpdate();
    }
    JGitRepoAccess access = new JGitRepoAccess(Map.of("local", Map.of("demo", bare)));
    long t0 = System.nanoTime();
    assertThat(access.changedFiles(new RepoRef("local", "demo"), bombCommit.name()))
        .as("past the cap: touches everything")
        .isEmpty();
    assertThat(access.changedFiles(new RepoRef("local", "demo"), onTop.name()))
        .containsExactly("zz-README");
    // Not a timing assertion (shared machine): a billion paths would take hours and all memory.
    assertThat((System.nanoTime() - t0) / 1_000_000_000L).isLessThan(60);
  }

  @Test
  void the_count_from_distinct_trees_agrees_with_the_walk_at_the_cap() throws Exception {
    int max = JGitRepoAccess.MAX_DIFF_ENTRIES;
    Path bare = tmp.resolve("wide.git");
    ObjectId[] roots = new ObjectId[2];
    ObjectId[] commits = new ObjectId[2];
    try (Repository repo = FileRepositoryBuilder.create(bare.toFile())) {
      repo.create(true);
      try (ObjectInserter ins = repo.newObjectInserter()) {
        ObjectId blob = ins.insert(Constants.OBJ_BLOB, "x\n".getBytes(StandardCharsets.UTF_8));
        for (int k = 0; k < 2; k++) {
          // "d" and max - 1 (then max) files in it: the walk visits max (then max + 1) entries
          TreeFormatter inner = new TreeFormatter();
          for (int i = 0; i < max - 1 + k; i++) {
            inner.append(String.format("f%06d", i), FileMode.REGULAR_FILE, blob);
          }
          TreeFormatter root = new TreeFormatter();
          root.append("d", FileMode.TREE, ins.insert(inner));
          roots[k] = ins.insert(root);
          commits[k] = commit(ins, roots[k]);
        }
        ins.flush();
      }
      try (org.eclipse.jgit.lib.ObjectReader reader = repo.newObjectReader()) {
        assertThat(new JGitRepoAccess.DiffSize(reader).tooBig(null, roots[0])).isFalse();
        assertThat(new JGitRepoAccess.DiffSize(reader).tooBig(null, roots[1])).isTrue();
      }
    }
    JGitRepoAccess access = new JGitRepoAccess(Map.of("local", Map.of("demo", bare)));
    assertThat(access.changedFiles(new RepoRef("local", "demo"), commits[0].name()))
        .hasSize(max - 1);
    assertThat(access.changedFiles(new RepoRef("local", "demo"), commits[1].name())).isEmpty();
  }

  private static ObjectId subtree(Repository repo, ObjectInserter ins, ObjectId tree, String name)
      throws Exception {
    ins.flush();
    try (org.eclipse.jgit.revwalk.RevWalk rw = new org.eclipse.jgit.revwalk.RevWalk(repo);
        org.eclipse.jgit.treewalk.TreeWalk tw =
            org.eclipse.jgit.treewalk.TreeWalk.forPath(repo, name, rw.parseTree(tree))) {
      return tw.getObjectId(0);
    }
  }
}
