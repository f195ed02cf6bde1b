package org.seakeeper.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.testing.TestGit.git;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ResolveMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.Merger;
import org.seakeeper.core.model.RepoRef;

/**
 * The tree-level merge gives JGit's ResolveMerger tree (and git merge-tree's) wherever it answers,
 * and leaves every path changed on both sides to ResolveMerger; JGitMerger, which uses both, gives
 * ResolveMerger's result on every shape.
 */
class TreeMergeTest {
  @TempDir Path tmp;

  /**
   * A base commit, then "ours" (the branch tip) and "theirs" (the change), each a shell script on
   * the base.
   */
  record Shape(String name, String ours, String theirs, boolean treeLevel) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final String BASE =
      "mkdir -p d1 d2 d4 && echo a >d1/a && echo b >d2/b && echo x >d4/x && echo y >d4/y && seq 1"
          + " 10 >lines";

  static Stream<Shape> shapes() {
    return Stream.of(
        new Shape("adds in different directories", "echo o >d1/new", "echo t >d2/new", true),
        new Shape("adds in the same directory", "echo o >d1/o", "echo t >d1/t", true),
        new Shape("a delete beside an add", "rm d1/a", "echo t >d2/new", true),
        new Shape(
            "a rename (delete+add) beside an edit",
            "mkdir d3 && mv d1/a d3/a2",
            "echo more >>d2/b",
            true),
        new Shape(
            "a file becomes a directory",
            "rm d1/a && mkdir d1/a && echo in >d1/a/inner",
            "echo t >d2/new",
            true),
        new Shape(
            "a directory becomes a file", "rm -r d2 && echo file >d2", "echo t >d1/new", true),
        new Shape("the executable bit", "chmod +x d1/a", "echo t >d2/new", true),
        new Shape("a symlink added", "ln -s a d1/link", "echo t >d2/new", true),
        new Shape("each side empties part of a directory", "rm d4/x", "rm d4/y", true),
        new Shape("both sides make the same change", "echo same >>d1/a", "echo same >>d1/a", true),
        new Shape("both sides add the same file", "echo t >d2/new", "echo t >d2/new", true),
        new Shape(
            "different lines of one file",
            "sed -i 1s/1/one/ lines",
            "sed -i 10s/10/ten/ lines",
            false),
        new Shape("the executable bit against an edit", "chmod +x d1/a", "echo more >>d1/a", false),
        new Shape("a conflict in one file", "echo o >d1/a", "echo t >d1/a", false),
        new Shape("different adds of one path", "echo o >d1/n", "echo t >d1/n", false),
        new Shape("an edit against a delete", "echo more >>d1/a", "rm d1/a", false),
        new Shape(
            "a rename against an edit of the renamed file",
            "mv d1/a d1/a2",
            "echo more >>d1/a",
            false),
        new Shape(
            "a file against a directory",
            "echo f >d1/n",
            "mkdir d1/n && echo in >d1/n/inner",
            false),
        new Shape(
            "a directory deleted against an edit in it", "rm -r d4", "echo more >>d4/x", false));
  }

  private static void sh(Path dir, String script) throws Exception {
    Process p =
        new ProcessBuilder("bash", "-c", "set -e; " + script)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(script + ": " + out).isZero();
  }

  private static String commitOn(Path work, String from, String branch, String script)
      throws Exception {
    git(work, "checkout", "-q", "-B", branch, from);
    sh(work, script);
    git(work, "add", "-A");
    git(work, "commit", "-q", "--allow-empty", "-m", branch);
    return git(work, "rev-parse", "HEAD");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void the_tree_level_merge_agrees_with_resolve_merger_and_git(Shape shape) throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work"));
    git(work, "init", "-q", "--initial-branch=main", ".");
    sh(work, BASE);
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", "base");
    String ours = commitOn(work, "main", "ours", shape.ours());
    String theirs = commitOn(work, "main", "theirs", shape.theirs());

    ObjectId resolved;
    List<String> conflicts;
    Optional<ObjectId> treeLevel;
    try (Repository repo = GitDirs.open(work);
        ObjectInserter ins = repo.newObjectInserter();
        ObjectReader reader = ins.newReader();
        RevWalk walk = new RevWalk(reader)) {
      RevCommit o = walk.parseCommit(ObjectId.fromString(ours));
      RevCommit t = walk.parseCommit(ObjectId.fromString(theirs));
      ResolveMerger m = (ResolveMerger) MergeStrategy.RECURSIVE.newMerger(ins, repo.getConfig());
      boolean clean = m.merge(o, t);
      resolved = clean ? m.getResultTreeId() : null;
      conflicts = clean ? List.of() : List.copyOf(m.getUnmergedPaths());
      walk.reset();
      walk.setRevFilter(RevFilter.MERGE_BASE);
      walk.markStart(o);
      walk.markStart(t);
      RevCommit base = walk.parseCommit(walk.next());
      treeLevel = TreeMerge.merge(reader, ins, base.getTree(), o.getTree(), t.getTree());
      ins.flush();
    }

    assertThat(treeLevel)
        .as("answered at the tree level")
        .isEqualTo(shape.treeLevel() ? Optional.of(resolved) : Optional.empty());
    if (shape.treeLevel()) {
      assertThat(treeLevel.get().name())
          .as("git merge-tree's tree")
          .isEqualTo(git(work, "merge-tree", "--write-tree", ours, theirs));
    }
    ChangeRef change = new ChangeRef("local", "demo", "main", "1", "1", theirs);
    Merger.Result r =
        new JGitMerger(Map.of("local", Map.of("demo", work)))
            .speculate(new RepoRef("local", "demo"), "ours", List.of(change));
    if (resolved == null) {
      assertThat(r).isEqualTo(new Merger.Conflict(change, conflicts));
      assertThat(conflicts).isNotEmpty();
    } else {
      assertThat(r).isInstanceOf(Merger.Merged.class);
      assertThat(git(work, "rev-parse", ((Merger.Merged) r).commit() + "^{tree}"))
          .isEqualTo(resolved.name());
    }
  }
}
