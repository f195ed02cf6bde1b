package org.seakeeper.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.testing.TestGit.git;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.Merger;
import org.seakeeper.core.model.RepoRef;

/** Speculative states with real git repositories. */
class JGitMergerTest {
  @TempDir Path tmp;

  private ChangeRef change(Path work, Path bare, String name, String file, String content)
      throws Exception {
    git(work, "checkout", "-q", "-B", name, "main");
    Files.writeString(work.resolve(file), content);
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", name);
    git(work, "push", "-q", "--force", bare.toString(), "HEAD:refs/for/main");
    return new ChangeRef("local", "demo", "main", name, "1", git(work, "rev-parse", "HEAD"));
  }

  @Test
  void changes_merge_in_order_onto_the_branch_and_conflicts_name_the_change_and_files()
      throws Exception {
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
    Merger.Result r = m.speculate(new RepoRef("local", "demo"), "main", List.of(a, b));
    assertThat(r).isInstanceOf(Merger.Merged.class);
    String commit = ((Merger.Merged) r).commit();
    assertThat(git(bare, "ls-tree", "--name-only", commit).lines())
        .containsExactlyInAnyOrder("a.txt", "b.txt", "shared.txt");
    assertThat(git(bare, "rev-parse", "refs/seakeeper/speculative/" + commit)).isEqualTo(commit);

    Merger.Result c = m.speculate(new RepoRef("local", "demo"), "main", List.of(a, x, y));
    assertThat(c).isEqualTo(new Merger.Conflict(y, List.of("shared.txt")));
  }

  private Path repoWithBase() throws Exception {
    Path bare = tmp.resolve("demo.git");
    git(tmp, "init", "-q", "--bare", "--initial-branch=main", bare.toString());
    Path work = Files.createDirectories(tmp.resolve("work"));
    git(work, "init", "-q", "--initial-branch=main", ".");
    Files.createDirectories(work.resolve("src"));
    Files.writeString(work.resolve("shared.txt"), "base\n");
    Files.writeString(work.resolve("src/kept.txt"), "kept\n");
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", "base");
    git(work, "push", "-q", bare.toString(), "HEAD:refs/heads/main");
    return work;
  }

