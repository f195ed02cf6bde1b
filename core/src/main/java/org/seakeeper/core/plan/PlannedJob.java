package org.seakeeper.core.plan;

import java.util.List;
import java.util.Optional;
import org.seakeeper.core.model.Job;

/**
 * A job as it will run in one plan: its resolved definition, the needs that apply within the plan,
 * and, if it will not run, why. Immutable.
 */
public record PlannedJob(Job job, List<String> needs, Optional<String> skipReason) {
  public PlannedJob {
    needs = List.copyOf(needs);
  }

  public String name() {
    return job.name();
  }
}
