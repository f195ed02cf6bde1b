package org.seakeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.git.GitBombDiffTest;

/** A git bomb is refused before anything is packed or checked out. */
class GitBombCheckoutTest {
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
    assertThatThrownBy(() -> GitPack.checkTree(bare, bomb.name(), GitPack.Limits.DEFAULT))
        .isInstanceOf(LimitExceeded.class)
        .hasMessageContaining("more than " + GitPack.MAX_TREE_ENTRIES + " files");
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
    assertThatThrownBy(
            () -> GitPack.checkTree(bare, deep.name(), new GitPack.Limits(1_000, 128, 1 << 20)))
        .isInstanceOf(LimitExceeded.class)
        .hasMessageContaining("128 directories deep");
  }

  @Test
  void a_tree_whose_files_add_up_past_the_byte_limit_is_refused() throws Exception {
    Path bare = tmp.resolve("big.git");
    ObjectId big;
    try (Repository repo = FileRepositoryBuilder.create(bare.toFile())) {
      repo.create(true);
      try (ObjectInserter ins = repo.newObjectInserter()) {
        org.eclipse.jgit.lib.TreeFormatter t = new org.eclipse.jgit.lib.TreeFormatter();
        for (String name : new String[] {"a", "b", "c"}) {
          byte[] content = new byte[1024];
          content[0] = (byte) name.charAt(0);
          t.append(
              name,
              org.eclipse.jgit.lib.FileMode.REGULAR_FILE,
              ins.insert(org.eclipse.jgit.lib.Constants.OBJ_BLOB, content));
        }
        big = GitBombDiffTest.commit(ins, ins.insert(t));
        ins.flush();
      }
    }
    GitPack.checkTree(bare, big.name(), new GitPack.Limits(10, 8, 3 * 1024));
    assertThatThrownBy(() -> GitPack.checkTree(bare, big.name(), new GitPack.Limits(10, 8, 2048)))
        .isInstanceOf(LimitExceeded.class)
        .hasMessageContaining("the commit's files add up to more than");
  }

  @Test
  void a_subtree_met_again_counts_again_and_a_bomb_of_a_billion_paths_is_refused_at_once()
      throws Exception {
    Path bare = tmp.resolve("shared.git");
    ObjectId shared;
    ObjectId billion;
    try (Repository repo = FileRepositoryBuilder.create(bare.toFile())) {
      repo.create(true);
      try (ObjectInserter ins = repo.newObjectInserter()) {
        org.eclipse.jgit.lib.TreeFormatter leaf = new org.eclipse.jgit.lib.TreeFormatter();
        leaf.append(
            "a",
            org.eclipse.jgit.lib.FileMode.REGULAR_FILE,
            ins.insert(org.eclipse.jgit.lib.Constants.OBJ_BLOB, new byte[100]));
        leaf.append(
            "b",
            org.eclipse.jgit.lib.FileMode.REGULAR_FILE,
            ins.insert(org.eclipse.jgit.lib.Constants.OBJ_BLOB, new byte[200]));
        ObjectId two = ins.insert(leaf);
        org.eclipse.jgit.lib.TreeFormatter root = new org.eclipse.jgit.lib.TreeFormatter();
        for (String d : new String[] {"x", "y", "z"}) {
          root.append(d, org.eclipse.jgit.lib.FileMode.TREE, two);
        }
        shared = GitBombDiffTest.commit(ins, ins.insert(root));
        billion = GitBombDiffTest.commit(ins, GitBombDiffTest.bomb(ins, 9));
        ins.flush();
      }
    }
    // 3 x {a: 100 bytes, b: 200 bytes}: 6 files, 900 bytes, each counted although read once
    GitPack.checkTree(bare, shared.name(), new GitPack.Limits(6, 8, 900));
    assertThatThrownBy(() -> GitPack.checkTree(bare, shared.name(), new GitPack.Limits(5, 8, 900)))
        .hasMessageContaining("more than 5 files");
    assertThatThrownBy(() -> GitPack.checkTree(bare, shared.name(), new GitPack.Limits(6, 8, 899)))
        .hasMessageContaining("add up to more than");
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> GitPack.checkTree(bare, billion.name(), GitPack.Limits.DEFAULT))
        .isInstanceOf(LimitExceeded.class)
        .hasMessageContaining("more than " + GitPack.MAX_TREE_ENTRIES + " files");
    System.out.printf(
        "a git bomb of 10^9 paths refused in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void a_path_longer_than_64_kib_is_refused() throws Exception {
    Path bare = tmp.resolve("long.git");
    ObjectId deep;
    try (Repository repo = FileRepositoryBuilder.create(bare.toFile())) {
      repo.create(true);
      try (ObjectInserter ins = repo.newObjectInserter()) {
        org.eclipse.jgit.lib.TreeFormatter leaf = new org.eclipse.jgit.lib.TreeFormatter();
        leaf.append(
            "f",
            org.eclipse.jgit.lib.FileMode.REGULAR_FILE,
            ins.insert(org.eclipse.jgit.lib.Constants.OBJ_BLOB, new byte[] {'x'}));
        ObjectId t = ins.insert(leaf);
        for (int i = 0; i < 3; i++) {
          org.eclipse.jgit.lib.TreeFormatter up = new org.eclipse.jgit.lib.TreeFormatter();
          up.append(
              String.valueOf((char) ('a' + i)).repeat(30_000),
              org.eclipse.jgit.lib.FileMode.TREE,
              t);
          t = ins.insert(up);
        }
        deep = GitBombDiffTest.commit(ins, t);
        ins.flush();
      }
    }
    assertThatThrownBy(() -> GitPack.checkTree(bare, deep.name(), GitPack.Limits.DEFAULT))
        .isInstanceOf(LimitExceeded.class)
        .hasMessageContaining("a path longer than " + GitPack.MAX_ENTRY_BYTES + " bytes");
  }
}
