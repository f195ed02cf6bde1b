package org.seakeeper.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.secret.SecretValue;

/**
 * The behaviour every {@link Executor} shares: the bubblewrap sandbox, Kubernetes and the fake all
 * pass these tests, which keeps the fake honest. Subclasses say how to make one.
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
        "contract-" + ProcessHandle.current().pid() + "-" + IDS.incrementAndGet(),
        "contract",
        script,
        timeout,
        "host",
        tier,
        false,
        Map.of(),
        emptyCheckout(),
        List.of());
  }

  protected Executor.Result run(ExecutionRequest r, List<String> lines) throws Exception {
    return run(executor(), r, lines);
  }

  protected Executor.Result run(Executor executor, ExecutionRequest r, List<String> lines)
      throws Exception {
    return executor.start(r, lines::add).result().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /**
   * Where the executor makes what an execution needs on disk (workspaces, per-tier files, collected
   * artifacts), for checking that a refused request made nothing there; empty for an executor that
   * makes nothing on disk.
   */
  protected Optional<Path> workDirectory(Tier tier) {
    return Optional.empty();
  }

  /** A script that, were it run, would print {@link #RAN} and leave a marker artifact behind. */
  private ExecutionRequest refusable(Tier tier) {
    ExecutionRequest r =
        request(
            "mkdir -p out\necho ran > out/" + MARKER + "\necho " + RAN,
            Duration.ofSeconds(30),
            tier);
    return new ExecutionRequest(
        r.id(),
        r.jobName(),
        r.script(),
        r.timeout(),
        r.image(),
        r.tier(),
        r.network(),
        r.variables(),
        r.checkout(),
        List.of("out/**"));
  }

  private static final String RAN = "ran-although-refused";
  private static final String MARKER = "refused-marker";

  /**
   * Runs {@code refused} on {@code executor} (bound to {@code bound}) and checks that it ended as
   * an infrastructure error whose reason passes {@code reason}, and that nothing of it ever
   * started: no line, no workspace, no marker, not even after a request started later on the same
   * executor has ended (a refusal that still starts the job in the background shows by then).
   */
  private void assertRefusedBeforeAnythingStarts(
      Executor executor, Tier bound, ExecutionRequest refused, Consumer<String> reason)
      throws Exception {
    // what a request of the executor's own tier leaves behind (caches, per-tier files) is not the
    // refusal's doing
    assertThat(
            run(executor, request("true", Duration.ofSeconds(30), bound), new ArrayList<>())
                .outcome())
        .isInstanceOf(JobOutcome.Succeeded.class);
    Set<String> before = entries(bound);
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Executor.Result r = run(executor, refused, lines);
    assertThat(r.outcome())
        .as("%s executor given %s", bound, refused)
        .isInstanceOf(JobOutcome.InfraError.class);
    reason.accept(((JobOutcome.InfraError) r.outcome()).reason());
    assertThat(r.artifacts()).isEmpty();
    assertThat(
            run(executor, request("true", Duration.ofSeconds(30), bound), new ArrayList<>())
                .outcome())
        .isInstanceOf(JobOutcome.Succeeded.class);
    assertThat(lines).as("output of a refused request").isEmpty();
    Set<String> made = entries(bound);
    made.removeAll(before);
    // The request that ran after it may still be being discarded (its workspace moved aside, then
    // deleted in the background): that is not the refusal's doing. Anything of the refused
    // request's own id counts, wherever it is.
    made.removeIf(p -> !p.contains(refused.id() + "-") && p.matches("(.*/)?\\.trash(/.*)?"));
    assertThat(made).as("what a refused request made in the work directory").isEmpty();
  }

  private Set<String> entries(Tier tier) throws java.io.IOException {
    Optional<Path> dir = workDirectory(tier);
    if (dir.isEmpty() || !Files.exists(dir.get())) {
      return new TreeSet<>();
    }
    // Workspaces of finished requests are deleted in the background: a walk must not trip on one.
    Set<String> out = new TreeSet<>();
    Files.walkFileTree(
        dir.get(),
        new java.nio.file.SimpleFileVisitor<>() {
          @Override
          public java.nio.file.FileVisitResult preVisitDirectory(
              Path d, java.nio.file.attribute.BasicFileAttributes a) {
            out.add(dir.get().relativize(d).toString());
            return java.nio.file.FileVisitResult.CONTINUE;
          }

          @Override
          public java.nio.file.FileVisitResult visitFile(
              Path f, java.nio.file.attribute.BasicFileAttributes a) {
            out.add(dir.get().relativize(f).toString());
            return java.nio.file.FileVisitResult.CONTINUE;
          }

          @Override
          public java.nio.file.FileVisitResult visitFileFailed(Path f, java.io.IOException e) {
            return java.nio.file.FileVisitResult.CONTINUE;
          }
        });
    return out;
  }

  @Test
  void an_executor_refuses_a_request_of_another_tier_before_anything_starts() throws Exception {
    for (Tier bound : Tier.values()) {
      for (Tier asked : Tier.values()) {
        if (asked != bound) {
          assertRefusedBeforeAnythingStarts(
              executor(bound),
              bound,
              refusable(asked),
              why -> assertThat(why).contains(bound.id()).contains(asked.id()));
        }
      }
    }
  }

  @Test
  void each_tiers_executor_runs_its_own_tiers_requests() throws Exception {
    for (Tier t : Tier.values()) {
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      assertThat(
              run(executor(t), request("echo ran-in-" + t.id(), Duration.ofSeconds(30), t), lines)
                  .outcome())
          .isInstanceOf(JobOutcome.Succeeded.class);
      assertThat(lines).contains("ran-in-" + t.id());
    }
  }

  @Test
  void a_script_that_exits_zero_succeeds() throws Exception {
    assertThat(run(request("true", Duration.ofSeconds(30)), new ArrayList<>()).outcome())
        .isInstanceOf(JobOutcome.Succeeded.class);
  }

  @Test
  void a_script_that_exits_non_zero_fails_with_its_exit_code() throws Exception {
    assertThat(run(request("exit 3", Duration.ofSeconds(30)), new ArrayList<>()).outcome())
        .isEqualTo(new JobOutcome.Failed(3));
  }

  @Test
  void output_lines_reach_the_sink_in_order() throws Exception {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    run(request("echo one\necho two", Duration.ofSeconds(30)), lines);
    assertThat(lines).containsSubsequence("one", "two");
  }

  @Test
  void a_script_running_past_its_timeout_times_out() throws Exception {
    assertThat(run(request("sleep 30", Duration.ofSeconds(1)), new ArrayList<>()).outcome())
        .isEqualTo(new JobOutcome.TimedOut(Duration.ofSeconds(1)));
  }

  @Test
  void an_untrusted_request_with_secrets_is_refused_before_anything_starts() throws Exception {
    ExecutionRequest r =
        refusable(Tier.UNTRUSTED).withSecrets(Map.of("token", SecretValue.of("do-not-run-me")));
    assertRefusedBeforeAnythingStarts(
        executor(),
        Tier.UNTRUSTED,
        r,
        why -> assertThat(why).contains("untrusted").contains("secrets"));
  }

  @Test
  void the_first_failing_command_stops_the_script() throws Exception {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Executor.Result r = run(request("false\necho after", Duration.ofSeconds(30)), lines);
    assertThat(r.outcome()).isEqualTo(new JobOutcome.Failed(1));
    assertThat(lines).doesNotContain("after");
  }
}
