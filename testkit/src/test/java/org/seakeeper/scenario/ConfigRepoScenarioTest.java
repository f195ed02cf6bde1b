package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.config.TrustedSections;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.report.Review;
import org.seakeeper.core.report.Reviews;
import org.seakeeper.core.scheduler.Scheduler;
import org.seakeeper.core.scheduler.SchedulerMetrics;
import org.seakeeper.core.scheduler.SchedulerPorts;
import org.seakeeper.core.scheduler.SchedulerSettings;
import org.seakeeper.core.scheduler.TrustedConfig;
import org.seakeeper.core.scheduler.TrustedConfigSource;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.testkit.FakeExecutor;
import org.seakeeper.testkit.FakeGate;
import org.seakeeper.testkit.FakeRepos;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;
import org.seakeeper.testkit.ManualClock;
import org.seakeeper.testkit.RecordingReporter;

/**
 * The trusted config repo (docs/contracts.md §2) on fakes: its proposed changes are validated and
 * reported, never run; its merged file is re-read when its branch moves, and a broken one keeps the
 * last good trusted config.
 */
class ConfigRepoScenarioTest {
  static final ServerConfig.ConfigRepo REPO =
      new ServerConfig.ConfigRepo("local", "config", "main", "seakeeper.yaml");
  static final String CANARY = "CANARY-7f3a";
  static final String TRUSTED = "base_jobs:\n  base/hello: {run: echo hello}\n";
  static final String OWN =
      "jobs:\n  hello: {extends: base/hello}\npipelines:\n  check: [hello]\n  post: [hello]\n";
  static final String CANARY_TRUSTED = TRUSTED + "  base/canary: {run: echo " + CANARY + "-base}\n";
  static final String CANARY_OWN =
      "jobs:\n"
          + "  hello: {extends: base/hello}\n"
          + "  canary: {extends: base/canary}\n"
          + "  canary-local: {run: echo "
          + CANARY
          + "-local}\n"
          + "pipelines:\n"
          + "  check: [hello, canary, canary-local]\n"
          + "  gate: [canary, canary-local]\n"
          + "  post: [hello, canary, canary-local]\n"
          + "  periodic: [canary-local]\n";

  final InMemoryStore store = new InMemoryStore();
  final FakeRepos repos = new FakeRepos();
  final FakeExecutor executor = new FakeExecutor();
  final InMemoryLogStore logs = new InMemoryLogStore();
  final RecordingReporter reporter = new RecordingReporter();
  final FakeGate gate = new FakeGate(repos);
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T10:00:00Z"));
  final List<String> loaded = new ArrayList<>();
  final List<String> rejected = new ArrayList<>();
  TrustedSections server =
      ServerConfigParser.parse(
              "gate: {approvals: {Code-Review: 2}}\n".getBytes(StandardCharsets.UTF_8))
          .sections()
          .orElseThrow();
  TrustedConfigSource source;
  Scheduler scheduler;

  void start(Optional<String> remembered) {
    start(Optional.of(REPO), remembered);
  }

  void start(Optional<ServerConfig.ConfigRepo> repo, Optional<String> remembered) {
    TrustedConfigSource.Listener listener =
        new TrustedConfigSource.Listener() {
          @Override
          public void loaded(String commit, List<String> warnings) {
            loaded.add(commit);
          }

          @Override
          public void rejected(String commit, List<String> problems) {
            rejected.addAll(problems);
          }
        };
    source = new TrustedConfigSource(server, repo, repos, remembered, listener);
    TrustedConfig initial = source.current();
    SchedulerSettings settings =
        new SchedulerSettings(
            Map.of(Tier.UNTRUSTED, 4, Tier.TRUSTED, 4, Tier.PRIVILEGED, 1),
            initial.context(),
            initial.releaseTags(),
            initial.periodic(),
            List.of(new RepoRef("local", "config"), new RepoRef("local", "demo")));
    scheduler =
        new Scheduler(
            new SchedulerPorts(store, repos, executor, logs, reporter, SchedulerMetrics.NONE),
            gate.ports(),
            settings,
            source,
            clock,
            () -> {});
    scheduler.recover();
    scheduler.runUntilIdle();
  }

  String commit(String project, String ref, String trusted, String own) {
    Map<String, String> files =
        trusted == null
            ? Map.of(".seakeeper.yaml", own)
            : Map.of("seakeeper.yaml", trusted, ".seakeeper.yaml", own);
    return repos.commit("local", project, ref, files);
  }

