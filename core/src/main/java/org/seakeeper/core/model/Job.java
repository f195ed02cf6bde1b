package org.seakeeper.core.model;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A job after {@code extends} and {@code matrix} are resolved: everything needed to plan it.
 * Immutable.
 *
 * @param name unique within the repo config (matrix instances look like {@code test[jdk=21]})
 * @param script the bash script, run with {@code set -e} in the workspace
 * @param timeout wall-clock limit; the whole process tree is killed when it passes
 * @param image {@code host} or an image registered by the operator
 * @param needs names of jobs of the same pipeline that must succeed first
 * @param artifacts globs relative to the workspace, collected after success
 * @param secrets names of secrets, offered as files under {@code $SEAKEEPER_SECRETS}
 * @param variables environment variables, in declaration order
 * @param retries how many times an infrastructure error is retried (never a failing script)
 * @param checkoutDepth how many commits of history the workspace holds, the commit included ({@code
 *     0}: all of it)
 * @param when branch and file matchers
 * @param description free text for people
 * @param unavailable why the job cannot run in this context (e.g. an unknown base job offline)
 */
public record Job(
    String name,
    String script,
    Duration timeout,
    String image,
    List<String> needs,
    List<String> artifacts,
    List<String> secrets,
    Map<String, String> variables,
    int retries,
    int checkoutDepth,
    When when,
    String description,
    Optional<String> unavailable) {
  /** The history a checkout holds unless the job asks for more (GitLab's default). */
  public static final int DEFAULT_CHECKOUT_DEPTH = 20;

  public Job {
    Objects.requireNonNull(name);
    Objects.requireNonNull(script);
    Objects.requireNonNull(timeout);
    Objects.requireNonNull(image);
    needs = List.copyOf(needs);
    artifacts = List.copyOf(artifacts);
    secrets = List.copyOf(secrets);
    variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    Objects.requireNonNull(when);
    Objects.requireNonNull(description);
    Objects.requireNonNull(unavailable);
    if (checkoutDepth < 0) {
      throw new IllegalArgumentException("checkoutDepth must not be negative");
    }
    if (retries < 0) {
      throw new IllegalArgumentException("retries must not be negative");
    }
  }
}
