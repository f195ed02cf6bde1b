package org.seakeeper.core.scheduler;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.GatePorts;
import org.seakeeper.core.gate.Merger;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.store.Store;

/**
 * What a check of a change with open dependencies tests: the speculative merge of its dependencies
 * in the same repository and branch (in dependency order) and then the change, through the gate's
 * {@link Merger}; or, when a dependency cannot be resolved, is ambiguous or forms a cycle, one
 * {@code config_error} record naming the problem (a merge that conflicts: one {@code
 * merge_conflict} record). Dependencies in other repositories or branches are listed, but not
 * checked out. Stateless.
 */
final class CheckDependencies {
  private CheckDependencies() {}

  /** The decision for one check trigger. A closed set. */
  sealed interface Decision {
    /** Open dependencies in other repositories (or branches): checked out beside the workspace. */
    default List<ChangeRef> elsewhere() {
      return List.of();
    }
  }

  /** No open dependency in this repo: the trigger as it is. */
  record AsIs(List<ChangeRef> elsewhere) implements Decision {
    AsIs() {
      this(List.of());
    }
  }

  /**
   * Test {@code trigger} (its commit is the speculative state) with {@code dependencies} merged in.
   */
  record Speculative(Trigger trigger, List<ChangeRef> dependencies, List<ChangeRef> elsewhere)
      implements Decision {}

  /** The check ends at once with one record of {@code status} and {@code detail}. */
  record Refused(BuildStatus status, String detail) implements Decision {}

  static ChangeRef refOf(Trigger t) {
    return new ChangeRef(
        t.connection(),
        t.project(),
        t.branch().orElse("main"),
        t.change().orElseThrow(),
        t.patchset().orElse("1"),
        t.commit());
  }

  /** Applies to check triggers of a change; everything else is {@link AsIs}. */
  static Decision decide(RepoAccess repos, GatePorts gate, Trigger t) {
    if (t.pipeline() != PipelineName.CHECK || t.change().isEmpty()) {
      return new AsIs();
    }
    ChangeRef self = refOf(t);
    DependencyWalk.Outcome o = DependencyWalk.of(repos, gate.changes(), self);
    if (o instanceof DependencyWalk.Problem p) {
      return new Refused(BuildStatus.CONFIG_ERROR, p.detail());
    }
    List<ChangeRef> all = ((DependencyWalk.Open) o).dependencies();
    List<ChangeRef> sameRepo = all.stream().filter(d -> sameRepo(d, self)).toList();
    // One checkout per other repository: its last dependency in order includes the earlier ones
    // only when they stack; the latest listed wins (a footer per repository is the usual case).
    java.util.Map<org.seakeeper.core.model.RepoRef, ChangeRef> byRepo =
        new java.util.LinkedHashMap<>();
    all.stream().filter(d -> !sameRepo(d, self)).forEach(d -> byRepo.put(d.repo(), d));
    List<ChangeRef> elsewhere = List.copyOf(byRepo.values());
    if (sameRepo.isEmpty()) {
      return new AsIs(elsewhere);
    }
    List<ChangeRef> chain = new java.util.ArrayList<>(sameRepo);
    chain.add(self);
    Merger.Result m;
    try {
      m = gate.merger().speculate(self.repo(), self.branch(), chain);
    } catch (org.seakeeper.core.effect.Outage e) {
      throw e; // fetching what to merge failed: prepared again later, never a verdict
    } catch (RuntimeException e) {
      return new Refused(
          BuildStatus.ERROR, "cannot merge its dependencies " + sameRepo + ": " + e.getMessage());
    }
    return switch (m) {
      case Merger.Merged merged ->
          new Speculative(
              new Trigger(
                  t.pipeline(),
                  t.connection(),
                  t.project(),
                  t.ref(),
                  merged.commit(),
                  t.branch(),
                  t.change(),
                  t.patchset(),
                  t.owner()),
              sameRepo,
              elsewhere);
      case Merger.Conflict c ->
          new Refused(
              BuildStatus.MERGE_CONFLICT,
              "does not merge onto "
                  + self.branch()
                  + " with its dependencies "
                  + sameRepo
                  + (c.change().equals(self) ? "" : " (at " + c.change() + ")")
                  + (c.files().isEmpty() ? "" : ": conflicts in " + String.join(", ", c.files())));
    };
  }

  private static boolean sameRepo(ChangeRef d, ChangeRef self) {
    return d.connection().equals(self.connection())
        && d.project().equals(self.project())
        && d.branch().equals(self.branch());
  }

  /** Creates the check buildset the decision asks for (see {@link BuildsetCreator#create}). */
  static Optional<Buildset> create(
      Store.Tx tx,
      long eventId,
      Trigger t,
      Tier tier,
      ConfigOutcome config,
      Set<String> changed,
      Decision d,
      Instant now) {
    return switch (d) {
      case AsIs a -> BuildsetCreator.create(tx, eventId, t, tier, config, changed, now);
      case Speculative s ->
          BuildsetCreator.create(tx, eventId, t, tier, config, changed, now, s.trigger().commit());
      case Refused r ->
          Optional.of(
              BuildsetCreator.createSingle(tx, eventId, t, tier, r.status(), r.detail(), now));
    };
  }
}