  /** A push to a branch of a project: the ref update event, processed. */
  String push(String project, String branch, String trusted, String own) {
    String sha = commit(project, "refs/heads/" + branch, trusted, own);
    event(new TriggerEvent.RefUpdated("local", project, "refs/heads/" + branch, "0", sha, sha));
    return sha;
  }

  /** A push for review ({@code refs/for/main}) of the config repo. */
  String propose(String change, String trusted, String own) {
    String sha = commit("config", "refs/for/main", trusted, own);
    event(
        new TriggerEvent.ChangeProposed(
            "local", "config", "main", change, "1", sha, "refs/for/main"));
    return sha;
  }

  void event(TriggerEvent e) {
    store.transaction(tx -> tx.inbox().add(e, clock.instant()));
    scheduler.runUntilIdle();
  }

  List<Build> builds() {
    return store.queries().list(BuildQuery.latest(1000)).reversed();
  }

  List<String> ranJobs() {
    return executor.started().stream().map(ExecutionRequest::jobName).toList();
  }

  boolean canaryInAnyLog() {
    return builds().stream().anyMatch(b -> logs.text(b.id()).contains(CANARY));
  }

  @Test
  void
      a_proposed_config_repo_change_is_validated_and_reported_but_none_of_its_jobs_runs_until_it_merges() {
    start(Optional.empty());
    push("config", "main", TRUSTED, OWN);
    assertThat(ranJobs()).containsExactly("hello"); // post of the merged config runs (control)

    String proposed = propose("c1", CANARY_TRUSTED, CANARY_OWN);
    Build check = builds().getLast();
    assertThat(check.pipeline()).isEqualTo(PipelineName.CHECK);
    assertThat(check.commit()).isEqualTo(proposed);
    assertThat(check.job()).isEmpty();
    assertThat(check.status()).isEqualTo(BuildStatus.SUCCESS);
    assertThat(check.detail())
        .startsWith("validated, not run: seakeeper.yaml and .seakeeper.yaml have no errors");
    assertThat(ranJobs()).containsExactly("hello");
    assertThat(canaryInAnyLog()).isFalse();
    Review review =
        Reviews.of(
                store.queries().buildset(check.buildsetId()).orElseThrow(),
                List.of(check),
                reporter.reports().getLast().entry().kind(),
                "http://ci/")
            .orElseThrow();
    assertThat(review.verified()).isEqualTo(1);

    // Nothing an admin can do runs it either: a retry, a manual check, a post of another branch, a
    // tag.
    assertThat(scheduler.retry(check.id(), "admin").code()).isEqualTo(409);
    assertThat(
            scheduler.trigger("local", "config", PipelineName.CHECK, "refs/for/main", "admin").ok())
        .isTrue();
    push("config", "feature", CANARY_TRUSTED, CANARY_OWN);
    String tag = commit("config", "refs/tags/v1", CANARY_TRUSTED, CANARY_OWN);
    event(new TriggerEvent.RefUpdated("local", "config", "refs/tags/v1", "0", tag, tag));
    scheduler.runUntilIdle();
    assertThat(builds().subList(1, builds().size()))
        .hasSize(4)
        .allSatisfy(
            b -> {
              assertThat(b.job()).isEmpty();
              assertThat(b.status()).isEqualTo(BuildStatus.SUCCESS);
            });
    assertThat(ranJobs()).containsExactly("hello");
    assertThat(canaryInAnyLog()).isFalse();
    assertThat(source.current().context().baseJobs()).containsOnlyKeys("base/hello");

    // Merged: the trusted file is re-read first, then post runs the change's jobs (positive
    // control).
    String merged = push("config", "main", CANARY_TRUSTED, CANARY_OWN);
    assertThat(source.state().commit()).contains(merged);
    assertThat(ranJobs()).containsExactly("hello", "hello", "canary", "canary-local");
    assertThat(canaryInAnyLog()).isTrue();
    assertThat(
            builds().stream().filter(b -> logs.text(b.id()).contains(CANARY)).map(Build::pipeline))
        .containsOnly(PipelineName.POST);
  }

