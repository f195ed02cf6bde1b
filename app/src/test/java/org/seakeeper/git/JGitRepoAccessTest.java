package org.seakeeper.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.scheduler.RepoAccess.RepoAccessException;

/** Reading pushed commits of a real bare repository through {@link JGitRepoAccess}. */
class JGitRepoAccessTest {
  static final String MISSING = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path tmp;
  GitFixture git;
  Path demo;
  GitFixture.Work work;
  JGitRepoAccess access;
  String root;
  String second;

  @BeforeEach
  void setUp() throws Exception {
    git = new GitFixture(tmp);
    demo = git.bare("demo");
    work = git.work("work");
    Files.createDirectories(work.dir.resolve("src"));
    Files.writeString(work.dir.resolve("src/a.txt"), "a\n");
    Files.writeString(work.dir.resolve("gone.txt"), "bye\n");
    root = work.commitFile(".seakeeper.yaml", "jobs: {}\n", "root");
    Files.writeString(work.dir.resolve("src/a.txt"), "a changed\n");
    Files.delete(work.dir.resolve("gone.txt"));
    second = work.commitFile("new.txt", "new\n", "second");
    work.push(demo, "HEAD:refs/heads/main");
    access = new JGitRepoAccess(Map.of("local", Map.of("demo", demo)));
  }

  @Test
  void read_file_returns_the_bytes_at_the_commit() {
    assertThat(access.readFile(new RepoRef("local", "demo"), root, "src/a.txt"))
        .hasValueSatisfying(
            b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("a\n"));
    assertThat(access.readFile(new RepoRef("local", "demo"), second, "src/a.txt"))
        .hasValueSatisfying(
            b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("a changed\n"));
  }

  @Test
  void read_file_is_empty_for_an_absent_file_or_a_directory() {
    assertThat(access.readFile(new RepoRef("local", "demo"), second, "gone.txt")).isEmpty();
    assertThat(access.readFile(new RepoRef("local", "demo"), second, "no/such/file")).isEmpty();
    assertThat(access.readFile(new RepoRef("local", "demo"), second, "src")).isEmpty();
  }

  @Test
  void read_file_does_not_follow_symlinks() throws Exception {
    Files.createSymbolicLink(work.dir.resolve("link.yaml"), Path.of(".seakeeper.yaml"));
    work.git("add", "-A");
    String withLink = work.commitStaged("link");
    work.push(demo, "HEAD:refs/heads/main");
    assertThat(access.readFile(new RepoRef("local", "demo"), withLink, "link.yaml")).isEmpty();
  }

  @Test
  void changed_files_of_a_root_commit_are_all_its_files() {
    assertThat(access.changedFiles(new RepoRef("local", "demo"), root))
        .containsExactlyInAnyOrder(".seakeeper.yaml", "src/a.txt", "gone.txt");
  }

  @Test
  void changed_files_compare_with_the_first_parent() {
    assertThat(access.changedFiles(new RepoRef("local", "demo"), second))
        .containsExactlyInAnyOrder("src/a.txt", "gone.txt", "new.txt");
  }

  @Test
  void changed_files_of_a_merge_are_what_it_brings_to_the_first_parent() throws Exception {
    work.git("checkout", "-q", "-b", "side", root);
    work.commitFile("side.txt", "side\n", "side");
    work.git("checkout", "-q", "main");
    work.git("merge", "-q", "--no-edit", "side");
    String merge = work.head();
    work.push(demo, "HEAD:refs/heads/main");
    assertThat(access.changedFiles(new RepoRef("local", "demo"), merge))
        .containsExactly("side.txt");
  }

  @Test
  void checkout_names_the_repository_and_the_commit() {
    assertThat(access.checkout(new RepoRef("local", "demo"), second))
        .isEqualTo(Checkout.gitCommit(demo.toString(), second));
  }

  @Test
  void an_unknown_commit_is_a_repo_access_error() {
    assertThatThrownBy(() -> access.readFile(new RepoRef("local", "demo"), MISSING, "x"))
        .isInstanceOf(RepoAccessException.class)
        .hasMessageContaining("no commit " + MISSING);
    assertThatThrownBy(() -> access.changedFiles(new RepoRef("local", "demo"), MISSING))
        .isInstanceOf(RepoAccessException.class)
        .hasMessageContaining("project demo");
    assertThatThrownBy(() -> access.checkout(new RepoRef("local", "demo"), MISSING))
        .isInstanceOf(RepoAccessException.class)
        .hasMessageContaining(MISSING);
    assertThatThrownBy(() -> access.checkout(new RepoRef("local", "demo"), "main"))
        .isInstanceOf(RepoAccessException.class)
        .hasMessageContaining("not a full commit id");
  }

  @Test
  void an_unknown_connection_or_project_is_a_repo_access_error() {
    assertThatThrownBy(() -> access.readFile(new RepoRef("review", "demo"), second, "x"))
        .isInstanceOf(RepoAccessException.class)
        .hasMessageContaining("no git connection named 'review'");
    assertThatThrownBy(() -> access.checkout(new RepoRef("local", "nope"), second))
        .isInstanceOf(RepoAccessException.class)
        .hasMessageContaining("serves no project 'nope'");
  }

  @Test
  void a_project_whose_repository_vanished_is_a_repo_access_error() throws Exception {
    JGitRepoAccess broken =
        new JGitRepoAccess(Map.of("local", Map.of("demo", tmp.resolve("not-a-repo"))));
    assertThatThrownBy(() -> broken.changedFiles(new RepoRef("local", "demo"), second))
        .isInstanceOf(RepoAccessException.class)
        .hasMessageContaining("not-a-repo");
  }

  @Test
  void resolve_peels_refs_to_commits() throws Exception {
    work.git("tag", "-a", "v1", "-m", "one", root);
    work.push(demo, "refs/tags/v1");
    assertThat(access.resolve(new RepoRef("local", "demo"), "refs/heads/main")).contains(second);
    assertThat(access.resolve(new RepoRef("local", "demo"), "main")).contains(second);
    assertThat(access.resolve(new RepoRef("local", "demo"), "HEAD")).contains(second);
    assertThat(access.resolve(new RepoRef("local", "demo"), "refs/tags/v1")).contains(root);
    assertThat(access.resolve(new RepoRef("local", "demo"), "refs/heads/nope"))
        .isEqualTo(Optional.empty());
  }

  @Test
  void built_from_server_config_it_serves_only_git_connections() {
    JGitRepoAccess fromConfig =
        JGitRepoAccess.of(
            List.of(
                new ServerConfig.Connection(
                    "local",
                    "git",
                    List.of(new ServerConfig.Repo("demo", demo.toString())),
                    Map.of()),
                new ServerConfig.Connection(
                    "review", "gerrit", List.of(), Map.of("url", "http://127.0.0.1:8081/"))));
    assertThat(fromConfig.readFile(new RepoRef("local", "demo"), root, ".seakeeper.yaml"))
        .isPresent();
    assertThatThrownBy(() -> fromConfig.changedFiles(new RepoRef("review", "demo"), root))
        .isInstanceOf(RepoAccessException.class);
  }
}
