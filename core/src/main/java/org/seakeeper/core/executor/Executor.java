package org.seakeeper.core.executor;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The port every backend implements: the bubblewrap sandbox, Kubernetes pods, and the testkit fake.
 * One call runs one job once in a fresh, throw-away environment.
 *
 * <p>Sealed: every executor extends {@link GuardedExecutor}, whose final {@code start} refuses a
 * request of another tier or an untrusted one carrying secrets before the backend sees it, so no
 * backend can forget to. Implementations are thread-safe: several executions may run at once.
 */
public sealed interface Executor permits GuardedExecutor {
  /**
   * Starts the job and returns at once. Output lines go to {@code output} as they come, from any
   * thread, in order. Never throws for job or infrastructure failures: those are outcomes.
   */
  Execution start(ExecutionRequest request, OutputSink output);

  /** One running execution. */
  interface Execution {
    /** Completes once with how the job ended, after everything it started is gone. */
    CompletionStage<Result> result();

    /** Kills the whole process tree; the result becomes {@link JobOutcome.Cancelled}. */
    void cancel();
  }

  /**
   * How the execution ended, how long it took, and the artifacts collected (paths relative to the
   * workspace).
   */
  record Result(JobOutcome outcome, Duration elapsed, java.util.List<String> artifacts) {
    public Result {
      artifacts = java.util.List.copyOf(artifacts);
    }
  }

  /** Receives the job's combined stdout and stderr, line by line. */
  @FunctionalInterface
  interface OutputSink {
    void line(String line);
  }
}
