package org.seakeeper.core.artifact;

import org.seakeeper.core.build.Build;
import org.seakeeper.core.executor.Executor;

/**
 * The port the scheduler hands a finished job's artifacts to (docs/contracts.md §10), before the
 * build's outcome is recorded: the server's adapter stores them by digest and, for trusted and
 * privileged builds, writes and signs their provenance. It runs on the executor's thread, never on
 * the scheduler's. What it returns is the build's result: the same one, or a failure when the
 * artifacts could not be kept (then nothing of them is kept, so nothing can be promoted).
 */
@FunctionalInterface
public interface ArtifactKeeper {
  /** Keeps nothing: the result passes unchanged (tests, {@code seakeeper run}). */
  ArtifactKeeper NONE = (build, inputs, result) -> result;

  /**
   * Keeps the artifacts of {@code result} (when it succeeded and has any) of {@code build}
   * (running, with its start time). Never throws for a failure to keep them: that is a result.
   */
  Executor.Result keep(Build build, BuildInputs inputs, Executor.Result result);
}
