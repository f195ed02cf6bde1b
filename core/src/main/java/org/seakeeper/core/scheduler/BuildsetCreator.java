package org.seakeeper.core.scheduler;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.config.RepoConfigParser;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.plan.Plan;
import org.seakeeper.core.plan.PlanContext;
import org.seakeeper.core.plan.PlannedJob;
import org.seakeeper.core.plan.Planner;
import org.seakeeper.core.store.Store;

/**
 * Turns a trigger and its commit's config into a stored buildset and its builds: queued jobs,
 * skipped jobs with their reason, or one {@code config_error}/{@code error} record when the jobs
 * cannot be known. Every build is born queued ({@link Build#queued}); the ones that end at once
 * move on through the lifecycle in the same step ({@link Build#ended}). Stateless.
 */
final class BuildsetCreator {
  private BuildsetCreator() {}

  /**
   * Creates the buildset in {@code tx}; empty when the trigger runs nothing (no config, no jobs).
   */
  static Optional<Buildset> create(
      Store.Tx tx,
      long eventId,
      Trigger t,
      Tier tier,
      ConfigOutcome config,
      Set<String> changedFiles,
      Instant now) {
    return create(tx, eventId, t, tier, config, changedFiles, now, t.commit());
  }

  /**
   * As above, with builds that test {@code testedCommit} (a speculative state of the change and its
   * dependencies) while the buildset keeps the trigger's commit (the patch set reported on).
   */
  static Optional<Buildset> create(
      Store.Tx tx,
      long eventId,
      Trigger t,
      Tier tier,
      ConfigOutcome config,
      Set<String> changedFiles,
      Instant now,
      String testedCommit) {
    Buildset set =
        new Buildset(
            0,
            eventId,
            t.connection(),
            t.project(),
            t.change(),
            t.patchset(),
            owner(tx, t),
            t.ref(),
            t.commit(),
            t.pipeline(),
            tier,
            now,
            Optional.empty());
    return switch (config) {
      case ConfigOutcome.Missing m -> Optional.empty();
      case ConfigOutcome.Unreadable u ->
          Optional.of(
              single(tx, set, BuildStatus.ERROR, "cannot read the repository: " + u.reason(), now));
      case ConfigOutcome.Invalid i ->
          Optional.of(
              single(
                  tx,
                  set,
                  BuildStatus.CONFIG_ERROR,
                  i.problems().stream()
                      .map(p -> p.format(RepoConfigParser.FILE_NAME))
                      .collect(Collectors.joining("\n")),
                  now));
      case ConfigOutcome.Checked c ->
          Optional.of(
              single(
                  tx,
                  set,
                  c.ok() ? BuildStatus.SUCCESS : BuildStatus.CONFIG_ERROR,
                  c.report(),
                  now));
      case ConfigOutcome.Valid v -> {
        // Jobs with secrets are planned outside the untrusted tier; the scheduler grants the
        // secrets
        // (SecretPolicy) when it starts each one, or ends the build saying why.
        PlanContext ctx =
            new PlanContext(
                t.pipeline(),
                tier,
                t.branch(),
                Optional.of(changedFiles),
                Set.of(),
                tier != Tier.UNTRUSTED);
        Plan plan = Planner.plan(v.config(), ctx);
        if (plan.jobs().isEmpty()) {
          yield Optional.empty();
        }
        Buildset stored = tx.builds().insert(set);
        for (PlannedJob j : plan.jobs()) {
          Optional<String> job = Optional.of(j.name());
          tx.builds()
              .insert(
                  j.skipReason().isPresent()
                      ? Build.ended(
                          stored,
                          testedCommit,
                          job,
                          j.needs(),
                          BuildStatus.SKIPPED,
                          j.skipReason().get(),
                          now)
                      : Build.queued(stored, testedCommit, job, j.needs(), now));
        }
        yield Optional.of(stored);
      }
    };
  }

  /** A gate item that does not merge: one {@code merge_conflict} record (docs/contracts.md §6). */
  static Buildset createMergeConflict(
      Store.Tx tx, Trigger t, Tier tier, String detail, Instant now) {
    Buildset set =
        new Buildset(
            0,
            0,
            t.connection(),
            t.project(),
            t.change(),
            t.patchset(),
            owner(tx, t),
            t.ref(),
            t.commit(),
            t.pipeline(),
            tier,
            now,
            Optional.empty());
    return single(tx, set, BuildStatus.MERGE_CONFLICT, detail, now);
  }

  /** A buildset that ends at once with one record without a job (e.g. a dependency problem). */
  static Buildset createSingle(
      Store.Tx tx,
      long eventId,
      Trigger t,
      Tier tier,
      BuildStatus status,
      String detail,
      Instant now) {
    Buildset set =
        new Buildset(
            0,
            eventId,
            t.connection(),
            t.project(),
            t.change(),
            t.patchset(),
            owner(tx, t),
            t.ref(),
            t.commit(),
            t.pipeline(),
            tier,
            now,
            Optional.empty());
    return single(tx, set, status, detail, now);
  }

  /**
   * The trigger's owner, else the one recorded for the same change before (docs/roles.md): the
   * review system named it, never the change's content.
   */
  private static Optional<String> owner(Store.Tx tx, Trigger t) {
    if (t.owner().isPresent() || t.change().isEmpty()) {
      return t.owner();
    }
    return tx.builds().changeOwner(t.connection(), t.project(), t.change().get());
  }

  private static Buildset single(
      Store.Tx tx, Buildset set, BuildStatus status, String detail, Instant now) {
    Buildset stored = tx.builds().insert(set);
    tx.builds().insert(record(stored, Optional.empty(), status, List.of(), detail, now));
    return stored;
  }

  /**
   * A record of {@code s} that ends at once in {@code status} (born queued, moved through the
   * lifecycle).
   */
  static Build record(
      Buildset s,
      Optional<String> job,
      BuildStatus status,
      List<String> needs,
      String detail,
      Instant now) {
    return Build.ended(s, job, needs, status, detail, now);
  }
}
