package org.seakeeper.core.access;

import java.util.Objects;
import java.util.Optional;

/**
 * What an action is done to, as far as the policy cares: a project (if any), the owner of the
 * change a build belongs to (when known), and a pipeline (for triggers). Immutable.
 */
public record Target(Optional<String> project, Optional<String> owner, Optional<String> pipeline) {
  public static final Target NONE =
      new Target(Optional.empty(), Optional.empty(), Optional.empty());

  public Target {
    Objects.requireNonNull(project);
    Objects.requireNonNull(owner);
    Objects.requireNonNull(pipeline);
  }

  public static Target project(String project) {
    return new Target(Optional.of(project), Optional.empty(), Optional.empty());
  }

  /** A build of {@code project} whose change belongs to {@code owner} (empty: unknown). */
  public static Target build(String project, Optional<String> owner) {
    return new Target(Optional.of(project), owner, Optional.empty());
  }

  public static Target trigger(String project, String pipeline) {
    return new Target(Optional.of(project), Optional.empty(), Optional.of(pipeline));
  }
}
