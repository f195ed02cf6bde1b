package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.scheduler.Scheduler;
import org.seakeeper.core.scheduler.SchedulerMetrics;
import org.seakeeper.core.scheduler.SchedulerPorts;
import org.seakeeper.core.scheduler.SchedulerSettings;
import org.seakeeper.core.scheduler.TrustedConfig;
import org.seakeeper.core.scheduler.TrustedConfigSource;
import org.seakeeper.core.secret.LayeredSecretStore;
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.core.secret.SecretValue;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.testkit.FakeConfigSecretOpener;
import org.seakeeper.testkit.FakeExecutor;
import org.seakeeper.testkit.FakeGate;
import org.seakeeper.testkit.FakeRepos;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemorySecretStore;
import org.seakeeper.testkit.InMemoryStore;
import org.seakeeper.testkit.ManualClock;
import org.seakeeper.testkit.RecordingReporter;

/**
 * Secrets defined in the trusted config repo's file (docs/contracts.md §2, issue 6): decrypted when
 * the merged file is loaded, offered through the same {@code SecretPolicy} as the admin's, never
 * from a proposed change, and the admin store wins a slot defined in both.
 */
class ConfigRepoSecretScenarioTest {
  static final ServerConfig.ConfigRepo REPO =
      new ServerConfig.ConfigRepo("local", "config", "main", "seakeeper.yaml");
  static final String CONFIG_OWN =
      "jobs:\n  lint: {run: echo lint}\npipelines:\n  check: [lint]\n  post: [lint]\n";
  static final String DEMO =
      """
      jobs:
        test: {run: echo test}
        publish: {run: echo publish, secrets: [token], needs: [test]}
      pipelines:
        check: [test]
        post: [test, publish]
      """;
  static final SecretBinding TOKEN = SecretBinding.of("local", "demo", "token");

  final InMemoryStore store = new InMemoryStore();
  final FakeRepos repos = new FakeRepos();
  final FakeExecutor executor = new FakeExecutor();
  final InMemoryLogStore logs = new InMemoryLogStore();
  final RecordingReporter reporter = new RecordingReporter();
  final FakeGate gate = new FakeGate(repos);
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T10:00:00Z"));
  final InMemorySecretStore admin = new InMemorySecretStore();
  final FakeConfigSecretOpener opener = new FakeConfigSecretOpener();
  TrustedConfigSource source;
  Scheduler scheduler;

  void start() {
    source =
        new TrustedConfigSource(
            ServerConfigParser.parse(new byte[0]).sections().orElseThrow(),
            Optional.of(REPO),
            repos,
            Optional.empty(),
            TrustedConfigSource.Listener.NONE,
            opener);
    TrustedConfigSource s = source;
    TrustedConfig initial = source.current();
    SchedulerSettings settings =
        new SchedulerSettings(
            Map.of(Tier.UNTRUSTED, 4, Tier.TRUSTED, 4, Tier.PRIVILEGED, 1),
            initial.context(),
            initial.releaseTags(),
            initial.periodic(),
            List.of(new RepoRef("local", "config"), new RepoRef("local", "demo")));
    LayeredSecretStore secrets = new LayeredSecretStore(admin, () -> s.current().secrets());
    scheduler =
        new Scheduler(
            new SchedulerPorts(
                store, repos, executor, logs, reporter, SchedulerMetrics.NONE, secrets),
            gate.ports(),
            settings,
            source,
            clock,
            () -> {});
    scheduler.recover();
    scheduler.runUntilIdle();
  }

  static String entry(SecretBinding b, byte[] sealed) {
    String pipelines =
        b.pipelines().equals(SecretBinding.DEFAULT_SCOPE)
            ? ""
            : ", pipelines: [" + String.join(", ", b.pipelineIds()) + "]";
    return "  - {connection: "
        + b.connection()
        + ", project: "
        + b.project()
        + ", name: "
        + b.name()
        + pipelines
        + ", value: "
        + Base64.getEncoder().encodeToString(sealed)
        + "}\n";
  }

  static String secretsFile(String... entries) {
    return "secrets:\n" + String.join("", entries);
  }

  String pushConfig(String trusted) {
    String sha =
        repos.commit(
            "local",
            "config",
            "refs/heads/main",
            Map.of("seakeeper.yaml", trusted, ".seakeeper.yaml", CONFIG_OWN));
    event(new TriggerEvent.RefUpdated("local", "config", "refs/heads/main", "0", sha, sha));
    return sha;
  }

