package org.seakeeper.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.config.RepoConfigParser;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.RepoConfig;
import org.seakeeper.core.model.Tier;

class PlannerTest {
  static RepoConfig config(String yaml) {
    return RepoConfigParser.parse(
            yaml.getBytes(StandardCharsets.UTF_8), TrustedContext.offlineDefaults())
        .config()
        .orElseThrow();
  }

  static final RepoConfig DAG =
      config(
          """
          jobs:
            a: {run: x}
            b: {run: x, needs: [a]}
            c: {run: x, needs: [b]}
            d: {run: x}
            e: {run: x, needs: [a, d]}
            docs: {run: x, when: {files: ['docs/**']}}
            after-docs: {run: x, needs: [docs]}
            main-only: {run: x, when: {branches: [main]}}
            publish: {run: x, secrets: [t]}
          pipelines:
            check: [a, b, c, d, e, docs, after-docs, main-only]
            post: [publish]
          """);

  @Test
  void check_runs_untrusted_without_network_and_post_trusted_with_it() {
    Plan check =
        Planner.plan(
            DAG,
            PlanContext.local(PipelineName.CHECK, Optional.empty(), Optional.empty(), Set.of()));
    assertThat(check.tier()).isEqualTo(Tier.UNTRUSTED);
    assertThat(check.network()).isFalse();
    Plan post =
        Planner.plan(
            DAG,
            new PlanContext(
                PipelineName.POST,
                Tier.TRUSTED,
                Optional.of("main"),
                Optional.empty(),
                Set.of(),
                true));
    assertThat(post.network()).isTrue();
    assertThat(post.jobs()).singleElement().satisfies(j -> assertThat(j.skipReason()).isEmpty());
  }

  @Test
  void progress_follows_the_dag_and_a_failure_skips_everything_downstream() {
    PlanProgress p =
        new PlanProgress(
            Planner.plan(
                DAG,
                PlanContext.local(
                    PipelineName.CHECK, Optional.of("main"), Optional.empty(), Set.of())));
    assertThat(p.ready()).containsExactly("a", "d", "docs", "main-only");
    p.start("a");
    p.start("d");
    assertThat(p.ready()).containsExactly("docs", "main-only");
    p.finish("a", false);
    assertThat(p.state("b")).isEqualTo(PlanProgress.State.SKIPPED);
    assertThat(p.state("c")).isEqualTo(PlanProgress.State.SKIPPED);
    assertThat(p.skipReason("c")).contains("needs 'b', which was skipped");
    assertThat(p.skipReason("b")).contains("needs 'a', which failed");
    p.finish("d", true);
    assertThat(p.state("e")).isEqualTo(PlanProgress.State.SKIPPED);
    assertThat(p.done()).isFalse();
    while (!p.ready().isEmpty()) {
      String n = p.ready().getFirst();
      p.start(n);
      p.finish(n, true);
    }
    assertThat(p.done()).isTrue();
    assertThat(p.count(PlanProgress.State.PASSED)).isEqualTo(4);
  }

  @Test
  void every_illegal_transition_is_refused() {
    PlanProgress p =
        new PlanProgress(
            Planner.plan(
                DAG,
                PlanContext.local(
                    PipelineName.CHECK, Optional.empty(), Optional.empty(), Set.of("a"))));
    assertThatThrownBy(() -> p.finish("a", true)).isInstanceOf(IllegalStateException.class);
    p.start("a");
    assertThatThrownBy(() -> p.start("a")).isInstanceOf(IllegalStateException.class);
    p.finish("a", true);
    assertThatThrownBy(() -> p.finish("a", true)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> p.start("a")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void file_and_branch_matchers_skip_irrelevant_jobs_and_their_needs_become_soft() {
    Plan plan =
        Planner.plan(
            DAG,
            PlanContext.local(
                PipelineName.CHECK,
                Optional.of("feature"),
                Optional.of(Set.of("src/Main.java")),
                Set.of()));
    var byName = plan.byName();
    assertThat(byName.get("docs").skipReason())
        .hasValueSatisfying(r -> assertThat(r).contains("no changed file matches"));
    assertThat(byName.get("main-only").skipReason())
        .hasValueSatisfying(r -> assertThat(r).contains("branch 'feature'"));
    assertThat(byName.get("after-docs").needs()).isEmpty();
    assertThat(byName.get("after-docs").skipReason()).isEmpty();
  }

  @Test
  void selecting_a_job_brings_what_it_needs_and_nothing_else() {
    Plan plan =
        Planner.plan(
            DAG,
            PlanContext.local(PipelineName.CHECK, Optional.empty(), Optional.empty(), Set.of("c")));
    assertThat(plan.jobs()).extracting(PlannedJob::name).containsExactly("a", "b", "c");
    assertThat(
            Planner.unknownJobs(
                DAG,
                PlanContext.local(
                    PipelineName.CHECK,
                    Optional.empty(),
                    Optional.empty(),
                    Set.of("zzz", "publish"))))
        .containsExactly("publish", "zzz");
  }

  @Test
  void secrets_are_skipped_where_they_are_not_available() {
    Plan local =
        Planner.plan(
            DAG,
            PlanContext.local(PipelineName.POST, Optional.empty(), Optional.empty(), Set.of()));
    assertThat(local.jobs().getFirst().skipReason())
        .hasValueSatisfying(r -> assertThat(r).contains("secrets [t]"));
  }
}