  /** Changes C1..Cn, each adding its own file under src/. */
  private List<ChangeRef> independentChanges(Path work, Path bare, int n) throws Exception {
    List<ChangeRef> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(change(work, bare, "C" + i, "src/c" + i + ".txt", "c" + i + "\n"));
    }
    return out;
  }

  private static String commitOf(Merger.Result r) {
    assertThat(r).isInstanceOf(Merger.Merged.class);
    return ((Merger.Merged) r).commit();
  }

  @Test
  void a_longer_queue_extends_the_states_already_merged_and_gives_what_a_fresh_merger_gives()
      throws Exception {
    Path work = repoWithBase();
    Path bare = tmp.resolve("demo.git");
    List<ChangeRef> all = independentChanges(work, bare, 6);
    Map<String, Map<String, Path>> repos = Map.of("local", Map.of("demo", bare));
    JGitMerger m = new JGitMerger(repos);
    List<String> states = new ArrayList<>();
    for (int k = 1; k <= all.size(); k++) {
      states.add(commitOf(m.speculate(new RepoRef("local", "demo"), "main", all.subList(0, k))));
    }
    // Each state is the previous one plus a merge: the first parent of state k is state k-1.
    for (int k = 1; k < states.size(); k++) {
      assertThat(git(bare, "rev-parse", states.get(k) + "^1")).isEqualTo(states.get(k - 1));
    }
    // Without any remembered step the same chain gives the same commits, all kept reachable.
    assertThat(commitOf(new JGitMerger(repos).speculate(new RepoRef("local", "demo"), "main", all)))
        .isEqualTo(states.getLast());
    for (String s : states) {
      assertThat(git(bare, "rev-parse", "refs/seakeeper/speculative/" + s)).isEqualTo(s);
    }
    // A reset: the queue without C3 is merged onto the state of C1, C2.
    List<ChangeRef> without = new ArrayList<>(all);
    without.remove(2);
    String reset = commitOf(m.speculate(new RepoRef("local", "demo"), "main", without));
    assertThat(git(bare, "rev-list", "--first-parent", "--count", states.get(1) + ".." + reset))
        .isEqualTo("3");
    assertThat(git(bare, "ls-tree", "-r", "--name-only", reset).lines())
        .containsExactlyInAnyOrder(
            "shared.txt",
            "src/kept.txt",
            "src/c1.txt",
            "src/c2.txt",
            "src/c4.txt",
            "src/c5.txt",
            "src/c6.txt");
  }

  @Test
  void prepared_chains_give_each_prefix_the_state_a_merger_without_preparation_gives()
      throws Exception {
    Path work = repoWithBase();
    Path bare = tmp.resolve("demo.git");
    List<ChangeRef> all = independentChanges(work, bare, 5);
    ChangeRef x = change(work, bare, "X", "shared.txt", "x\n");
    ChangeRef y = change(work, bare, "Y", "shared.txt", "y\n");
    all.addAll(List.of(x, y));
    Map<String, Map<String, Path>> repos = Map.of("local", Map.of("demo", bare));
    JGitMerger prepared = new JGitMerger(repos);
    prepared.prepare(new RepoRef("local", "demo"), "main", all);
    prepared.prepare(new RepoRef("nowhere", "demo"), "main", all); // a hint never fails
    JGitMerger plain = new JGitMerger(repos);
    for (int k = 1; k <= all.size(); k++) {
      assertThat(prepared.speculate(new RepoRef("local", "demo"), "main", all.subList(0, k)))
          .isEqualTo(plain.speculate(new RepoRef("local", "demo"), "main", all.subList(0, k)));
    }
    assertThat(prepared.speculate(new RepoRef("local", "demo"), "main", all))
        .isEqualTo(new Merger.Conflict(y, List.of("shared.txt")));
    String fifth =
        commitOf(prepared.speculate(new RepoRef("local", "demo"), "main", all.subList(0, 5)));
    assertThat(git(bare, "rev-parse", "refs/seakeeper/speculative/" + fifth)).isEqualTo(fifth);
  }

  @Test
  void a_moved_branch_tip_is_merged_onto_not_the_remembered_states() throws Exception {
    Path work = repoWithBase();
    Path bare = tmp.resolve("demo.git");
    ChangeRef a = change(work, bare, "A", "a.txt", "a\n");
    JGitMerger m = new JGitMerger(Map.of("local", Map.of("demo", bare)));
    String before = commitOf(m.speculate(new RepoRef("local", "demo"), "main", List.of(a)));
    git(work, "checkout", "-q", "main");
    Files.writeString(work.resolve("landed.txt"), "landed\n");
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", "landed");
    git(work, "push", "-q", bare.toString(), "HEAD:refs/heads/main");
    String tip = git(work, "rev-parse", "HEAD");

    String after = commitOf(m.speculate(new RepoRef("local", "demo"), "main", List.of(a)));
    assertThat(after).isNotEqualTo(before);
    assertThat(git(bare, "rev-parse", after + "^1")).isEqualTo(tip);
    assertThat(git(bare, "ls-tree", "--name-only", after).lines()).contains("landed.txt", "a.txt");
  }

  @Test
  void
      a_remembered_conflict_still_names_the_change_and_files_and_a_change_already_in_merges_to_nothing()
          throws Exception {
    Path work = repoWithBase();
    Path bare = tmp.resolve("demo.git");
    ChangeRef x = change(work, bare, "X", "shared.txt", "x\n");
    ChangeRef y = change(work, bare, "Y", "shared.txt", "y\n");
    JGitMerger m = new JGitMerger(Map.of("local", Map.of("demo", bare)));
    assertThat(m.speculate(new RepoRef("local", "demo"), "main", List.of(x, y)))
        .isEqualTo(new Merger.Conflict(y, List.of("shared.txt")));
    assertThat(m.speculate(new RepoRef("local", "demo"), "main", List.of(x, y)))
        .isEqualTo(new Merger.Conflict(y, List.of("shared.txt")));
    // The change of x is an ancestor of x's state: merging it again adds no commit.
    String once = commitOf(m.speculate(new RepoRef("local", "demo"), "main", List.of(x)));
    assertThat(commitOf(m.speculate(new RepoRef("local", "demo"), "main", List.of(x, x))))
        .isEqualTo(once);
  }

  @Test
  void states_pruned_from_the_repository_are_merged_again() throws Exception {
    Path work = repoWithBase();
    Path bare = tmp.resolve("demo.git");
    ChangeRef a = change(work, bare, "A", "a.txt", "a\n");
    git(work, "push", "-q", bare.toString(), a.commit() + ":refs/changes/A");
    ChangeRef b = change(work, bare, "B", "b.txt", "b\n");
    JGitMerger m = new JGitMerger(Map.of("local", Map.of("demo", bare)));
    String first = commitOf(m.speculate(new RepoRef("local", "demo"), "main", List.of(a)));
    git(bare, "update-ref", "-d", "refs/seakeeper/speculative/" + first);
    git(bare, "reflog", "expire", "--expire=now", "--all");
    git(bare, "gc", "-q", "--prune=now");
    assertThat(git(bare, "cat-file", "-t", a.commit()))
        .isEqualTo("commit"); // kept by refs/changes/A
    Merger.Result r = m.speculate(new RepoRef("local", "demo"), "main", List.of(a, b));
    String state = commitOf(r);
    assertThat(git(bare, "rev-parse", state + "^1"))
        .isEqualTo(first); // the same commit, made again
    assertThat(git(bare, "ls-tree", "--name-only", state).lines()).contains("a.txt", "b.txt");
  }
}
