package org.seakeeper.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.Job;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.RepoConfig;

class RepoConfigParserTest {
  static ConfigResult parse(String yaml) {
    return RepoConfigParser.parse(
        yaml.getBytes(StandardCharsets.UTF_8), TrustedContext.offlineDefaults());
  }

  static List<String> lines(ConfigResult r) {
    return r.problems().stream().map(p -> p.format("f")).toList();
  }

  @Test
  void the_issue_example_is_valid_and_resolves_extends() {
    ConfigResult r =
        parse(
            """
            jobs:
              build:
                run: |
                  make
                timeout: 10m
                image: host
              test:
                extends: build
                run: make test
                needs: [build]
                artifacts: [out/*.tar]
              publish:
                run: ./publish.sh
                secrets: [pypi-token]
            pipelines:
              check: [build, test]
              gate: [build, test]
              post: [publish]
            """);
    assertThat(lines(r)).isEmpty();
    RepoConfig c = r.config().orElseThrow();
    Job test = c.jobs().get("test");
    assertThat(test.timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(test.script()).isEqualTo("make test");
    assertThat(test.needs()).containsExactly("build");
    assertThat(c.jobsOf(PipelineName.POST)).containsExactly("publish");
    assertThat(c.jobs().get("publish").secrets()).containsExactly("pypi-token");
    assertThat(c.jobs().get("build").timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.jobs().get("publish").timeout()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void matrix_expands_into_instances_and_pipelines_and_needs_follow() {
    ConfigResult r =
        parse(
            """
            variables: {LANG: C.UTF-8}
            jobs:
              test:
                run: echo $JDK
                matrix: {JDK: [17, 21]}
              report:
                run: echo done
                needs: [test]
                variables: {LANG: en}
            pipelines:
              check: [test, report]
            """);
    assertThat(lines(r)).isEmpty();
    RepoConfig c = r.config().orElseThrow();
    assertThat(c.jobsOf(PipelineName.CHECK))
        .containsExactly("test[JDK=17]", "test[JDK=21]", "report");
    assertThat(c.jobs().get("report").needs()).containsExactly("test");
    assertThat(c.jobs().get("test[JDK=21]").variables())
        .containsEntry("JDK", "21")
        .containsEntry("LANG", "C.UTF-8");
    assertThat(c.jobs().get("report").variables()).containsEntry("LANG", "en");
  }

  @Test
  void all_problems_are_reported_at_once_with_positions() {
    ConfigResult r =
        parse(
            """
            jobs:
              build:
                rnu: make
                timeout: 10 minutes
              test:
                run: make test
                needs: [biuld]
            pipelines:
              chek: [build]
            """);
    assertThat(r.valid()).isFalse();
    assertThat(lines(r))
        .containsExactly(
            "f:2:3: error: job 'build' has no 'run' script",
            "f:3:5: error: unknown key 'rnu' in job 'build' (did you mean 'run'?)",
            "f:4:14: error: bad duration '10 minutes' for 'timeout' of job 'build': write it like"
                + " 90s, 10m or 1h30m",
            "f:5:3: warning: job 'test' is in no pipeline and never runs (start its name with '.'"
                + " to mark it a template)",
            "f:7:13: error: job 'test' needs unknown job 'biuld' (did you mean 'build'?)",
            "f:9:3: error: unknown pipeline 'chek' (did you mean 'check'?); pipelines are check,"
                + " gate, post, periodic, release");
  }

  @Test
  void offline_base_jobs_and_images_are_warnings_and_mark_the_job_unavailable() {
    ConfigResult r =
        parse(
            """
            jobs:
              lint:
                extends: base/java
              build:
                run: make
                image: debian-12
            pipelines:
              check: [lint, build]
            """);
    assertThat(r.valid()).isTrue();
    assertThat(r.problems()).allMatch(p -> !p.isError()).hasSize(2);
    assertThat(r.config().orElseThrow().jobs().get("lint").unavailable()).isPresent();
    assertThat(r.config().orElseThrow().jobs().get("build").unavailable()).isPresent();
  }

  @Test
  void merge_keys_and_script_lists_work_as_gitlab_users_expect() {
    ConfigResult r =
        parse(
            """
            jobs:
              .defaults: &defaults
                timeout: 5m
                run: [echo one, echo two]
              a:
                <<: *defaults
              b:
                <<: *defaults
                timeout: 1m
            pipelines:
              check: [a, b]
            """);
    assertThat(lines(r)).isEmpty();
    RepoConfig c = r.config().orElseThrow();
    assertThat(c.jobs().get("a").script()).isEqualTo("echo one\necho two");
    assertThat(c.jobs().get("a").timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.jobs().get("b").timeout()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void base_jobs_of_trusted_config_need_a_slash_and_resolve_online() {
    Problems p = new Problems();
    String trusted =
        """
        base/java: {run: mvn verify, timeout: 30m}
        java: {run: mvn verify}
        """;
    var base =
        RepoConfigParser.jobs(
            YamlLoader.load(trusted.getBytes(StandardCharsets.UTF_8), p).orElseThrow(), p, true);
    assertThat(base).containsOnlyKeys("base/java");
    assertThat(p.sorted())
        .extracting(x -> x.format("t"))
        .containsExactly(
            "t:2:1: error: bad base job name 'java': base jobs are named like 'base/java' (a '/'"
                + " tells them from a repo's own jobs)");
    TrustedContext online =
        new TrustedContext(false, base, java.util.Set.of(), Duration.ofHours(1));
    ConfigResult r =
        RepoConfigParser.parse(
            "jobs:\n  lint:\n    extends: base/java\npipelines:\n  check: [lint]\n"
                .getBytes(StandardCharsets.UTF_8),
            online);
    assertThat(lines(r)).isEmpty();
    Job lint = r.config().orElseThrow().jobs().get("lint");
    assertThat(lint.script()).isEqualTo("mvn verify");
    assertThat(lint.timeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(lint.unavailable()).isEmpty();
  }

  @Test
  void the_job_cap_is_the_trusted_configs_and_defaults_to_500() {
    String yaml =
        """
        jobs:
          .t:
            run: make
            matrix: {A: [a0, a1, a2, a3, a4, a5, a6, a7], B: [b0, b1, b2, b3, b4, b5, b6, b7]}
          j0: {extends: .t}
          j1: {extends: .t}
          j2: {extends: .t}
        pipelines:
          check: [j0, j1, j2]
        """;
    assertThat(TrustedContext.offlineDefaults().maxJobs()).isEqualTo(JobResolver.MAX_JOBS);
    ConfigResult byDefault = parse(yaml);
    assertThat(lines(byDefault)).isEmpty();
    assertThat(byDefault.config().orElseThrow().jobs()).hasSize(192);

    TrustedContext capped =
        new TrustedContext(
            true, java.util.Map.of(), java.util.Set.of("host"), Duration.ofHours(1), 100);
    ConfigResult r = RepoConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8), capped);
    assertThat(r.config()).isEmpty();
    assertThat(lines(r))
        .containsExactly(
            "f:6:3: error: the config defines more than 100 jobs (counting each 'matrix'"
                + " combination), at job 'j1'; the limit is 100: use fewer jobs or smaller"
                + " matrices");

    TrustedContext exact =
        new TrustedContext(
            true, java.util.Map.of(), java.util.Set.of("host"), Duration.ofHours(1), 192);
    assertThat(lines(RepoConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8), exact)))
        .isEmpty();
  }

  @Test
  void checkout_depth_defaults_to_twenty_is_inherited_and_is_checked() {
    ConfigResult r =
        parse(
            """
            jobs:
              .base:
                run: make
                checkout: {depth: 0}
              full:
                extends: .base
              shallow:
                run: make
            pipelines:
              check: [full, shallow]
            """);
    assertThat(lines(r)).isEmpty();
    RepoConfig c = r.config().orElseThrow();
    assertThat(c.jobs().get("full").checkoutDepth()).isZero();
    assertThat(c.jobs().get("shallow").checkoutDepth()).isEqualTo(Job.DEFAULT_CHECKOUT_DEPTH);
    assertThat(
            lines(
                parse(
                    """
                    jobs:
                      a:
                        run: make
                        checkout: {depth: -1}
                      b:
                        run: make
                        checkout: {deep: 3}
                      c:
                        run: make
                        checkout: {depth: 10001}
                    pipelines:
                      check: [a, b, c]
                    """)))
        .containsExactly(
            "f:4:23: error: 'checkout.depth' of job 'a' must be between 0 (the whole history)"
                + " and 10000 commits",
            "f:7:16: error: unknown key 'deep' in 'checkout' of job 'b'",
            "f:10:23: error: 'checkout.depth' of job 'c' must be between 0 (the whole history)"
                + " and 10000 commits");
  }
}
