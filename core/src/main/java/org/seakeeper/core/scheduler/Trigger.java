package org.seakeeper.core.scheduler;

import java.util.Optional;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.RepoRef;

/**
 * What an event asks for: a pipeline on a commit of a ref, with the change and patch set when it is
 * a proposed change. {@link TierPolicy} decides which events start one. Immutable.
 *
 * @param owner the change's owner as the review system's event named them; empty when unknown (the
 *     buildset then takes the owner recorded for the same change before, if any)
 */
public record Trigger(
    PipelineName pipeline,
    String connection,
    String project,
    String ref,
    String commit,
    Optional<String> branch,
    Optional<String> change,
    Optional<String> patchset,
    Optional<String> owner) {
  /** The repository of the trigger. */
  public RepoRef repo() {
    return new RepoRef(connection, project);
  }

  static final String ZEROS = "0000000000000000000000000000000000000000";

  static Optional<String> branchOf(String ref) {
    if (ref.startsWith("refs/heads/")) {
      return Optional.of(ref.substring("refs/heads/".length()));
    }
    if (ref.startsWith("refs/for/")) {
      String rest = ref.substring("refs/for/".length());
      return Optional.of(rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest);
    }
    return Optional.empty();
  }
}