  @Test
  void a_broken_proposal_is_a_config_error_with_line_comments_on_both_files_and_runs_nothing() {
    start(Optional.empty());
    push("config", "main", TRUSTED, OWN);
    propose("c2", TRUSTED + "  base/x: {extends: base/nope}\nconnections: []\n", CANARY_OWN);
    Build check = builds().getLast();
    assertThat(check.status()).isEqualTo(BuildStatus.CONFIG_ERROR);
    assertThat(check.detail().lines())
        .contains(
            "seakeeper.yaml:3:21: error: base job 'base/x' extends unknown base job 'base/nope'",
            "seakeeper.yaml:4:1: error: 'connections' belongs in the server config file only; the"
                + " trusted config repo holds [default_timeout, base_jobs, pipelines, gate,"
                + " limits, secrets]");
    assertThat(check.detail())
        .contains(".seakeeper.yaml:3:21: error: unknown base job 'base/canary'");
    Review review =
        Reviews.compose(
            store.queries().buildset(check.buildsetId()).orElseThrow(),
            List.of(check),
            reporter.reports().getLast().entry().kind(),
            "http://ci/");
    assertThat(review.verified()).isEqualTo(-1);
    assertThat(review.comments())
        .extracting(Review.LineComment::path)
        .contains("seakeeper.yaml", ".seakeeper.yaml");
    assertThat(review.message()).contains("seakeeper.yaml and .seakeeper.yaml have problems");
    assertThat(ranJobs()).containsExactly("hello");
    assertThat(canaryInAnyLog()).isFalse();
  }

  @Test
  void the_gate_only_validates_a_config_repo_change_and_its_jobs_run_after_the_submit() {
    start(Optional.empty());
    push("config", "main", TRUSTED, OWN);
    String sha = propose("c3", CANARY_TRUSTED, CANARY_OWN);
    event(
        new TriggerEvent.ApprovalsChanged(
            "local", "config", "main", "c3", "1", sha, Map.of("Code-Review", 2), "reviewer"));
    Build gated = builds().getLast();
    assertThat(gated.pipeline()).isEqualTo(PipelineName.GATE);
    assertThat(gated.job()).isEmpty();
    assertThat(gated.status()).isEqualTo(BuildStatus.SUCCESS);
    assertThat(gate.submitted()).extracting(c -> c.change()).containsExactly("c3");
    assertThat(ranJobs()).containsExactly("hello");
    assertThat(canaryInAnyLog()).isFalse();
  }

  @Test
  void a_config_repo_change_whose_submit_is_always_refused_fails_the_gate_instead_of_looping() {
    start(Optional.empty());
    push("config", "main", TRUSTED, OWN);
    gate.refuseEverySubmit(true);
    String sha = propose("c5", CANARY_TRUSTED, CANARY_OWN);
    event(
        new TriggerEvent.ApprovalsChanged(
            "local", "config", "main", "c5", "1", sha, Map.of("Code-Review", 2), "reviewer"));
    List<Build> gateRuns =
        builds().stream().filter(b -> b.pipeline() == PipelineName.GATE).toList();
    assertThat(gateRuns).hasSize(4).allSatisfy(b -> assertThat(b.job()).isEmpty());
    assertThat(gateRuns.getLast().status())
        .as("the refusal is recorded on the last run")
        .isEqualTo(BuildStatus.ERROR);
    assertThat(gateRuns.getLast().detail()).contains("No-Unresolved-Comments");
    assertThat(gateRuns.getLast().startedAt()).as("the refusal record never ran").isEmpty();
    assertThat(reporter.reports().getLast().entry().kind())
        .isEqualTo(org.seakeeper.core.store.OutboxKind.GATE_FAILED);
    assertThat(gate.submitted()).isEmpty();
    assertThat(ranJobs()).containsExactly("hello");
  }

  @Test
  void
      the_merged_file_is_re_read_when_the_branch_moves_and_a_broken_tip_keeps_the_last_good_config() {
    start(Optional.empty());
    String good = push("config", "main", TRUSTED + "pipelines:\n  release: {tags: 'rel-*'}\n", OWN);
    assertThat(source.state().commit()).contains(good);
    assertThat(source.current().releaseTags().matches("rel-1")).isTrue();

    // Broken: the last good config stays, the problems are reported with their positions.
    String broken = push("config", "main", TRUSTED + "pipelines:\n  release: {tagz: x}\n", OWN);
    assertThat(source.state().commit()).contains(good);
    assertThat(source.state().rejected()).contains(broken);
    assertThat(source.state().problems())
        .containsExactly(
            "seakeeper.yaml:4:13: error: unknown key 'tagz' in pipelines.release (did you mean"
                + " 'tags'?)");
    assertThat(rejected)
        .containsExactly(
            "seakeeper.yaml:4:13: error: unknown key 'tagz' in pipelines.release (did you mean"
                + " 'tags'?)");
    assertThat(source.current().releaseTags().matches("rel-1")).isTrue();
    Build post = builds().getLast();
    assertThat(post.commit()).isEqualTo(broken);
    assertThat(post.status()).isEqualTo(BuildStatus.CONFIG_ERROR);
    assertThat(post.detail())
        .contains("the last good trusted config stays in force (" + good + ")")
        .contains("seakeeper.yaml:4:13: error:");
    assertThat(ranJobs()).containsExactly("hello"); // the broken commit's jobs do not run

    // A release tag of another project is judged by the config in force.
    String demo =
        commit(
            "demo",
            "refs/tags/rel-1",
            null,
            "jobs:\n  ship: {run: echo ship}\npipelines:\n  release: [ship]\n");
    event(new TriggerEvent.RefUpdated("local", "demo", "refs/tags/rel-1", "0", demo, demo));
    assertThat(builds().getLast().pipeline()).isEqualTo(PipelineName.RELEASE);

    // Good again: in force, the problems gone.
    String fixed =
        push("config", "main", TRUSTED + "pipelines:\n  release: {tags: 'ship-*'}\n", OWN);
    assertThat(source.state().commit()).contains(fixed);
    assertThat(source.state().problems()).isEmpty();
    assertThat(source.current().releaseTags().matches("rel-1")).isFalse();
    assertThat(source.current().releaseTags().matches("ship-1")).isTrue();
    assertThat(loaded).containsExactly(good, fixed);
  }

