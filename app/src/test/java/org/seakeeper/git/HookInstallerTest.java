package org.seakeeper.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.event.TriggerEvent.RefUpdated;
import org.seakeeper.core.model.ServerConfig;

/** Installing the hook next to what the repository already had, and git actually running it. */
class HookInstallerTest {
  @TempDir Path tmp;

  static void writeHook(Path file, String body) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  LocalGitConnection connect(Path repo, RecordingSink sink) {
    LocalGitConnection c =
        new LocalGitConnection(
            "local",
            List.of(new ServerConfig.Repo("demo", repo.toString())),
            tmp.resolve("state"),
            sink);
    c.start();
    return c;
  }

  @Test
  void an_existing_user_hook_keeps_running_with_the_same_input() throws Exception {
    GitFixture git = new GitFixture(tmp);
    Path demo = git.bare("demo");
    Path seen = tmp.resolve("seen-by-user-hook");
    writeHook(
        demo.resolve("hooks/reference-transaction"),
        "{ echo \"state $1\"; cat; } >> '" + seen + "'\n");
    RecordingSink sink = new RecordingSink();
    LocalGitConnection c = connect(demo, sink);
    try {
      GitFixture.Work work = git.work("work");
      String commit = work.commit("hello");
      work.push(demo, "HEAD:refs/heads/main");
      assertThat(((RefUpdated) sink.next()).newCommit()).isEqualTo(commit);
      assertThat(Files.readAllLines(seen))
          .containsSubsequence(
              "state prepared", GitFixture.ZEROS + " " + commit + " refs/heads/main",
              "state committed", GitFixture.ZEROS + " " + commit + " refs/heads/main");
      assertThat(demo.resolve("hooks/reference-transaction.user")).exists();
    } finally {
      c.stop();
    }
  }

  @Test
  void a_user_hook_that_refuses_an_update_still_refuses_it() throws Exception {
    GitFixture git = new GitFixture(tmp);
    Path demo = git.bare("demo");
    writeHook(
        demo.resolve("hooks/reference-transaction"),
        "[ \"$1\" = prepared ] && grep -q refs/heads/frozen && exit 1\nexit 0\n");
    RecordingSink sink = new RecordingSink();
    LocalGitConnection c = connect(demo, sink);
    try {
      GitFixture.Work work = git.work("work");
      work.commit("hello");
      assertThat(work.tryPush(demo, "HEAD:refs/heads/frozen").exit()).isNotZero();
      assertThat(git.tryRun(demo, "rev-parse", "--verify", "-q", "refs/heads/frozen").exit())
          .isNotZero();
      sink.assertNoMore(c);
      work.push(demo, "HEAD:refs/heads/main");
      assertThat(((RefUpdated) sink.next()).ref()).isEqualTo("refs/heads/main");
    } finally {
      c.stop();
    }
  }

  @Test
  void installing_again_changes_nothing() throws Exception {
    Path hooks = tmp.resolve("hooks");
    writeHook(hooks.resolve("reference-transaction"), "echo mine\n");
    assertThat(HookInstaller.install(hooks)).isEqualTo(HookInstaller.Result.CHAINED_EXISTING);
    assertThat(HookInstaller.install(hooks)).isEqualTo(HookInstaller.Result.UNCHANGED);
    assertThat(Files.readString(hooks.resolve("reference-transaction")))
        .isEqualTo(HookInstaller.script());
    assertThat(Files.readString(hooks.resolve("reference-transaction.user")))
        .isEqualTo("#!/bin/sh\necho mine\n");
    assertThat(Files.isExecutable(hooks.resolve("reference-transaction"))).isTrue();
    try (var files = Files.list(hooks)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("reference-transaction", "reference-transaction.user");
    }
  }

  @Test
  void an_older_seakeeper_hook_is_replaced_not_chained() throws Exception {
    Path hooks = tmp.resolve("hooks");
    writeHook(hooks.resolve("reference-transaction"), HookInstaller.MARKER + " v0\nexit 0\n");
    assertThat(HookInstaller.install(hooks)).isEqualTo(HookInstaller.Result.UPDATED);
    assertThat(Files.readString(hooks.resolve("reference-transaction")))
        .isEqualTo(HookInstaller.script());
    assertThat(hooks.resolve("reference-transaction.user")).doesNotExist();
  }

  @Test
  void a_foreign_hook_is_not_moved_over_an_existing_chained_hook() throws Exception {
    Path hooks = tmp.resolve("hooks");
    writeHook(hooks.resolve("reference-transaction"), "echo one\n");
    writeHook(hooks.resolve("reference-transaction.user"), "echo two\n");
    assertThatThrownBy(() -> HookInstaller.install(hooks))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("merge them");
    assertThat(Files.readString(hooks.resolve("reference-transaction"))).contains("echo one");
  }

  @Test
  void a_configured_hooks_path_is_where_the_hook_goes() throws Exception {
    GitFixture git = new GitFixture(tmp);
    Path demo = git.bare("demo");
    git.run(demo, "config", "core.hooksPath", "custom-hooks");
    RecordingSink sink = new RecordingSink();
    LocalGitConnection c = connect(demo, sink);
    try {
      assertThat(demo.resolve("custom-hooks/reference-transaction")).exists();
      GitFixture.Work work = git.work("work");
      work.commit("hello");
      work.push(demo, "HEAD:refs/heads/main");
      assertThat(((RefUpdated) sink.next()).ref()).isEqualTo("refs/heads/main");
    } finally {
      c.stop();
    }
  }

  @Test
  void an_unwritable_journal_refuses_the_update_instead_of_losing_it() throws Exception {
    GitFixture git = new GitFixture(tmp);
    Path demo = git.bare("demo");
    RecordingSink sink = new RecordingSink();
    connect(demo, sink).stop();
    Path dir = demo.resolve("seakeeper");
    Files.delete(dir.resolve("journal"));
    Files.delete(dir);
    Files.writeString(dir, "a file where the journal directory belongs");
    GitFixture.Work work = git.work("work");
    work.commit("hello");
    GitFixture.Result push = work.tryPush(demo, "HEAD:refs/heads/main");
    assertThat(push.exit()).isNotZero();
    assertThat(push.out()).contains("seakeeper: cannot write");
  }
}