  String proposeConfig(String change, String trusted) {
    String sha =
        repos.commit(
            "local",
            "config",
            "refs/for/main",
            Map.of("seakeeper.yaml", trusted, ".seakeeper.yaml", CONFIG_OWN));
    event(
        new TriggerEvent.ChangeProposed(
            "local", "config", "main", change, "1", sha, "refs/for/main"));
    return sha;
  }

  String pushDemo(String own) {
    String sha = repos.commit("local", "demo", "refs/heads/main", Map.of(".seakeeper.yaml", own));
    event(new TriggerEvent.RefUpdated("local", "demo", "refs/heads/main", "0", sha, sha));
    return sha;
  }

  String proposeDemo(String change, String own) {
    String sha = repos.commit("local", "demo", "refs/for/main", Map.of(".seakeeper.yaml", own));
    event(
        new TriggerEvent.ChangeProposed(
            "local", "demo", "main", change, "1", sha, "refs/for/main"));
    return sha;
  }

  void event(TriggerEvent e) {
    store.transaction(tx -> tx.inbox().add(e, clock.instant()));
    scheduler.runUntilIdle();
  }

  List<Build> builds() {
    return store.queries().list(BuildQuery.latest(1000)).reversed();
  }

  Build last(String job) {
    return builds().stream()
        .filter(b -> b.job().equals(Optional.of(job)))
        .reduce((a, b) -> b)
        .orElseThrow();
  }

  List<ExecutionRequest> started(String job) {
    return executor.started().stream().filter(r -> r.jobName().equals(job)).toList();
  }

