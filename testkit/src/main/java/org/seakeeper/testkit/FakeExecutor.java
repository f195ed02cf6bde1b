package org.seakeeper.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.GuardedExecutor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.Tier;

/**
 * An executor for fast scenario tests, after Zuul's: it runs nothing. By default it "runs" a tiny
 * subset of shell at once ({@code echo TEXT}, {@code exit N}, {@code true}, {@code false}, {@code
 * sleep N} against the timeout) so the shared executor contract holds for it too; in holding mode
 * every execution waits until the test releases it with an outcome.
 *
 * <p>Bound to one tier ({@link #FakeExecutor(Tier)}), it refuses requests of another tier through
 * the same {@link GuardedExecutor} as the real executors: an infrastructure error, nothing "run",
 * the request kept in {@link #refused()}. The no-argument form serves every tier, for tests that do
 * not look at tiers.
 *
 * <p>Thread-safe.
 */
public final class FakeExecutor extends GuardedExecutor {
  private static final Pattern EXIT = Pattern.compile("exit\\s+(\\d+)");
  private static final Pattern SLEEP = Pattern.compile("sleep\\s+(\\d+)");
  private final Map<String, Held> held = new LinkedHashMap<>();
  private final List<ExecutionRequest> started = new ArrayList<>();
  private final List<ExecutionRequest> refused = new ArrayList<>();
  private final Optional<Tier> tier;
  private boolean holding;

  /** A fake that serves every tier. */
  public FakeExecutor() {
    super(Optional.empty());
    this.tier = Optional.empty();
  }

  /** A fake bound to {@code tier}'s pool: requests of other tiers are refused, never run. */
  public FakeExecutor(Tier tier) {
    super(tier);
    this.tier = Optional.of(tier);
  }

  /** The tier this fake is bound to, if any. */
  public Optional<Tier> tier() {
    return tier;
  }

  /**
   * Requests that the guard refused before this fake saw them (another tier's, or untrusted ones
   * carrying secrets), in order; none of them is in {@link #started()}.
   */
  public synchronized List<ExecutionRequest> refused() {
    return List.copyOf(refused);
  }

  /** From now on, executions wait for {@link #release}. */
  public synchronized FakeExecutor hold() {
    holding = true;
    return this;
  }

  /** The secrets each started request carried, by request id (what the fake "ran" with). */
  public synchronized Map<String, Map<String, org.seakeeper.core.secret.SecretValue>>
      secretsSeen() {
    Map<String, Map<String, org.seakeeper.core.secret.SecretValue>> out = new LinkedHashMap<>();
    started.forEach(r -> out.put(r.id(), r.secrets()));
    return out;
  }

  /** Every request seen, in start order. */
  public synchronized List<ExecutionRequest> started() {
    return List.copyOf(started);
  }

  /** Names of the jobs currently held. */
  public synchronized List<String> heldJobs() {
    return held.values().stream().map(h -> h.request.jobName()).toList();
  }

  /** The held execution of {@code jobName} prints {@code line} (as a job's output would arrive). */
  public void print(String jobName, String line) {
    Held h;
    synchronized (this) {
      h =
          held.values().stream()
              .filter(x -> x.request.jobName().equals(jobName))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no held execution of job " + jobName));
    }
    h.output.line(line);
  }

  /** Request ids of the executions currently held, in start order. */
  public synchronized List<String> heldIds() {
    return List.copyOf(held.keySet());
  }

  /**
   * Completes the held execution with request id {@code id} (the scheduler uses {@code
   * b<buildId>}).
   */
  public void releaseId(String id, JobOutcome outcome) {
    Held h;
    synchronized (this) {
      h = held.remove(id);
      if (h == null) {
        throw new IllegalStateException("no held execution " + id + "; held: " + held.keySet());
      }
    }
    h.result.complete(new Result(outcome, Duration.ZERO, List.of()));
  }

  /** Completes the held execution of {@code jobName} with {@code outcome}. */
  public void release(String jobName, JobOutcome outcome) {
    Held h;
    synchronized (this) {
      Optional<String> id =
          held.entrySet().stream()
              .filter(e -> e.getValue().request.jobName().equals(jobName))
              .map(Map.Entry::getKey)
              .findFirst();
      if (id.isEmpty()) {
        throw new IllegalStateException(
            "no held execution of job " + jobName + "; held: " + heldJobs());
      }
      h = held.remove(id.get());
    }
    h.result.complete(new Result(outcome, Duration.ZERO, List.of()));
  }

  @Override
  protected synchronized void refused(ExecutionRequest request, String reason) {
    refused.add(request);
  }

  @Override
  protected synchronized Execution launch(ExecutionRequest request, OutputSink output) {
    Held h = new Held(request, new CompletableFuture<>(), output);
    started.add(request);
    if (holding) {
      held.put(request.id(), h);
    } else {
      h.result.complete(new Result(interpret(request, output), Duration.ZERO, List.of()));
    }
    return h;
  }

  private static JobOutcome interpret(ExecutionRequest r, OutputSink out) {
    for (String raw : r.script().split("\n")) {
      String line = raw.strip();
      Matcher exit = EXIT.matcher(line);
      Matcher sleep = SLEEP.matcher(line);
      if (line.isEmpty() || line.equals("true") || line.startsWith("#")) {
        continue;
      } else if (line.equals("false")) {
        return new JobOutcome.Failed(1);
      } else if (line.startsWith("echo ")) {
        out.line(line.substring(5).replaceAll("^['\"]|['\"]$", ""));
      } else if (exit.matches()) {
        int code = Integer.parseInt(exit.group(1));
        return code == 0 ? new JobOutcome.Succeeded() : new JobOutcome.Failed(code);
      } else if (sleep.matches()) {
        if (Duration.ofSeconds(Long.parseLong(sleep.group(1))).compareTo(r.timeout()) >= 0) {
          return new JobOutcome.TimedOut(r.timeout());
        }
      } else {
        return new JobOutcome.InfraError("the fake executor cannot run: " + line);
      }
    }
    return new JobOutcome.Succeeded();
  }

  private final class Held implements Execution {
    final ExecutionRequest request;
    final CompletableFuture<Result> result;
    final OutputSink output;

    Held(ExecutionRequest request, CompletableFuture<Result> result, OutputSink output) {
      this.request = request;
      this.result = result;
      this.output = output;
    }

    @Override
    public CompletionStage<Result> result() {
      return result;
    }

    @Override
    public void cancel() {
      synchronized (FakeExecutor.this) {
        held.remove(request.id());
      }
      result.complete(new Result(new JobOutcome.Cancelled(), Duration.ZERO, List.of()));
    }
  }
}
