package org.seakeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.cli.CliHarness.cli;
import static org.seakeeper.cli.CliHarness.repo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code seakeeper run} end to end on temporary git repos, with the real sandbox. */
class RunCommandTest {
  @TempDir Path tmp;

  static final String DAG =
      """
      variables: {WHO: world}
      jobs:
        .base:
          timeout: 1m
          variables: {GREETING: hello}
        build:
          extends: .base
          run: |
            echo "build says $GREETING $WHO"
            sleep 0.3
        test:
          extends: .base
          needs: [build]
          run: echo "test runs after build"
        docs:
          run: echo docs
        fail:
          run: |
            echo failing
            exit 7
        after-fail:
          needs: [fail]
          run: echo never
        publish:
          run: echo publish
          secrets: [token]
      pipelines:
        check: [build, test, docs, fail, after-fail]
        post: [publish]
      """;

  private static int indexOf(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).replaceAll("\\s+", " ").startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError(
        "no line starting with " + prefix + " in\n" + String.join("\n", lines));
  }

  @Test
  void runs_the_dag_in_order_applies_extends_and_skips_dependents_of_failures() throws Exception {
    Path dir = repo(tmp.resolve("r"), DAG);
    var r = cli("run", "--parallel", "2", dir.toString());
    List<String> out = r.outLines();
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(indexOf(out, "[build ] success")).isLessThan(indexOf(out, "[test ] started"));
    assertThat(r.out()).contains("build says hello world").contains("test runs after build");
    assertThat(out.get(indexOf(out, "after-fail"))).isNotNull();
    String summary =
        out.stream().filter(l -> l.startsWith("after-fail ")).findFirst().orElseThrow();
    assertThat(summary).contains("skipped").contains("needs 'fail', which failed");
    assertThat(out.stream().filter(l -> l.startsWith("fail ")).findFirst().orElseThrow())
        .contains("failure")
        .contains("exit 7");
    assertThat(r.out()).doesNotContain("never");
  }

  @Test
  void all_passing_exits_zero_and_writes_logs_outside_the_repo() throws Exception {
    Path dir = repo(tmp.resolve("r"), DAG);
    var r = cli("run", "--job", "test", dir.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("test runs after build").doesNotContain("docs");
    String logs =
        r.outLines().stream()
            .filter(l -> l.startsWith("logs: "))
            .findFirst()
            .orElseThrow()
            .substring(6);
    assertThat(Path.of(logs)).isDirectory();
    assertThat(Path.of(logs).startsWith(dir)).isFalse();
    assertThat(Files.readString(Path.of(logs).resolve("build.log")))
        .contains("build says hello world");
  }

  @Test
  void jobs_needing_secrets_are_skipped_locally_without_failing_the_run() throws Exception {
    Path dir = repo(tmp.resolve("r"), DAG);
    var r = cli("run", "--pipeline", "post", dir.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(
            r.outLines().stream().filter(l -> l.startsWith("publish ")).findFirst().orElseThrow())
        .contains("skipped")
        .contains("secrets");
  }

  @Test
  void config_errors_exit_3_with_positions_and_run_nothing() throws Exception {
    Path dir =
        repo(
            tmp.resolve("r"),
            "jobs:\n  a:\n    run: echo ran\n    needz: [b]\npipelines:\n  check: [a]\n");
    var r = cli("run", dir.toString());
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err())
        .contains(
            ".seakeeper.yaml:4:5: error: unknown key 'needz' in job 'a' (did you mean 'needs'?)");
    assertThat(r.out()).doesNotContain("ran");
  }

  @Test
  void a_missing_config_is_a_config_problem() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("empty"));
    var r = cli("run", dir.toString());
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains(".seakeeper.yaml:1:1: error: no .seakeeper.yaml");
  }

  @Test
  void usage_errors_exit_2() throws Exception {
    Path dir = repo(tmp.resolve("r"), DAG);
    assertThat(cli("run", "--pipeline", "chek", dir.toString()).code()).isEqualTo(2);
    assertThat(cli("run", "--job", "nope", dir.toString()).code()).isEqualTo(2);
    assertThat(cli("run", tmp.resolve("missing").toString()).code()).isEqualTo(2);
    assertThat(cli("run", "--parallel", "0", dir.toString()).code()).isEqualTo(2);
    assertThat(cli("run", "--no-such-flag").code()).isEqualTo(2);
  }

  @Test
  void a_missing_sandbox_exits_4_and_says_how_to_install_it() throws Exception {
    Path dir = repo(tmp.resolve("r"), DAG);
    System.setProperty("seakeeper.bwrap", tmp.resolve("no-bwrap").toString());
    try {
      var r = cli("run", dir.toString());
      assertThat(r.code()).isEqualTo(4);
      assertThat(r.err()).contains("apt-get install bubblewrap").doesNotContain("Exception");
      assertThat(r.out()).doesNotContain("build says");
    } finally {
      System.clearProperty("seakeeper.bwrap");
    }
  }

  @Test
  void uncommitted_edits_are_ignored_with_a_warning_unless_dirty() throws Exception {
    Path dir =
        repo(
            tmp.resolve("r"),
            "jobs:\n"
                + "  a:\n"
                + "    run: cat note.txt 2>/dev/null || echo no-note\n"
                + "pipelines:\n"
                + "  check: [a]\n");
    Files.writeString(dir.resolve("note.txt"), "uncommitted-note\n");
    var clean = cli("run", dir.toString());
    assertThat(clean.code()).isZero();
    assertThat(clean.err()).contains("uncommitted changes");
    assertThat(clean.out()).contains("no-note").doesNotContain("uncommitted-note");
    var dirty = cli("run", "--dirty", dir.toString());
    assertThat(dirty.code()).isZero();
    assertThat(dirty.out()).contains("uncommitted-note");
  }

  @Test
  void file_matchers_use_the_files_changed_by_the_head_commit() throws Exception {
    Path dir =
        repo(
            tmp.resolve("r"),
            "jobs:\n"
                + "  docs:\n"
                + "    run: echo docs-job\n"
                + "    when: {files: ['docs/**']}\n"
                + "  code:\n"
                + "    run: echo code-job\n"
                + "    when: {ignore_files: ['docs/**']}\n"
                + "pipelines:\n"
                + "  check: [docs, code]\n");
    Files.createDirectories(dir.resolve("docs"));
    Files.writeString(dir.resolve("docs/a.md"), "hi\n");
    CliHarness.commitAll(dir, "docs only");
    var r = cli("run", dir.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("docs-job").doesNotContain("code-job");
    assertThat(r.outLines().stream().filter(l -> l.startsWith("code ")).findFirst().orElseThrow())
        .contains("skipped");
  }

  @Test
  void a_directory_that_is_not_a_git_repo_runs_as_it_is() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(
        dir.resolve(".seakeeper.yaml"),
        "jobs:\n  a:\n    run: ls data.txt\npipelines:\n  check: [a]\n");
    Files.writeString(dir.resolve("data.txt"), "x");
    var r = cli("run", dir.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("[a] data.txt");
  }
}
