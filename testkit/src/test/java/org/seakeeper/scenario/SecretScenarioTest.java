package org.seakeeper.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.core.secret.SecretValue;

/**
 * Which builds get which secrets (docs/contracts.md §1, §2), through the real scheduler on fakes.
 */
class SecretScenarioTest {
  static final String POST_PUBLISH =
      """
      jobs:
        test: {run: make test}
        publish: {run: make publish, secrets: [token], needs: [test]}
      pipelines:
        check: [test]
        post: [test, publish]
        gate: [test, publish]
      """;

  private static final SecretValue TOKEN = SecretValue.of("tok-1234567890");

  private static ExecutionRequest started(Harness h, String job) {
    return h.executor.started().stream()
        .filter(r -> r.jobName().equals(job))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("never started: " + job));
  }

  private static void runPost(Harness h, String yaml) {
    h.push("main", yaml);
    h.step();
    h.executor.release("test", new JobOutcome.Succeeded());
    h.step();
  }

  @Test
  void a_post_job_gets_its_secret_and_only_the_jobs_that_declare_it_do() {
    Harness h = new Harness();
    h.secrets.put(SecretBinding.of("local", "demo", "token"), TOKEN);
    runPost(h, POST_PUBLISH);
    assertThat(h.executor.heldJobs()).containsExactly("publish");
    assertThat(started(h, "publish").secrets()).isEqualTo(Map.of("token", TOKEN));
    assertThat(started(h, "test").secrets()).isEmpty();
    h.executor.release("publish", new JobOutcome.Succeeded());
    h.step();
    assertThat(h.status("publish")).isEqualTo(BuildStatus.SUCCESS);
  }

  @Test
  void the_same_job_listed_in_check_is_a_config_error_and_nothing_runs() {
    Harness h = new Harness();
    h.secrets.put(SecretBinding.of("local", "demo", "token"), TOKEN);
    h.upload("I1", "1", POST_PUBLISH.replace("check: [test]", "check: [test, publish]"));
    h.step();
    assertThat(h.builds())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.status()).isEqualTo(BuildStatus.CONFIG_ERROR);
              assertThat(b.detail())
                  .contains("job 'publish' has secrets [token] but is in pipeline 'check'");
            });
    assertThat(h.executor.started()).isEmpty();
  }

  @Test
  void a_check_build_never_carries_secrets() {
    Harness h = new Harness();
    h.secrets.put(
        new SecretBinding(
            "local",
            "demo",
            "token",
            EnumSet.of(
                PipelineName.GATE, PipelineName.POST, PipelineName.PERIODIC, PipelineName.RELEASE)),
        TOKEN);
    h.upload("I1", "1", POST_PUBLISH);
    h.step();
    h.executor.release("test", new JobOutcome.Succeeded());
    h.step();
    assertThat(h.executor.started()).extracting(ExecutionRequest::jobName).containsExactly("test");
    assertThat(h.executor.secretsSeen().values()).allSatisfy(s -> assertThat(s).isEmpty());
  }

  /**
   * Uploads a change, lets its check pass and approves it: it enters the gate (docs/contracts.md
   * §4).
   */
  private static void gate(Harness h, String change) {
    String sha = h.upload(change, "1", POST_PUBLISH);
    h.step();
    h.executor.release("test", new JobOutcome.Succeeded());
    h.step();
    h.event(
        new TriggerEvent.ApprovalsChanged(
            "local", "demo", "main", change, "1", sha, Map.of("Code-Review", 2), "vote-" + change));
    h.step();
    h.executor.release("test", new JobOutcome.Succeeded());
    h.step();
  }

  @Test
  void gate_gets_a_secret_only_when_its_scope_names_gate() {
    Harness h = new Harness();
    h.secrets.put(SecretBinding.of("local", "demo", "token"), TOKEN);
    gate(h, "I1");
    Build refused =
        h.builds().stream()
            .filter(
                b -> b.pipeline() == PipelineName.GATE && b.job().equals(Optional.of("publish")))
            .findFirst()
            .orElseThrow();
    assertThat(refused.status()).isEqualTo(BuildStatus.CONFIG_ERROR);
    assertThat(refused.detail())
        .contains("secret 'token' is not granted to this gate build")
        .contains("add 'gate'");
    assertThat(h.executor.started())
        .extracting(ExecutionRequest::jobName)
        .doesNotContain("publish");

    h.secrets.put(
        new SecretBinding(
            "local", "demo", "token", EnumSet.of(PipelineName.GATE, PipelineName.POST)),
        TOKEN);
    gate(h, "I2");
    assertThat(started(h, "publish").secrets()).isEqualTo(Map.of("token", TOKEN));
    assertThat(
            h.builds().stream()
                .filter(b -> b.job().equals(Optional.of("publish")))
                .reduce((a, b) -> b)
                .orElseThrow()
                .pipeline())
        .isEqualTo(PipelineName.GATE);
  }

  @Test
  void a_secret_of_another_project_is_never_given() {
    Harness h = new Harness();
    h.secrets.put(SecretBinding.of("local", "other", "token"), TOKEN);
    h.secrets.put(SecretBinding.of("review", "demo", "token"), TOKEN);
    runPost(h, POST_PUBLISH);
    assertThat(h.status("publish")).isEqualTo(BuildStatus.CONFIG_ERROR);
    assertThat(h.build("publish").detail())
        .contains("secret 'token' is not set for project demo of connection local")
        .contains("seakeeper secrets set");
    assertThat(h.executor.started()).extracting(ExecutionRequest::jobName).containsExactly("test");
  }

  @Test
  void
      a_missing_secret_ends_the_build_and_skips_its_dependents_and_a_retry_after_setting_it_runs() {
    Harness h = new Harness();
    String yaml =
        POST_PUBLISH
            .replace("post: [test, publish]", "post: [test, publish, announce]")
            .replace("jobs:\n", "jobs:\n  announce: {run: echo done, needs: [publish]}\n");
    runPost(h, yaml);
    assertThat(h.status("publish")).isEqualTo(BuildStatus.CONFIG_ERROR);
    assertThat(h.status("announce")).isEqualTo(BuildStatus.SKIPPED);
    assertThat(h.reporter.reports()).hasSize(1);

    h.secrets.put(SecretBinding.of("local", "demo", "token"), TOKEN);
    assertThat(h.scheduler.retry(h.build("publish").id(), "admin").code()).isEqualTo(202);
    h.step();
    assertThat(started(h, "publish").secrets()).containsEntry("token", TOKEN);
  }

  @Test
  void the_log_masks_a_granted_secrets_value() {
    Harness h = new Harness();
    h.secrets.put(SecretBinding.of("local", "demo", "token"), TOKEN);
    runPost(h, POST_PUBLISH);
    h.executor.print("publish", "the token is tok-1234567890, really");
    h.executor.release("publish", new JobOutcome.Succeeded());
    h.step();
    String log = h.logs.text(h.build("publish").id());
    assertThat(log).contains("the token is [masked], really").doesNotContain("tok-1234567890");
  }

  /**
   * What a build was given is kept when it starts (issue 13, the build page): the trusted post job
   * that declares the secret is recorded with its name and the network, never the value; the
   * untrusted check job with none and no network; both with their config as resolved from {@code
   * extends:}.
   */
  @Test
  void a_started_build_keeps_the_names_of_the_secrets_it_was_given_and_its_resolved_config() {
    String yaml =
        """
        jobs:
          base: {run: make base, timeout: 7m, variables: {MODE: "<fast>"}, checkout: {depth: 3}}
          test: {extends: base, run: make test}
          publish:
            extends: base
            run: make publish
            secrets: [token]
            needs: [test]
            artifacts: ["dist/*"]
        pipelines:
          check: [test]
          post: [test, publish]
        """;
    Harness h = new Harness();
    h.secrets.put(SecretBinding.of("local", "demo", "token"), TOKEN);
    runPost(h, yaml);
    assertThat(h.executor.heldJobs()).containsExactly("publish");
    Build publish = h.build("publish");
    assertThat(publish.status()).isEqualTo(BuildStatus.RUNNING);
    org.seakeeper.core.build.BuildRun run = h.store.queries().run(publish.id()).orElseThrow();
    assertThat(run.secrets()).containsExactly("token");
    assertThat(run.network()).isTrue();
    assertThat(run.image()).isEqualTo("host");
    assertThat(run.timeout()).isEqualTo(java.time.Duration.ofMinutes(7));
    assertThat(run.checkoutDepth()).isEqualTo(3);
    assertThat(run.config().script()).isEqualTo("make publish");
    assertThat(run.config().variables()).containsExactly(Map.entry("MODE", "<fast>"));
    assertThat(run.config().secrets()).containsExactly("token");
    assertThat(run.config().needs()).containsExactly("test");
    assertThat(run.config().artifacts()).containsExactly("dist/*");
    assertThat(run.config().cut()).isEmpty();
    assertThat(run.toString()).doesNotContain("tok-1234567890");
    assertThat(started(h, "publish").secrets()).isEqualTo(Map.of("token", TOKEN));

    // the check build of a proposed change: untrusted, nothing handed over, no network
    h.upload("I1", "1", yaml);
    h.step();
    Build check =
        h.builds().stream()
            .filter(b -> b.pipeline() == PipelineName.CHECK)
            .findFirst()
            .orElseThrow();
    assertThat(check.status()).isEqualTo(BuildStatus.RUNNING);
    org.seakeeper.core.build.BuildRun checkRun = h.store.queries().run(check.id()).orElseThrow();
    assertThat(checkRun.secrets()).isEmpty();
    assertThat(checkRun.network()).isFalse();
    assertThat(checkRun.config().script()).isEqualTo("make test");
    assertThat(checkRun.config().variables()).containsExactly(Map.entry("MODE", "<fast>"));
    assertThat(checkRun.checkoutDepth()).isEqualTo(3);

    // every build that ever started has its facts; a build that never started has none
    h.executor.release("publish", new JobOutcome.Succeeded());
    h.step();
    assertThat(h.builds())
        .allSatisfy(
            b ->
                assertThat(h.store.queries().run(b.id()).isPresent())
                    .as("build %d (%s)", b.id(), b.status())
                    .isEqualTo(b.startedAt().isPresent()));
  }

  @Test
  void a_build_whose_secret_is_refused_never_started_and_keeps_no_facts() {
    Harness h = new Harness();
    runPost(h, POST_PUBLISH);
    Build publish = h.build("publish");
    assertThat(publish.status()).isEqualTo(BuildStatus.CONFIG_ERROR);
    assertThat(publish.startedAt()).isEmpty();
    assertThat(h.store.queries().run(publish.id())).isEmpty();
    assertThat(h.store.queries().run(h.build("test").id())).isPresent();
  }
}
