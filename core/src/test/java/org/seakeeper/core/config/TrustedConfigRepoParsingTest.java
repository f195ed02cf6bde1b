package org.seakeeper.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.ServerConfig;

/** The server config's {@code config_repo:} key, the config repo's file, and merging the two. */
class TrustedConfigRepoParsingTest {
  static final String REPOS =
      "repos:\n"
          + "  - {name: demo, path: /srv/demo.git}\n"
          + "  - {name: seakeeper-config, path: /srv/config.git}\n";

  static ServerConfigParser.Result server(String yaml) {
    return ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8));
  }

  static ServerConfigParser.SectionsResult repoFile(String yaml) {
    return ServerConfigParser.parseSections(yaml.getBytes(StandardCharsets.UTF_8));
  }

  static List<String> lines(List<Problem> problems, String file) {
    return problems.stream().map(p -> p.format(file)).toList();
  }

  @Test
  void config_repo_takes_defaults_for_connection_branch_and_path() {
    ServerConfig c =
        server(REPOS + "config_repo: {project: seakeeper-config}\n").config().orElseThrow();
    assertThat(c.configRepo())
        .contains(
            new ServerConfig.ConfigRepo("local", "seakeeper-config", "main", "seakeeper.yaml"));
    assertThat(c.configRepo().orElseThrow().ref()).isEqualTo("refs/heads/main");
    assertThat(server(REPOS).config().orElseThrow().configRepo()).isEmpty();
  }

  @Test
  void a_bad_config_repo_key_is_refused_with_every_problem_and_its_position() {
    var r =
        server(
            REPOS
                + "config_repo: {connection: local, project: nope, branch: refs/heads/main, path:"
                + " .seakeeper.yaml, banch: x}\n");
    assertThat(r.config()).isEmpty();
    assertThat(lines(r.problems(), "s.yaml"))
        .containsExactly(
            "s.yaml:4:43: error: config_repo project 'nope' is not served by connection 'local';"
                + " add it to its repos",
            "s.yaml:4:57: error: bad config_repo branch 'refs/heads/main': write a branch name like"
                + " main (without refs/heads/)",
            "s.yaml:4:80: error: bad config_repo path '.seakeeper.yaml': a file path inside the"
                + " repo like seakeeper.yaml (not .seakeeper.yaml, which is the repo's own CI"
                + " config)",
            "s.yaml:4:97: error: unknown key 'banch' in config_repo (did you mean 'branch'?);"
                + " expected [connection, project, branch, path]");
    assertThat(server("config_repo: {connection: review, project: x}\n").problems())
        .extracting(Problem::message)
        .containsExactly("config_repo names connection 'review', which is not defined");
    assertThat(server(REPOS + "config_repo: {connection: local}\n").problems())
        .extracting(Problem::message)
        .containsExactly(
            "config_repo needs a 'project': the served repo that holds the trusted config");
  }

  @Test
  void the_config_repo_file_holds_only_trusted_sections() {
    var r =
        repoFile(
            """
            connections: []
            images: {jdk: {path: /srv/jdk}}
            data_dir: /tmp/x
            base_job: {}
            gate: {window: 5}
            """);
    assertThat(r.sections()).isEmpty();
    assertThat(lines(r.problems(), "seakeeper.yaml"))
        .containsExactly(
            "seakeeper.yaml:1:1: error: 'connections' belongs in the server config file only; the"
                + " trusted config repo holds [default_timeout, base_jobs, pipelines, gate,"
                + " limits, secrets]",
            "seakeeper.yaml:2:1: error: 'images' belongs in the server config file only; the"
                + " trusted config repo holds [default_timeout, base_jobs, pipelines, gate,"
                + " limits, secrets]",
            "seakeeper.yaml:3:1: error: 'data_dir' belongs in the server config file only; the"
                + " trusted config repo holds [default_timeout, base_jobs, pipelines, gate,"
                + " limits, secrets]",
            "seakeeper.yaml:4:1: error: unknown key 'base_job' (did you mean 'base_jobs'?); the"
                + " trusted config repo holds [default_timeout, base_jobs, pipelines, gate,"
                + " limits, secrets]");
    assertThat(repoFile("").sections()).contains(TrustedSections.EMPTY);
  }

  @Test
  void sections_merge_when_each_is_set_in_one_place() {
    TrustedSections srv =
        server("base_jobs:\n  base/a: {run: a}\ndefault_timeout: 30m\n").sections().orElseThrow();
    TrustedSections repo =
        repoFile(
                "base_jobs:\n"
                    + "  base/b: {extends: base/a}\n"
                    + "pipelines:\n"
                    + "  release: {tags: 'rel-*'}\n"
                    + "gate: {window: 3, queues: {q: [demo, lib]}}\n")
            .sections()
            .orElseThrow();
    Problems p = new Problems();
    TrustedSections m = TrustedSections.merge(srv, repo, p).orElseThrow();
    assertThat(p.sorted()).isEmpty();
    assertThat(m.baseJobs()).containsOnlyKeys("base/a", "base/b");
    assertThat(m.defaultTimeout()).contains(Duration.ofMinutes(30));
    assertThat(m.rules().releaseTags()).isEqualTo("rel-*");
    assertThat(m.rules().periodicCron())
        .isEqualTo(ServerConfig.PipelineRules.DEFAULTS.periodicCron());
    assertThat(m.gateRules().window()).isEqualTo(3);
    assertThat(m.gateRules().sharedQueues()).containsEntry("q", List.of("demo", "lib"));
    assertThat(m.context().baseJobs()).containsOnlyKeys("base/a", "base/b");
  }

  @Test
  void a_section_or_base_job_set_in_both_files_is_refused_at_the_config_repo_position() {
    TrustedSections srv =
        server("base_jobs:\n  base/a: {run: a}\ngate: {window: 4}\n").sections().orElseThrow();
    TrustedSections repo =
        repoFile("gate:\n  window: 9\nbase_jobs:\n  base/a: {run: evil}\n")
            .sections()
            .orElseThrow();
    Problems p = new Problems();
    assertThat(TrustedSections.merge(srv, repo, p)).isEmpty();
    assertThat(lines(p.sorted(), "seakeeper.yaml"))
        .containsExactly(
            "seakeeper.yaml:1:1: error: 'gate' is already set in the server config; set it in one"
                + " place (the server file or the config repo)",
            "seakeeper.yaml:4:3: error: base job 'base/a' is already defined in the server config;"
                + " define it in one place");
  }

  @Test
  void broken_base_jobs_of_the_config_repo_are_found_before_any_repo_uses_them() {
    TrustedSections srv = server("images: {jdk: {path: /srv/jdk}}\n").sections().orElseThrow();
    TrustedSections repo =
        repoFile(
                """
                base_jobs:
                  base/a: {run: a, image: jdkk}
                  base/b: {extends: base/nope}
                  base/c: {extends: base/d}
                  base/d: {extends: base/c}
                  base/e: {run: e, image: jdk}
                """)
            .sections()
            .orElseThrow();
    Problems p = new Problems();
    assertThat(TrustedSections.merge(srv, repo, p)).isEmpty();
    assertThat(lines(p.sorted(), "seakeeper.yaml"))
        .containsExactly(
            "seakeeper.yaml:2:27: error: base job 'base/a' uses image 'jdkk', which is not"
                + " registered (did you mean 'jdk'?)",
            "seakeeper.yaml:3:21: error: base job 'base/b' extends unknown base job 'base/nope'"
                + " (did you mean 'base/e'?)",
            "seakeeper.yaml:4:21: error: extends cycle: base/c -> base/d -> base/c",
            "seakeeper.yaml:5:21: error: extends cycle: base/d -> base/c -> base/d");
  }

  @Test
  void the_server_file_knows_which_sections_it_set() {
    TrustedSections s = server("default_timeout: 1h\n").sections().orElseThrow();
    assertThat(s.defaultTimeout()).contains(Duration.ofHours(1));
    assertThat(s.gate()).isEmpty();
    assertThat(s.pipelineRules()).isEqualTo(Optional.empty());
  }

  @Test
  void limits_may_be_set_in_the_config_repo_but_not_in_both_files() {
    TrustedSections srv = server("default_timeout: 30m\n").sections().orElseThrow();
    var file = repoFile("limits:\n  jobs_per_config: 40\n");
    assertThat(file.problems()).isEmpty();
    Problems p = new Problems();
    TrustedSections m = TrustedSections.merge(srv, file.sections().orElseThrow(), p).orElseThrow();
    assertThat(p.sorted()).isEmpty();
    assertThat(m.limitsOrDefaults().jobsPerConfig()).isEqualTo(40);
    assertThat(m.context().maxJobs()).isEqualTo(40);
    assertThat(
            TrustedSections.merge(srv, TrustedSections.EMPTY, new Problems())
                .orElseThrow()
                .context()
                .maxJobs())
        .isEqualTo(JobResolver.MAX_JOBS);

    TrustedSections both = server("limits: {jobs_per_config: 300}\n").sections().orElseThrow();
    Problems q = new Problems();
    assertThat(TrustedSections.merge(both, file.sections().orElseThrow(), q)).isEmpty();
    assertThat(lines(q.sorted(), "seakeeper.yaml"))
        .containsExactly(
            "seakeeper.yaml:1:1: error: 'limits' is already set in the server config; set it in"
                + " one place (the server file or the config repo)");

    assertThat(
            lines(
                repoFile("gate: {window: 3}\nlimits: {jobs_per_config: 20000}\n").problems(),
                "seakeeper.yaml"))
        .containsExactly(
            "seakeeper.yaml:2:27: error: 'limits.jobs_per_config' must be between 1 and 10000,"
                + " found 20000 (default 500)");
  }
}
