package org.seakeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.cli.CliHarness.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code seakeeper validate} exit codes and output (docs/contracts.md §5). */
class ValidateCommandTest {
  @TempDir Path tmp;

  private Path dirWith(String yaml) throws Exception {
    Path d = Files.createDirectories(tmp.resolve("d" + System.nanoTime()));
    Files.writeString(d.resolve(".seakeeper.yaml"), yaml);
    return d;
  }

  @Test
  void a_valid_file_exits_0_even_with_warnings() throws Exception {
    var r =
        cli(
            "validate",
            dirWith("jobs:\n  a:\n    run: x\n    image: debian-12\npipelines:\n  check: [a]\n")
                .toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains(".seakeeper.yaml:4:12: warning: image 'debian-12'");
  }

  @Test
  void problems_exit_1_and_are_all_printed_gcc_style() throws Exception {
    var r =
        cli(
            "validate",
            dirWith(
                    "jobs:\n"
                        + "  a:\n"
                        + "    run: ''\n"
                        + "  b:\n"
                        + "    run: x\n"
                        + "    timeout: soon\n"
                        + "pipelines:\n"
                        + "  check: [a, b, c]\n")
                .toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.outLines())
        .hasSizeGreaterThanOrEqualTo(3)
        .allMatch(l -> l.matches("\\.seakeeper\\.yaml:\\d+:\\d+: (error|warning): .+"));
    assertThat(r.out()).contains(":8:17: error: pipeline 'check' names unknown job 'c'");
  }

  @Test
  void a_missing_file_is_a_problem_and_a_missing_dir_a_usage_error() throws Exception {
    assertThat(cli("validate", Files.createDirectories(tmp.resolve("none")).toString()).code())
        .isEqualTo(1);
    assertThat(cli("validate", tmp.resolve("nowhere").toString()).code()).isEqualTo(2);
  }

  @Test
  void with_a_server_config_base_jobs_and_images_resolve_as_on_the_server() throws Exception {
    Path server = tmp.resolve("server.yaml");
    Files.writeString(
        server,
        "images:\n"
            + "  debian-12: {path: /srv/rootfs/debian-12}\n"
            + "base_jobs:\n"
            + "  base/java:\n"
            + "    run: mvn -B verify\n"
            + "    timeout: 20m\n");
    Path repo =
        dirWith(
            "jobs:\n"
                + "  a:\n"
                + "    extends: base/java\n"
                + "  b:\n"
                + "    run: x\n"
                + "    image: debian-12\n"
                + "  c:\n"
                + "    run: x\n"
                + "    image: debian-13\n"
                + "pipelines:\n"
                + "  check: [a, b, c]\n");
    var r = cli("validate", "--config", server.toString(), repo.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains(":9:12: error: unknown image 'debian-13' (did you mean 'debian-12'?)")
        .doesNotContain("base/java");
  }

  @Test
  void with_a_server_config_naming_a_config_repo_its_merged_base_jobs_resolve_too()
      throws Exception {
    Path bare = tmp.resolve("config.git");
    org.seakeeper.testing.TestGit.git(
        tmp, "init", "-q", "--bare", "--initial-branch=main", bare.toString());
    Path work = Files.createDirectories(tmp.resolve("config-work"));
    org.seakeeper.testing.TestGit.git(work, "init", "-q", "--initial-branch=main", ".");
    Files.writeString(
        work.resolve("seakeeper.yaml"), "base_jobs:\n  base/lint:\n    run: make lint\n");
    org.seakeeper.testing.TestGit.git(work, "add", "-A");
    org.seakeeper.testing.TestGit.git(work, "commit", "-q", "-m", "trusted");
    org.seakeeper.testing.TestGit.git(work, "push", "-q", bare.toString(), "HEAD:refs/heads/main");
    // Unmerged: a proposed base job is not known.
    Files.writeString(
        work.resolve("seakeeper.yaml"),
        "base_jobs:\n  base/lint:\n    run: make lint\n  base/proposed:\n    run: x\n");
    org.seakeeper.testing.TestGit.git(work, "commit", "-q", "-am", "proposed");
    org.seakeeper.testing.TestGit.git(work, "push", "-q", bare.toString(), "HEAD:refs/for/main");
    Path server = tmp.resolve("server.yaml");
    Files.writeString(
        server, "repos:\n  - {name: config, path: " + bare + "}\nconfig_repo: {project: config}\n");
    Path repo =
        dirWith(
            "jobs:\n"
                + "  a: {extends: base/lint}\n"
                + "  b: {extends: base/proposed}\n"
                + "pipelines:\n"
                + "  check: [a, b]\n");
    var r = cli("validate", "--config", server.toString(), repo.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.outLines())
        .containsExactly(".seakeeper.yaml:3:16: error: unknown base job 'base/proposed'");
  }

  @Test
  void the_config_repos_secrets_are_checked_but_not_decrypted_offline() throws Exception {
    Path bare = tmp.resolve("config.git");
    Path work = Files.createDirectories(tmp.resolve("config-work"));
    for (String[] git :
        new String[][] {
          {"init", "-q", "--bare", "--initial-branch=main", bare.toString()},
          {"-C", work.toString(), "init", "-q", "--initial-branch=main", "."}
        }) {
      org.seakeeper.testing.TestGit.git(tmp, git);
    }
    Files.writeString(
        work.resolve("seakeeper.yaml"),
        "base_jobs:\n"
            + "  base/lint:\n"
            + "    run: make lint\n"
            + "secrets:\n"
            + "  - {project: demo, name: token, value: b3BhcXVl}\n");
    for (String[] git :
        new String[][] {
          {"add", "-A"},
          {"commit", "-q", "-m", "trusted"},
          {"push", "-q", bare.toString(), "HEAD:refs/heads/main"}
        }) {
      org.seakeeper.testing.TestGit.git(work, git);
    }
    Path server = tmp.resolve("server.yaml");
    Files.writeString(
        server, "repos:\n  - {name: config, path: " + bare + "}\nconfig_repo: {project: config}\n");
    var r =
        cli(
            "validate",
            "--config",
            server.toString(),
            dirWith("jobs:\n  a: {extends: base/lint}\npipelines:\n  post: [a]\n").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).doesNotContain("error").doesNotContain("decrypt");
  }

  @Test
  void a_bad_server_config_is_a_usage_error_with_its_problems() throws Exception {
    Path server = tmp.resolve("server.yaml");
    Files.writeString(server, "executor:\n  untrusted: {max_parallel: 2}\n");
    var r =
        cli(
            "validate",
            "--config",
            server.toString(),
            dirWith("jobs:\n  a: {run: x}\npipelines: {check: [a]}\n").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("server.yaml:1:1: error: unknown key 'executor' (did you mean 'executors'?)");
  }

  @Test
  void a_base_job_can_never_inherit_from_a_repos_own_jobs() throws Exception {
    Path server = tmp.resolve("server.yaml");
    Files.writeString(server, "base_jobs:\n  base/java:\n    extends: build\n");
    var r =
        cli(
            "validate",
            "--config",
            server.toString(),
            dirWith(
                    "jobs:\n"
                        + "  build: {run: evil}\n"
                        + "  a: {extends: base/java}\n"
                        + "pipelines: {check: [a]}\n")
                .toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "server.yaml:3:14: error: base job 'base/java' extends 'build': base jobs may only"
                + " extend other base jobs");
  }
}
