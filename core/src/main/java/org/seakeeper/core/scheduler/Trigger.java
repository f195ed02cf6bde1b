package org.seakeeper.core.scheduler;

import java.util.Optional;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.PipelineName;

/**
 * What an event asks for: a pipeline on a commit of a ref, with the change and patch set when it
 * is a proposed change. Pure mapping from events (contracts §1). Immutable.
 */
public record Trigger(
    PipelineName pipeline, String connection, String project, String ref, String commit, Optional<String> branch, Optional<String> change, Optional<String> patchset) {
  static final String ZEROS = "0000000000000000000000000000000000000000";

  /** The trigger of an event, or empty when the event starts nothing (a delete, an unmatched tag). */
  public static Optional<Trigger> of(TriggerEvent event, Glob releaseTags) {
    return switch (event) {
      case TriggerEvent.RefUpdated r -> {
        if (r.newCommit().equals(ZEROS) || r.newCommit().isBlank()) {
          yield Optional.empty();
        }
        if (r.ref().startsWith("refs/heads/")) {
          String branch = r.ref().substring("refs/heads/".length());
          yield Optional.of(new Trigger(PipelineName.POST, r.connection(), r.project(), r.ref(), r.newCommit(), Optional.of(branch), Optional.empty(), Optional.empty()));
        }
        if (r.ref().startsWith("refs/tags/") && releaseTags.matches(r.ref().substring("refs/tags/".length()))) {
          yield Optional.of(new Trigger(PipelineName.RELEASE, r.connection(), r.project(), r.ref(), r.newCommit(), Optional.empty(), Optional.empty(), Optional.empty()));
        }
        yield Optional.empty();
      }
      case TriggerEvent.ChangeProposed c ->
          Optional.of(new Trigger(PipelineName.CHECK, c.connection(), c.project(), c.ref(), c.commit(), Optional.of(c.branch()), Optional.of(c.change()), Optional.of(c.patchset())));
      case TriggerEvent.Recheck c ->
          Optional.of(new Trigger(PipelineName.CHECK, c.connection(), c.project(), c.ref(), c.commit(), Optional.of(c.branch()), Optional.of(c.change()), Optional.of(c.patchset())));
      case TriggerEvent.Periodic p -> Optional.empty(); // resolved by the scheduler, which reads the branch head
      case TriggerEvent.ChangeAbandoned a -> Optional.empty(); // cancels builds; starts nothing
      case TriggerEvent.ApprovalsChanged a -> Optional.empty(); // may enter the gate (GateCoordinator)
      case TriggerEvent.Embargoed x ->
          Optional.of(new Trigger(PipelineName.RELEASE, x.connection(), x.project(), x.ref(), x.commit(), branchOf(x.baseRef()), Optional.empty(), Optional.empty()));
      case TriggerEvent.Manual m ->
          Optional.of(new Trigger(m.pipeline(), m.connection(), m.project(), m.ref(), m.commit(), branchOf(m.ref()), m.change(), m.patchset()));
    };
  }

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

  /** Whether a manual trigger's ref fits the pipeline (contracts §1), else why not. */
  public static Optional<String> refMismatch(PipelineName pipeline, String ref, Glob releaseTags) {
    boolean ok = switch (pipeline) {
      case CHECK -> ref.startsWith("refs/for/") || ref.startsWith("refs/changes/");
      case GATE -> false;
      case POST, PERIODIC -> ref.startsWith("refs/heads/");
      case RELEASE -> ref.startsWith("refs/tags/") && releaseTags.matches(ref.substring("refs/tags/".length()));
    };
    if (ok) {
      return Optional.empty();
    }
    return Optional.of(switch (pipeline) {
      case CHECK -> "check runs on a proposed change (refs/for/... or refs/changes/...), not " + ref;
      case GATE -> "gate is entered by approval, not by a manual trigger";
      case POST, PERIODIC -> pipeline.id() + " runs on a branch (refs/heads/...), not " + ref;
      case RELEASE -> "release runs on a tag matching " + releaseTags + ", not " + ref;
    });
  }
}
