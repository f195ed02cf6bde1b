package org.seakeeper.core.plan;

import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;

/**
 * The facts a plan depends on, all decided by the caller (the server from the event, or the CLI):
 * pipeline, tier, branch, changed files, which jobs were asked for and whether secrets can be had.
 * Immutable.
 *
 * @param onlyJobs when non-empty, just these jobs and what they need
 * @param secretsAvailable false locally and in the untrusted tier: jobs with secrets are skipped
 */
public record PlanContext(
    PipelineName pipeline,
    Tier tier,
    Optional<String> branch,
    Optional<Set<String>> changedFiles,
    Set<String> onlyJobs,
    boolean secretsAvailable) {
  public PlanContext {
    onlyJobs = Set.copyOf(onlyJobs);
    changedFiles = changedFiles.map(Set::copyOf);
  }

  /** The context of {@code seakeeper run}: untrusted, no secrets. */
  public static PlanContext local(
      PipelineName pipeline,
      Optional<String> branch,
      Optional<Set<String>> changed,
      Set<String> only) {
    return new PlanContext(pipeline, Tier.UNTRUSTED, branch, changed, only, false);
  }
}
