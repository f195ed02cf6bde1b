package org.seakeeper.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import static org.seakeeper.testing.TestGit.git;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.Merger;

/** Speculative states with real git repositories. */
class JGitMergerTest {
  @TempDir Path tmp;


  private ChangeRef change(Path work, Path bare, String name, String file, String content) throws Exception {
    git(work, "checkout", "-q", "-B", name, "main");
    Files.writeString(work.resolve(file), content);
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", name);
    git(work, "push", "-q", "--force", bare.toString(), "HEAD:refs/for/main");
    return new ChangeRef("local", "demo", "main", name, "1", git(work, "rev-parse", "HEAD"));
  }

  @Test
  void changes_merge_in_order_onto_the_branch_and_conflicts_name_the_change_and_files() throws Exception {
    Path bare = tmp.resolve("demo.git");
    git(tmp, "init", "-q", "--bare", "--initial-branch=main", bare.toString());
    Path work = Files.createDirectories(tmp.resolve("work"));
    git(work, "init", "-q", "--initial-branch=main", ".");
    Files.writeString(work.resolve("shared.txt"), "base\n");
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", "base");
    git(work, "push", "-q", bare.toString(), "HEAD:refs/heads/main");
    ChangeRef a = change(work, bare, "A", "a.txt", "a\n");
    ChangeRef b = change(work, bare, "B", "b.txt", "b\n");
    ChangeRef x = change(work, bare, "X", "shared.txt", "x\n");
    ChangeRef y = change(work, bare, "Y", "shared.txt", "y\n");

    JGitMerger m = new JGitMerger(Map.of("local", Map.of("demo", bare)));
    Merger.Result r = m.speculate("local", "demo", "main", List.of(a, b));
    assertThat(r).isInstanceOf(Merger.Merged.class);
    String commit = ((Merger.Merged) r).commit();
    assertThat(git(bare, "ls-tree", "--name-only", commit).lines()).containsExactlyInAnyOrder("a.txt", "b.txt", "shared.txt");
    assertThat(git(bare, "rev-parse", "refs/seakeeper/speculative/" + commit)).isEqualTo(commit);

    Merger.Result c = m.speculate("local", "demo", "main", List.of(a, x, y));
    assertThat(c).isEqualTo(new Merger.Conflict(y, List.of("shared.txt")));
  }
}
