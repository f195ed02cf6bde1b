package org.seakeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.git.GitBombDiffTest;

/** A git bomb is refused before the snapshot checks anything out. */
class GitBombSnapshotTest {
  @TempDir Path tmp;

  @Test
  void a_commit_whose_tree_is_a_git_bomb_is_refused_before_anything_is_checked_out()
      throws Exception {
    Path bare = tmp.resolve("demo.git");
    ObjectId bomb;
    try (Repository repo = FileRepositoryBuilder.create(bare.toFile())) {
      repo.create(true);
      try (ObjectInserter ins = repo.newObjectInserter()) {
        bomb = GitBombDiffTest.commit(ins, GitBombDiffTest.bomb(ins, 8));
        ins.flush();
      }
    }
    Path dir = tmp.resolve("snapshot");
    assertThatThrownBy(() -> GitSnapshot.make(bare, bomb.name(), dir))
        .isInstanceOf(LimitExceeded.class)
        .hasMessageContaining("more than " + GitSnapshot.MAX_TREE_ENTRIES + " files");
    assertThat(dir).as("nothing checked out, not even the directory made").doesNotExist();
  }

  @Test
  void a_deep_tree_is_refused_too() throws Exception {
    Path bare = tmp.resolve("deep.git");
    ObjectId deep;
    try (Repository repo = FileRepositoryBuilder.create(bare.toFile())) {
      repo.create(true);
      try (ObjectInserter ins = repo.newObjectInserter()) {
        ObjectId blob = ins.insert(org.eclipse.jgit.lib.Constants.OBJ_BLOB, new byte[] {'x'});
        org.eclipse.jgit.lib.TreeFormatter leaf = new org.eclipse.jgit.lib.TreeFormatter();
        leaf.append("f", org.eclipse.jgit.lib.FileMode.REGULAR_FILE, blob);
        ObjectId t = ins.insert(leaf);
        for (int i = 0; i < 200; i++) {
          org.eclipse.jgit.lib.TreeFormatter up = new org.eclipse.jgit.lib.TreeFormatter();
          up.append("d", org.eclipse.jgit.lib.FileMode.TREE, t);
          t = ins.insert(up);
        }
        deep = GitBombDiffTest.commit(ins, t);
        ins.flush();
      }
    }
    assertThatThrownBy(() -> GitSnapshot.checkTree(bare, deep.name(), 1_000, 128))
        .isInstanceOf(LimitExceeded.class)
        .hasMessageContaining("128 directories deep");
  }
}