  @Test
  void a_post_job_gets_the_config_repos_secret_and_a_check_job_never_does() {
    start();
    pushConfig(secretsFile(entry(TOKEN, FakeConfigSecretOpener.seal(TOKEN, "repo-tok-123"))));
    assertThat(source.state().problems()).isEmpty();
    assertThat(source.current().secrets().list(Optional.empty())).containsExactly(TOKEN);

    pushDemo(DEMO);
    assertThat(last("publish").status()).isEqualTo(BuildStatus.SUCCESS);
    assertThat(last("publish").pipeline()).isEqualTo(PipelineName.POST);
    assertThat(started("publish"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.secrets()).isEqualTo(Map.of("token", SecretValue.of("repo-tok-123"))));
    assertThat(started("test")).allSatisfy(r -> assertThat(r.secrets()).isEmpty());

    // check: the job that declares it is a config error there, and every check request is without
    // secrets
    proposeDemo("I1", DEMO);
    Build check = builds().getLast();
    assertThat(check.pipeline()).isEqualTo(PipelineName.CHECK);
    assertThat(check.tier()).isEqualTo(Tier.UNTRUSTED);
    proposeDemo("I2", DEMO.replace("check: [test]", "check: [test, publish]"));
    assertThat(builds().getLast().status()).isEqualTo(BuildStatus.CONFIG_ERROR);
    assertThat(builds().getLast().detail())
        .contains("job 'publish' has secrets [token] but is in pipeline 'check'");
    assertThat(executor.started())
        .filteredOn(r -> r.tier() == Tier.UNTRUSTED)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.secrets()).isEmpty());
    assertThat(started("publish")).hasSize(1);
  }

  @Test
  void a_config_repo_secret_follows_the_same_policy_scope_project_and_gate() {
    start();
    SecretBinding releaseOnly =
        new SecretBinding("local", "demo", "token", EnumSet.of(PipelineName.RELEASE));
    SecretBinding other = SecretBinding.of("local", "other", "token");
    pushConfig(
        secretsFile(
            entry(releaseOnly, FakeConfigSecretOpener.seal(releaseOnly, "r")),
            entry(other, FakeConfigSecretOpener.seal(other, "o"))));
    assertThat(source.state().problems()).isEmpty();
    pushDemo(DEMO);
    assertThat(last("publish").status()).isEqualTo(BuildStatus.CONFIG_ERROR);
    assertThat(last("publish").detail())
        .contains(
            "secret 'token' is not granted to this post build: its pipelines are release, not"
                + " post");
    assertThat(started("publish")).isEmpty();
  }

  @Test
  void a_proposed_config_repo_change_never_offers_its_secrets_and_they_count_only_once_merged() {
    start();
    pushConfig("base_jobs: {}\n");
    String newSecret =
        secretsFile(entry(TOKEN, FakeConfigSecretOpener.seal(TOKEN, "proposed-tok")));
    proposeConfig("c1", newSecret);
    Build validated = builds().getLast();
    assertThat(validated.job()).isEmpty();
    assertThat(validated.status()).isEqualTo(BuildStatus.SUCCESS);
    assertThat(validated.detail()).startsWith("validated, not run").doesNotContain("proposed-tok");
    assertThat(source.current().secrets().size()).isZero();

    pushDemo(DEMO);
    assertThat(last("publish").status()).isEqualTo(BuildStatus.CONFIG_ERROR);
    assertThat(last("publish").detail()).contains("secret 'token' is not set for project demo");
    assertThat(started("publish")).isEmpty();

    // A proposal whose secret does not decrypt is reported (without the value), and runs nothing.
    SecretBinding elsewhere = SecretBinding.of("local", "other", "token");
    proposeConfig(
        "c2", secretsFile(entry(TOKEN, FakeConfigSecretOpener.seal(elsewhere, "moved-tok"))));
    assertThat(builds().getLast().status()).isEqualTo(BuildStatus.CONFIG_ERROR);
    assertThat(builds().getLast().detail())
        .contains("seakeeper.yaml:2:")
        .contains(
            "secret 'token' of project demo (connection local, pipelines post, periodic, release)"
                + " cannot be decrypted: it was encrypted for another")
        .doesNotContain("moved-tok");

    // Merged: now it is offered to post.
    pushConfig(newSecret);
    assertThat(source.current().secrets().size()).isEqualTo(1);
    assertThat(scheduler.retry(last("publish").id(), "admin").code()).isEqualTo(202);
    scheduler.runUntilIdle();
    assertThat(started("publish"))
        .singleElement()
        .satisfies(
            r -> assertThat(r.secrets()).containsEntry("token", SecretValue.of("proposed-tok")));
  }

  @Test
  void
      an_entry_moved_to_another_project_name_or_scope_is_a_config_problem_and_the_last_good_config_stays() {
    start();
    byte[] sealed = FakeConfigSecretOpener.seal(TOKEN, "tok");
    String good = pushConfig(secretsFile(entry(TOKEN, sealed)));
    for (SecretBinding moved :
        List.of(
            SecretBinding.of("local", "other", "token"),
            SecretBinding.of("local", "demo", "token2"),
            new SecretBinding(
                "local",
                "demo",
                "token",
                EnumSet.of(
                    PipelineName.GATE,
                    PipelineName.POST,
                    PipelineName.PERIODIC,
                    PipelineName.RELEASE)))) {
      String bad = pushConfig(secretsFile(entry(moved, sealed)));
      assertThat(source.state().commit()).contains(good);
      assertThat(source.state().rejected()).contains(bad);
      assertThat(source.state().problems())
          .singleElement()
          .asString()
          .startsWith("seakeeper.yaml:2:")
          .contains("secret '" + moved.name() + "' of project " + moved.project())
          .contains(
              "cannot be decrypted: it was encrypted for another connection, project, name or"
                  + " pipelines");
      assertThat(source.current().secrets().list(Optional.empty()))
          .as("the last good file's secret, with its own scope")
          .containsExactly(TOKEN);
    }
  }

  @Test
  void the_admin_store_wins_a_slot_defined_in_both() {
    start();
    pushConfig(secretsFile(entry(TOKEN, FakeConfigSecretOpener.seal(TOKEN, "from-repo"))));
    admin.put(TOKEN, SecretValue.of("from-admin"));
    pushDemo(DEMO);
    assertThat(started("publish"))
        .singleElement()
        .satisfies(
            r -> assertThat(r.secrets()).containsEntry("token", SecretValue.of("from-admin")));
    LayeredSecretStore layered = new LayeredSecretStore(admin, () -> source.current().secrets());
    assertThat(layered.list(Optional.of("demo"))).containsExactly(TOKEN);
    assertThat(layered.delete("local", "demo", "token")).isTrue();
    assertThat(layered.get("local", "demo", "token").orElseThrow().value())
        .isEqualTo(SecretValue.of("from-repo"));
    assertThat(layered.delete("local", "demo", "token"))
        .as("the config repo's entry changes only with the repo")
        .isFalse();
  }
}
