package org.seakeeper.core.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A valid {@code .seakeeper.yaml}: resolved jobs and which of them each pipeline runs. Immutable;
 * only produced by the config parser when the file has no errors.
 */
public record RepoConfig(Map<String, Job> jobs, Map<PipelineName, List<String>> pipelines) {
  public RepoConfig {
    jobs = Collections.unmodifiableMap(new LinkedHashMap<>(jobs));
    EnumMap<PipelineName, List<String>> p = new EnumMap<>(PipelineName.class);
    pipelines.forEach((k, v) -> p.put(k, List.copyOf(v)));
    pipelines = Collections.unmodifiableMap(p);
    for (List<String> names : pipelines.values()) {
      for (String n : names) {
        if (!jobs.containsKey(n)) {
          throw new IllegalArgumentException("pipeline names unknown job " + n);
        }
      }
    }
  }

  /** The job names of a pipeline, in declaration order; empty when the repo declares none. */
  public List<String> jobsOf(PipelineName pipeline) {
    return pipelines.getOrDefault(pipeline, List.of());
  }
}
