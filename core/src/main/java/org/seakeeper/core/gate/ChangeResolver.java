package org.seakeeper.core.gate;

import java.util.List;
import java.util.Optional;
import org.seakeeper.core.model.RepoRef;

/**
 * Finds the change a {@code Depends-On} footer names, and the open change a commit is the current
 * patch set of (Gerrit's parent changes within a repo). Implemented over Gerrit's REST API by the
 * gerrit adapter; a local git connection has none ({@link #NONE}). Thread-safe.
 */
public interface ChangeResolver {
  /** A change as its review system knows it now: its current patch set, and whether it merged. */
  record Resolved(ChangeRef change, boolean merged) {}

  /** The outcome of resolving one footer. A closed set. */
  sealed interface Resolution {}

  record Found(Resolved change) implements Resolution {}

  /** No such change (or none the connection can see); {@code why} says which and where. */
  record NotFound(String why) implements Resolution {}

  /**
   * A bare Change-Id that matches several changes: {@code candidates} names each (project, branch,
   * number).
   */
  record Ambiguous(List<String> candidates) implements Resolution {}

  /**
   * The change {@code ref} names. A URL resolves on the connection whose URL has its host; a bare
   * Change-Id on {@code fromConnection} (the connection of the change whose footer it is).
   */
  Resolution resolve(String fromConnection, DependsOn.Ref ref);

  /** The open change whose current patch set is {@code commit} in this repo; empty when none. */
  Optional<ChangeRef> openChangeAt(RepoRef repo, String commit);

  /** No review system: footers cannot be resolved (Depends-On is Gerrit-only). */
  ChangeResolver NONE =
      new ChangeResolver() {
        @Override
        public Resolution resolve(String fromConnection, DependsOn.Ref ref) {
          return new NotFound(
              "connection "
                  + fromConnection
                  + " has no review system to resolve it through (Depends-On needs a Gerrit"
                  + " connection)");
        }

        @Override
        public Optional<ChangeRef> openChangeAt(RepoRef repo, String commit) {
          return Optional.empty();
        }
      };
}
