package org.seakeeper.core.executor;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.seakeeper.core.model.Tier;

/**
 * Everything an executor needs to run one job once, independent of the backend (bubblewrap,
 * Kubernetes, the test fake). Immutable.
 *
 * @param id unique per execution; names the workspace and limits
 * @param jobName for logs and process titles
 * @param script bash script, run with {@code set -e} in the workspace
 * @param timeout wall-clock limit for the whole process tree
 * @param image {@code host} or an operator-registered image
 * @param tier decides the executor pool, the host user and the defaults below
 * @param network whether the job gets a network namespace with connectivity
 * @param variables the job's environment (on top of a cleared environment)
 * @param checkout what the workspace starts with
 * @param artifacts globs collected from the workspace after success
 */
public record ExecutionRequest(
    String id,
    String jobName,
    String script,
    Duration timeout,
    String image,
    Tier tier,
    boolean network,
    Map<String, String> variables,
    Checkout checkout,
    List<String> artifacts) {
  public ExecutionRequest {
    Objects.requireNonNull(id);
    Objects.requireNonNull(script);
    Objects.requireNonNull(timeout);
    Objects.requireNonNull(tier);
    Objects.requireNonNull(checkout);
    variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    artifacts = List.copyOf(artifacts);
    if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
      throw new IllegalArgumentException("execution ids are file-name safe: " + id);
    }
  }
}
