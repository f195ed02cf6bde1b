package org.seakeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.testing.TestGit.git;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots hold the commit under test and its history, and nothing else of the source. */
class GitSnapshotTest {
  @TempDir Path tmp;

  @Test
  void an_unreferenced_patch_set_builds_and_other_branches_stay_out() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work"));
    Path bare = tmp.resolve("bare.git");
    git(tmp, "init", "-q", "--bare", bare.toString());
    git(work, "init", "-q", "--initial-branch=main", ".");
    Files.writeString(work.resolve("a.txt"), "main\n");
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", "main");
    git(work, "push", "-q", bare.toString(), "HEAD:refs/heads/main");
    git(work, "checkout", "-q", "-b", "secret");
    Files.writeString(work.resolve("secret.txt"), "embargoed\n");
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", "secret");
    git(work, "push", "-q", bare.toString(), "HEAD:refs/heads/secret");
    git(work, "checkout", "-q", "main");
    Files.writeString(work.resolve("a.txt"), "patch set 1\n");
    git(work, "commit", "-q", "-am", "ps1");
    String ps1 = git(work, "rev-parse", "HEAD");
    git(work, "push", "-q", bare.toString(), "HEAD:refs/for/main");
    git(work, "commit", "-q", "--amend", "-m", "ps2");
    git(work, "push", "-q", "--force", bare.toString(), "HEAD:refs/for/main");

    Path snap = tmp.resolve("snap");
    GitSnapshot.make(bare, ps1, snap);
    assertThat(Files.readString(snap.resolve("a.txt"))).isEqualTo("patch set 1\n");
    assertThat(git(snap, "rev-parse", "HEAD")).isEqualTo(ps1);
    assertThat(git(snap, "log", "--format=%s")).isEqualTo("ps1\nmain");
    assertThat(git(snap, "for-each-ref", "--format=%(refname)")).isEqualTo("refs/heads/seakeeper");
    assertThat(git(snap, "cat-file", "--batch-all-objects", "--batch-check"))
        .doesNotContain(git(bare, "rev-parse", "refs/heads/secret"));
    assertThat(snap.resolve(".git/objects/info/alternates")).doesNotExist();
  }
}
