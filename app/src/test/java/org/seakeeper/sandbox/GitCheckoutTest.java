package org.seakeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.testing.TestGit.git;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.Tier;

/**
 * A job's workspace holds the commit under test and its last commits (all of them when asked), and
 * nothing else of the source; it is checked out in the sandbox as the tier's user, so its start
 * does not depend on the length of the repository's history.
 */
class GitCheckoutTest {
  @TempDir Path tmp;
  static SandboxFixture sandbox;

  @BeforeAll
  static void start() throws Exception {
    sandbox = new SandboxFixture();
  }

  @AfterAll
  static void stop() throws Exception {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  private SandboxFixture.Outcome job(String script, Checkout c) throws Exception {
    return sandbox.run(sandbox.request(script, Tier.UNTRUSTED, false, Duration.ofSeconds(60), c));
  }

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
    String secret = git(bare, "rev-parse", "refs/heads/secret");

    SandboxFixture.Outcome o =
        job(
            """
            cat a.txt
            echo "head $(git rev-parse HEAD)"
            git log --format='log %s'
            git for-each-ref --format='ref %(refname)'
            git cat-file --batch-all-objects --batch-check | sed 's/^/obj /'
            test ! -e .git/objects/info/alternates && echo no-alternates
            git status --porcelain | sed 's/^/dirty /'
            echo "owner $(stat -c %u .)"
            """,
            Checkout.gitCommit(bare.toString(), ps1));
    assertThat(o.result().outcome()).isInstanceOf(JobOutcome.Succeeded.class);
    assertThat(o.lines())
        .contains(
            "patch set 1",
            "head " + ps1,
            "log ps1",
            "log main",
            "ref refs/heads/seakeeper",
            "no-alternates");
    assertThat(o.lines()).filteredOn(l -> l.startsWith("ref ")).hasSize(1);
    assertThat(o.lines()).filteredOn(l -> l.startsWith("dirty ")).isEmpty();
    assertThat(o.text()).doesNotContain(secret);
  }

  /** A linear history of {@code n} commits, each adding one file, written with fast-import. */
  static Path history(Path dir, int n) throws Exception {
    Path bare = dir.resolve("history-" + n + ".git");
    git(dir, "init", "-q", "--bare", bare.toString());
    StringBuilder s = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      String msg = "commit " + i;
      String content = "file " + i + "\n";
      s.append("commit refs/heads/main\nmark :").append(i).append('\n');
      s.append("committer A <a@example.org> ").append(1_700_000_000L + i).append(" +0000\n");
      s.append("data ").append(msg.length()).append('\n').append(msg).append('\n');
      if (i > 1) {
        s.append("from :").append(i - 1).append('\n');
      }
      s.append("M 100644 inline f/").append(i % 100).append("/").append(i).append(".txt\n");
      s.append("data ").append(content.length()).append('\n').append(content).append('\n');
    }
    Process p =
        new ProcessBuilder("git", "--git-dir=" + bare, "fast-import", "--quiet")
            .redirectErrorStream(true)
            .start();
    try (var in = p.getOutputStream()) {
      in.write(s.toString().getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return bare;
  }

  @Test
  void a_long_history_gives_the_last_twenty_commits_and_all_of_it_when_asked() throws Exception {
    int n = 5_000;
    Path bare = history(tmp, n);
    String head = git(bare, "rev-parse", "refs/heads/main");
    String script =
        """
        echo "files $(git ls-files | wc -l)"
        echo "on-disk $(find f -type f | wc -l)"
        echo "commits $(git rev-list --count HEAD)"
        echo "shallow $(git rev-parse --is-shallow-repository)"
        git status --porcelain | sed 's/^/dirty /'
        """;
    SandboxFixture.Outcome shallow = job(script, Checkout.gitCommit(bare.toString(), head));
    assertThat(shallow.result().outcome()).isInstanceOf(JobOutcome.Succeeded.class);
    assertThat(shallow.lines())
        .contains("files " + n, "on-disk " + n, "commits 20", "shallow true");
    assertThat(shallow.lines()).filteredOn(l -> l.startsWith("dirty ")).isEmpty();

    SandboxFixture.Outcome full =
        job(script, Checkout.gitCommit(bare.toString(), head).withDepth(0));
    assertThat(full.lines()).contains("files " + n, "commits " + n, "shallow false");

    SandboxFixture.Outcome one =
        job(script, Checkout.gitCommit(bare.toString(), head).withDepth(1));
    assertThat(one.lines()).contains("files " + n, "commits 1", "shallow true");
  }

  @Test
  void root_owns_every_directory_it_makes_and_the_tier_user_only_its_job_directories()
      throws Exception {
    HostUser user = new HostUsers().forTier(Tier.UNTRUSTED);
    Assumptions.assumeTrue(user.switchUser(), "only as root are there tier users");
    Path bare = history(tmp, 3);
    String head = git(bare, "rev-parse", "refs/heads/main");
    var req =
        sandbox.request(
            "echo ready; sleep 30",
            Tier.UNTRUSTED,
            false,
            Duration.ofSeconds(60),
            Checkout.gitCommit(bare.toString(), head));
    java.util.List<String> lines =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
    Executor.Execution ex =
        sandbox.executor.start(
            req,
            line -> {
              lines.add(line);
              if (line.equals("ready")) {
                ready.countDown();
              }
            });
    try {
      assertThat(ready.await(60, TimeUnit.SECONDS)).as("the job started: " + lines).isTrue();
      Path tierDir = sandbox.workRoot.resolve("untrusted").resolve("untrusted");
      Path exec;
      try (var s = Files.list(tierDir)) {
        exec =
            s.filter(p -> p.getFileName().toString().startsWith(req.id()))
                .findFirst()
                .orElseThrow();
      }
      for (Path rootDir : new Path[] {sandbox.workRoot.resolve("untrusted"), tierDir, exec}) {
        assertThat(Files.getAttribute(rootDir, "unix:uid", LinkOption.NOFOLLOW_LINKS))
            .as(rootDir + " is root's")
            .isEqualTo(0);
      }
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tierDir)))
          .isEqualTo("rwx--x---");
      assertThat(Files.getAttribute(tierDir, "unix:gid")).isEqualTo(user.gid());
      for (String mine : new String[] {"workspace", "deps"}) {
        assertThat(Files.getAttribute(exec.resolve(mine), "unix:uid", LinkOption.NOFOLLOW_LINKS))
            .as(mine + " is the tier user's")
            .isEqualTo(user.uid());
      }
      assertThat(Files.getAttribute(exec.resolve("job.sh"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
          .isEqualTo(0);
      assertThat(exec.resolve("prepare")).isDirectory();
      assertThat(Files.getAttribute(exec.resolve("prepare"), "unix:uid")).isEqualTo(0);
      try (var s = Files.list(exec.resolve("prepare"))) {
        assertThat(s.map(p -> p.getFileName().toString()))
            .as("the packs are gone once checked out")
            .noneMatch(n -> n.endsWith(".pack"));
      }
    } finally {
      ex.cancel();
      ex.result().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }
}
