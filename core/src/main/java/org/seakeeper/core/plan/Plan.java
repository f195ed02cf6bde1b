package org.seakeeper.core.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;

/**
 * A pipeline compiled for one build: the jobs in order, their DAG and the tier they run in.
 * Backend-neutral: the same plan runs on bubblewrap, Kubernetes or the fake. Immutable.
 */
public record Plan(PipelineName pipeline, Tier tier, boolean network, List<PlannedJob> jobs) {
  public Plan {
    jobs = List.copyOf(jobs);
  }

  public Map<String, PlannedJob> byName() {
    Map<String, PlannedJob> m = new LinkedHashMap<>();
    jobs.forEach(j -> m.put(j.name(), j));
    return m;
  }
}
