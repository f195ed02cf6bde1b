package org.seakeeper.core.executor;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.core.secret.SecretValue;

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
 * @param secrets the secrets the scheduler granted this job (name to value), offered as files under
 *     {@code $SEAKEEPER_SECRETS}; always empty for the untrusted tier, and an executor refuses an
 *     untrusted request that has any
 * @param dependencies changes in other repositories the change depends on ({@code Depends-On}),
 *     each checked out beside the workspace under {@code $SEAKEEPER_DEPS}
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
    List<String> artifacts,
    Map<String, SecretValue> secrets,
    List<DependencyCheckout> dependencies) {
  public ExecutionRequest {
    dependencies = List.copyOf(dependencies);
    if (dependencies.stream().map(DependencyCheckout::relativePath).distinct().count()
        != dependencies.size()) {
      throw new IllegalArgumentException("two dependency checkouts of one repository");
    }
    Objects.requireNonNull(id);
    Objects.requireNonNull(script);
    Objects.requireNonNull(timeout);
    Objects.requireNonNull(tier);
    Objects.requireNonNull(checkout);
    variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    artifacts = List.copyOf(artifacts);
    secrets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
    for (String name : secrets.keySet()) {
      if (!SecretBinding.NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("bad secret name: " + name);
      }
    }
    if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
      throw new IllegalArgumentException("execution ids are file-name safe: " + id);
    }
  }

  /** A request without secrets. */
  public ExecutionRequest(
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
    this(
        id, jobName, script, timeout, image, tier, network, variables, checkout, artifacts,
        Map.of());
  }

  /** A request with secrets and without dependency checkouts. */
  public ExecutionRequest(
      String id,
      String jobName,
      String script,
      Duration timeout,
      String image,
      Tier tier,
      boolean network,
      Map<String, String> variables,
      Checkout checkout,
      List<String> artifacts,
      Map<String, SecretValue> secrets) {
    this(
        id, jobName, script, timeout, image, tier, network, variables, checkout, artifacts, secrets,
        List.of());
  }

  /** This request with these dependency checkouts. */
  public ExecutionRequest withDependencies(List<DependencyCheckout> deps) {
    return new ExecutionRequest(
        id, jobName, script, timeout, image, tier, network, variables, checkout, artifacts, secrets,
        deps);
  }

  /** This request with these secrets. */
  public ExecutionRequest withSecrets(Map<String, SecretValue> granted) {
    return new ExecutionRequest(
        id,
        jobName,
        script,
        timeout,
        image,
        tier,
        network,
        variables,
        checkout,
        artifacts,
        granted,
        dependencies);
  }

  /**
   * Whether an executor must refuse this request: secrets for the untrusted tier (defence in
   * depth).
   */
  public boolean untrustedWithSecrets() {
    return tier == Tier.UNTRUSTED && !secrets.isEmpty();
  }
}
