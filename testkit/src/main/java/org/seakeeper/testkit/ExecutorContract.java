package org.seakeeper.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.secret.SecretValue;

/**
 * The behaviour every {@link Executor} shares: the bubblewrap sandbox, Kubernetes and the fake
 * all pass these tests, which keeps the fake honest. Subclasses say how to make one.
 */
public abstract class ExecutorContract {
  private static final AtomicInteger IDS = new AtomicInteger();

  /** An executor under test, bound to {@code tier}'s pool. */
  protected abstract Executor executor(Tier tier);

  /** The untrusted tier's executor. */
  protected Executor executor() {
    return executor(Tier.UNTRUSTED);
  }

  /** A checkout holding nothing (an empty directory, for backends that need one). */
  protected abstract Checkout emptyCheckout();

  protected ExecutionRequest request(String script, Duration timeout) {
    return request(script, timeout, Tier.UNTRUSTED);
  }

  protected ExecutionRequest request(String script, Duration timeout, Tier tier) {
    return new ExecutionRequest(
        "contract-" + ProcessHandle.current().pid() + "-" + IDS.incrementAndGet(), "contract", script, timeout, "host", tier, false, Map.of(), emptyCheckout(), List.of());
  }

  protected Executor.Result run(ExecutionRequest r, List<String> lines) throws Exception {
    return run(executor(), r, lines);
  }

  protected Executor.Result run(Executor executor, ExecutionRequest r, List<String> lines) throws Exception {
    return executor.start(r, lines::add).result().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void an_executor_refuses_a_request_of_another_tier_and_runs_nothing() throws Exception {
    for (Tier bound : Tier.values()) {
      for (Tier asked : Tier.values()) {
        if (asked == bound) {
          continue;
        }
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Executor.Result r = run(executor(bound), request("echo ran-in-the-wrong-tier", Duration.ofSeconds(30), asked), lines);
        assertThat(r.outcome()).as("%s executor given a %s request", bound, asked).isInstanceOf(JobOutcome.InfraError.class);
        assertThat(((JobOutcome.InfraError) r.outcome()).reason()).contains(bound.id()).contains(asked.id());
        assertThat(lines).doesNotContain("ran-in-the-wrong-tier");
      }
    }
  }

  @Test
  void each_tiers_executor_runs_its_own_tiers_requests() throws Exception {
    for (Tier t : Tier.values()) {
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      assertThat(run(executor(t), request("echo ran-in-" + t.id(), Duration.ofSeconds(30), t), lines).outcome()).isInstanceOf(JobOutcome.Succeeded.class);
      assertThat(lines).contains("ran-in-" + t.id());
    }
  }

  @Test
  void a_script_that_exits_zero_succeeds() throws Exception {
    assertThat(run(request("true", Duration.ofSeconds(30)), new ArrayList<>()).outcome()).isInstanceOf(JobOutcome.Succeeded.class);
  }

  @Test
  void a_script_that_exits_non_zero_fails_with_its_exit_code() throws Exception {
    assertThat(run(request("exit 3", Duration.ofSeconds(30)), new ArrayList<>()).outcome()).isEqualTo(new JobOutcome.Failed(3));
  }

  @Test
  void output_lines_reach_the_sink_in_order() throws Exception {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    run(request("echo one\necho two", Duration.ofSeconds(30)), lines);
    assertThat(lines).containsSubsequence("one", "two");
  }

  @Test
  void a_script_running_past_its_timeout_times_out() throws Exception {
    assertThat(run(request("sleep 30", Duration.ofSeconds(1)), new ArrayList<>()).outcome()).isEqualTo(new JobOutcome.TimedOut(Duration.ofSeconds(1)));
  }

  @Test
  void an_untrusted_request_with_secrets_is_refused() throws Exception {
    ExecutionRequest r = request("echo ran", Duration.ofSeconds(30)).withSecrets(Map.of("token", SecretValue.of("do-not-run-me")));
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Executor.Result result = run(r, lines);
    assertThat(result.outcome()).isInstanceOf(JobOutcome.InfraError.class);
    assertThat(((JobOutcome.InfraError) result.outcome()).reason()).contains("untrusted").contains("secrets");
    assertThat(lines).doesNotContain("ran");
  }

  @Test
  void the_first_failing_command_stops_the_script() throws Exception {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Executor.Result r = run(request("false\necho after", Duration.ofSeconds(30)), lines);
    assertThat(r.outcome()).isEqualTo(new JobOutcome.Failed(1));
    assertThat(lines).doesNotContain("after");
  }
}