  @Test
  void a_config_repo_file_that_conflicts_with_the_server_file_is_refused() {
    start(Optional.empty());
    push("config", "main", "gate: {window: 2}\n" + TRUSTED, OWN);
    assertThat(source.state().commit()).isEmpty();
    assertThat(source.state().problems())
        .containsExactly(
            "seakeeper.yaml:1:1: error: 'gate' is already set in the server config; set it in one"
                + " place (the server file or the config repo)");
    assertThat(builds().getLast().status()).isEqualTo(BuildStatus.CONFIG_ERROR);
    assertThat(ranJobs()).isEmpty();
  }

  @Test
  void after_a_restart_a_broken_tip_falls_back_to_the_remembered_last_good_commit() {
    start(Optional.empty());
    String good = push("config", "main", CANARY_TRUSTED, OWN);
    commit(
        "config",
        "refs/heads/main",
        "base_jobs: [oops]\n",
        OWN); // pushed while the server was down
    start(Optional.of(good));
    assertThat(source.state().commit()).contains(good);
    assertThat(source.current().context().baseJobs()).containsKey("base/canary");
    assertThat(source.state().problems())
        .singleElement()
        .asString()
        .startsWith("seakeeper.yaml:1:12: error:");
  }

  @Test
  void without_a_file_on_the_branch_only_the_server_sections_apply() {
    server =
        ServerConfigParser.parse(
                "base_jobs:\n  base/hello: {run: echo hi}\n".getBytes(StandardCharsets.UTF_8))
            .sections()
            .orElseThrow();
    start(Optional.empty());
    String sha = push("config", "main", null, OWN);
    assertThat(source.state().commit()).contains(sha);
    assertThat(source.state().problems())
        .singleElement()
        .asString()
        .contains("there is no seakeeper.yaml at this commit");
    assertThat(ranJobs()).containsExactly("hello");
  }

  @Test
  void a_manual_post_of_the_config_branch_runs_its_merged_jobs() {
    start(Optional.empty());
    push("config", "main", TRUSTED, OWN);
    assertThat(
            scheduler
                .trigger("local", "config", PipelineName.POST, "refs/heads/main", "admin")
                .ok())
        .isTrue();
    scheduler.runUntilIdle();
    assertThat(ranJobs()).containsExactly("hello", "hello");
  }

  @Test
  void a_check_build_from_before_the_repo_became_the_config_repo_is_never_run_again() {
    start(Optional.empty(), Optional.empty()); // an ordinary project first
    executor.hold();
    propose(
        "c4",
        CANARY_TRUSTED,
        "jobs:\n  canary-local: {run: echo " + CANARY + "}\npipelines:\n  check: [canary-local]\n");
    Build old = builds().getLast();
    assertThat(old.job()).contains("canary-local");
    start(
        Optional.of(REPO),
        Optional.empty()); // restarted with config_repo: the held run is interrupted
    Build retry = builds().getLast();
    assertThat(retry.attempt()).isEqualTo(2);
    assertThat(retry.status()).isEqualTo(BuildStatus.ERROR);
    assertThat(retry.startedAt()).as("it never started").isEmpty();
    assertThat(retry.detail())
        .isEqualTo(
            "jobs of the trusted config repo run only after a change merges (post of main), never"
                + " for refs/for/main");
    assertThat(executor.started()).hasSize(1); // only the run from before
  }
}
