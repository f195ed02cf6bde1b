package org.seakeeper.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.seakeeper.testing.TestGit.git;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.model.RepoRef;

/** Private repositories of embargoed changes: patches apply there and nowhere else. */
class EmbargoReposTest {
  private static final PersonIdent ADMIN = new PersonIdent("admin", "admin@seakeeper");
  private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

  @TempDir Path tmp;
  Path served;
  Path work;
  EmbargoRepos repos;

  @BeforeEach
  void repo() throws Exception {
    served = tmp.resolve("demo.git");
    git(tmp, "init", "-q", "--bare", "--initial-branch=main", served.toString());
    work = Files.createDirectories(tmp.resolve("work"));
    git(work, "init", "-q", "--initial-branch=main", ".");
    Files.writeString(work.resolve("a.txt"), "one\ntwo\nthree\n");
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", "base");
    git(work, "push", "-q", served.toString(), "HEAD:refs/heads/main");
    git(work, "tag", "-a", "-m", "v1", "v1.0");
    git(work, "push", "-q", served.toString(), "v1.0");
    repos = new EmbargoRepos(tmp.resolve("data/embargo/repos"));
  }

  /** Two commits on a local branch, exported with format-patch; the branch is then deleted. */
  private byte[] series() throws Exception {
    git(work, "checkout", "-q", "-b", "fix");
    Files.writeString(work.resolve("a.txt"), "one\nTWO\nthree\n");
    git(
        work,
        "-c",
        "user.name=Sec Team",
        "-c",
        "user.email=sec@example.org",
        "commit",
        "-q",
        "-am",
        "Fix the frobnicator\n\nIt trusted its input.");
    Files.writeString(work.resolve("b.txt"), "new file\n");
    git(work, "add", "b.txt");
    git(
        work,
        "-c",
        "user.name=Sec Team",
        "-c",
        "user.email=sec@example.org",
        "commit",
        "-q",
        "-m",
        "Add a regression test");
    byte[] mbox =
        git(work, "format-patch", "--stdout", "main..fix").getBytes(StandardCharsets.UTF_8);
    git(work, "checkout", "-q", "main");
    git(work, "branch", "-q", "-D", "fix");
    return mbox;
  }

  @Test
  void a_format_patch_series_becomes_one_commit_each_with_its_author_in_the_private_repo_only()
      throws Exception {
    String refsBefore = git(served, "for-each-ref");
    String objectsBefore = git(served, "count-objects", "-v");
    EmbargoRepos.Applied a = repos.apply(served, "demo", "main", "e1", series(), ADMIN, NOW);
    assertThat(a.patches()).isEqualTo(2);
    assertThat(a.baseRef()).isEqualTo("refs/heads/main");
    assertThat(a.baseCommit()).isEqualTo(git(served, "rev-parse", "main").strip());
    assertThat(repos.resolve(new RepoRef(TriggerEvent.EMBARGOED, "demo"), "refs/embargoed/e1"))
        .contains(a.commit());
    assertThat(repos.resolve(new RepoRef(TriggerEvent.EMBARGOED, "demo"), "refs/embargo-bases/e1"))
        .as("only embargoed changes resolve (a manual trigger finds nothing else)")
        .isEmpty();
    assertThat(repos.resolve(new RepoRef(TriggerEvent.EMBARGOED, "demo"), "main")).isEmpty();
    assertThat(repos.readFile(new RepoRef(TriggerEvent.EMBARGOED, "demo"), a.commit(), "a.txt"))
        .hasValueSatisfying(
            b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("one\nTWO\nthree\n"));
    assertThat(repos.changedFiles(new RepoRef(TriggerEvent.EMBARGOED, "demo"), a.commit()))
        .containsExactly("b.txt");
    Path priv = repos.path("demo");
    assertThat(git(priv, "log", "-2", "--format=%an <%ae>|%s", a.commit()).strip())
        .isEqualTo(
            "Sec Team <sec@example.org>|Add a regression test\n"
                + "Sec Team <sec@example.org>|Fix the frobnicator");
    assertThat(git(priv, "log", "-1", "--format=%b", a.commit() + "~1").strip())
        .isEqualTo("It trusted its input.");
    // the served repository is exactly as it was: same refs, no new objects
    assertThat(git(served, "for-each-ref")).isEqualTo(refsBefore);
    assertThat(git(served, "count-objects", "-v")).isEqualTo(objectsBefore);
    assertThat(
            new ProcessBuilder("git", "-C", served.toString(), "cat-file", "-e", a.commit())
                .start()
                .waitFor())
        .isNotZero();
    assertThat(Files.getPosixFilePermissions(tmp.resolve("data/embargo/repos")).toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE, OWNER_EXECUTE]");
  }

  @Test
  void a_plain_diff_applies_onto_a_tag() throws Exception {
    Files.writeString(work.resolve("a.txt"), "one\ntwo\nthree\nfour\n");
    byte[] diff = git(work, "diff").getBytes(StandardCharsets.UTF_8);
    git(work, "checkout", "-q", "--", "a.txt");
    EmbargoRepos.Applied a = repos.apply(served, "demo", "v1.0", "e2", diff, ADMIN, NOW);
    assertThat(a.baseRef()).isEqualTo("refs/tags/v1.0");
    assertThat(a.patches()).isEqualTo(1);
    assertThat(git(repos.path("demo"), "log", "-1", "--format=%an|%s", a.commit()).strip())
        .isEqualTo("admin|Embargoed change");
  }

  @Test
  void unknown_bases_and_patches_that_do_not_apply_or_parse_are_refused_with_the_reason()
      throws Exception {
    byte[] mbox = series();
    assertThatThrownBy(() -> repos.apply(served, "demo", "nope", "e3", mbox, ADMIN, NOW))
        .isInstanceOfSatisfying(
            EmbargoRepos.Refused.class,
            r -> {
              assertThat(r.status()).isEqualTo(404);
              assertThat(r.getMessage()).contains("nope");
            });
    String other = new String(mbox, StandardCharsets.UTF_8).replace("-two\n", "-zwei\n");
    assertThatThrownBy(
            () ->
                repos.apply(
                    served,
                    "demo",
                    "main",
                    "e4",
                    other.getBytes(StandardCharsets.UTF_8),
                    ADMIN,
                    NOW))
        .isInstanceOfSatisfying(
            EmbargoRepos.Refused.class,
            r -> {
              assertThat(r.status()).isEqualTo(422);
              assertThat(r.getMessage()).contains("Patch 1 of 2 does not apply to refs/heads/main");
            });
    assertThatThrownBy(
            () ->
                repos.apply(
                    served,
                    "demo",
                    "main",
                    "e5",
                    "hello, not a patch\n".getBytes(StandardCharsets.UTF_8),
                    ADMIN,
                    NOW))
        .isInstanceOfSatisfying(
            EmbargoRepos.Refused.class,
            r -> {
              assertThat(r.status()).isEqualTo(422);
              assertThat(r.getMessage()).contains("changes no file");
            });
    assertThat(repos.resolve(new RepoRef(TriggerEvent.EMBARGOED, "demo"), "refs/embargoed/e4"))
        .isEmpty();
  }
}
