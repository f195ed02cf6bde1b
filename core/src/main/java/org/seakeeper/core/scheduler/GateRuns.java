package org.seakeeper.core.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.build.Verdict;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.GateQueue;
import org.seakeeper.core.gate.GateSettings;
import org.seakeeper.core.gate.Merger;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.core.store.Store;

/**
 * What {@link GateCoordinator} reads and writes in the store: the buildset of a run on a
 * speculative state, whether a patch set's check passed, the gate runs a restart interrupted, and
 * the queues as the status API shows them. Stateless.
 */
final class GateRuns {
  private GateRuns() {}

  /**
   * What a gate run tests, computed away from the scheduler's thread: the speculative merge of
   * {@code changes} (the last is the item) onto the item's branch, and the config of the merged
   * state. Whatever the merger or the repositories throw propagates: an outage (or an adapter's
   * failure) is tried again later, never recorded as a merge conflict.
   */
  record Speculation(
      ChangeRef change, Merger.Result merge, Trigger trigger, Optional<ConfigCache.Read> config) {}

  static Speculation speculate(
      Merger merger, ConfigCache configs, ChangeRef c, List<ChangeRef> changes) {
    Merger.Result m = merger.speculate(c.repo(), c.branch(), changes);
    String commit = m instanceof Merger.Merged merged ? merged.commit() : c.commit();
    // The ref is the branch the change lands on; the commit is the speculative state tested.
    Trigger trigger =
        new Trigger(
            PipelineName.GATE,
            c.connection(),
            c.project(),
            "refs/heads/" + c.branch(),
            commit,
            Optional.of(c.branch()),
            Optional.of(c.change()),
            Optional.of(c.patchset()),
            Optional.empty());
    Optional<ConfigCache.Read> config =
        m instanceof Merger.Merged
            ? Optional.of(configs.readWithSource(trigger))
            : Optional.empty();
    return new Speculation(c, m, trigger, config);
  }

  /**
   * Creates the gate buildset for a speculation: its jobs, or one {@code merge_conflict} record (a
   * real content conflict, the only merge verdict). Empty when the merged state has no gate jobs.
   */
  static Optional<Buildset> record(Store.Tx tx, ConfigCache configs, Speculation sp, Instant now) {
    ChangeRef c = sp.change();
    if (sp.merge() instanceof Merger.Conflict conflict) {
      String detail =
          "does not merge onto "
              + c.branch()
              + (conflict.change().equals(c) ? "" : " with " + conflict.change())
              + (conflict.files().isEmpty()
                  ? ""
                  : ": conflicts in " + String.join(", ", conflict.files()));
      return Optional.of(
          BuildsetCreator.createMergeConflict(
              tx, sp.trigger(), TierPolicy.tierOf(PipelineName.GATE), detail, now));
    }
    ConfigOutcome config = sp.config().orElseThrow().outcome();
    Optional<Buildset> s =
        BuildsetCreator.create(
            tx, 0, sp.trigger(), TierPolicy.tierOf(PipelineName.GATE), config, Set.of(), now);
    if (s.isPresent() && config instanceof ConfigOutcome.Valid v) {
      configs.remember(s.get().id(), v.config());
      sp.config()
          .get()
          .source()
          .ifPresent(bytes -> tx.builds().saveConfigSource(s.get().id(), bytes));
    }
    return s;
  }

  /**
   * A gate verdict of {@code run}'s buildset, reported through the outbox (nothing without a
   * buildset).
   */
  static void report(
      Store.Tx tx, GateRun run, org.seakeeper.core.store.OutboxKind kind, Instant now) {
    if (run != null && run.buildsetId() >= 0) {
      tx.outbox()
          .add(
              new org.seakeeper.core.store.OutboxEntry(
                  0, run.buildsetId(), kind, now, Optional.empty()));
    }
  }

  /**
   * Adds to the change's passed gate buildset an {@code error} record without a job saying why it
   * fails, so that its report names the refused submit rather than only passed jobs.
   */
  static void recordRefusal(Store.Tx tx, GateRun run, int times, String message, Instant now) {
    if (run == null || run.buildsetId() < 0) {
      return;
    }
    tx.builds()
        .buildset(run.buildsetId())
        .ifPresent(
            s ->
                tx.builds()
                    .insert(
                        BuildsetCreator.record(
                            s,
                            Optional.empty(),
                            BuildStatus.ERROR,
                            List.of(),
                            "the review system refused to submit the change "
                                + times
                                + " times in a row although its gate run passed; last answer: "
                                + message,
                            now)));
  }

  /**
   * A change whose dependencies are broken fails the gate at once: one {@code config_error} record,
   * reported.
   */
  static void refusal(Store.Tx tx, ChangeRef c, String detail, Instant now) {
    Trigger t =
        new Trigger(
            PipelineName.GATE,
            c.connection(),
            c.project(),
            "refs/heads/" + c.branch(),
            c.commit(),
            Optional.of(c.branch()),
            Optional.of(c.change()),
            Optional.of(c.patchset()),
            Optional.empty());
    Buildset s =
        BuildsetCreator.createSingle(
            tx, 0, t, TierPolicy.tierOf(PipelineName.GATE), BuildStatus.CONFIG_ERROR, detail, now);
    tx.outbox()
        .add(
            new org.seakeeper.core.store.OutboxEntry(
                0, s.id(), org.seakeeper.core.store.OutboxKind.GATE_FAILED, now, Optional.empty()));
  }

  /**
   * The latest check buildset of the change's patch set: what a submit without a gate run names.
   */
  static Optional<Long> checkBuildset(Store store, ChangeRef c) {
    return store
        .queries()
        .list(
            new BuildQuery(
                Optional.of(c.connection()),
                Optional.of(c.project()),
                Optional.of(c.change()),
                Optional.of(PipelineName.CHECK),
                Optional.empty(),
                Optional.empty(),
                BuildQuery.MAX_LIMIT))
        .stream()
        .filter(b -> b.patchset().equals(Optional.of(c.patchset())))
        .map(Build::buildsetId)
        .max(Long::compare);
  }

  /**
   * After a restart: the gate buildsets that had not finished, in order, have their unfinished
   * builds cancelled; returns the approvals to queue their changes again with (those of a patch set
   * with a check).
   */
  static List<TriggerEvent.ApprovalsChanged> recover(
      Store.Tx tx, Store store, GateSettings settings, Instant now) {
    List<TriggerEvent.ApprovalsChanged> out = new ArrayList<>();
    for (Buildset s : tx.builds().unfinished()) {
      if (s.pipeline() != PipelineName.GATE || s.change().isEmpty() || s.patchset().isEmpty()) {
        continue;
      }
      Optional<Build> check =
          store
              .queries()
              .list(
                  new BuildQuery(
                      Optional.of(s.connection()),
                      Optional.of(s.project()),
                      s.change(),
                      Optional.of(PipelineName.CHECK),
                      Optional.empty(),
                      Optional.empty(),
                      BuildQuery.MAX_LIMIT))
              .stream()
              .filter(b -> b.patchset().equals(s.patchset()))
              .findFirst();
      for (Build b : tx.builds().ofBuildset(s.id())) {
        if (!b.status().terminal()) {
          tx.builds()
              .update(
                  b.moveTo(
                      BuildStatus.CANCELLED,
                      now,
                      "the server restarted; the gate tests this change again"));
        }
      }
      String branch = Trigger.branchOf(s.ref()).orElse("main");
      // The patch set's commit is its check buildset's (its builds may test a speculative state).
      check
          .flatMap(c -> tx.builds().buildset(c.buildsetId()))
          .ifPresent(
              c ->
                  out.add(
                      new TriggerEvent.ApprovalsChanged(
                          s.connection(),
                          s.project(),
                          branch,
                          s.change().get(),
                          s.patchset().get(),
                          c.commit(),
                          settings.requiredApprovals(),
                          "recovered")));
    }
    return out;
  }

  /** Whether the latest check buildset of the approved patch set passed. */
  static boolean checkPassed(Store store, TriggerEvent.ApprovalsChanged a) {
    List<Build> checks =
        store
            .queries()
            .list(
                new BuildQuery(
                    Optional.of(a.connection()),
                    Optional.of(a.project()),
                    Optional.of(a.change()),
                    Optional.of(PipelineName.CHECK),
                    Optional.empty(),
                    Optional.empty(),
                    BuildQuery.MAX_LIMIT));
    Optional<Long> latest =
        checks.stream()
            .filter(b -> b.patchset().equals(Optional.of(a.patchset())))
            .map(Build::buildsetId)
            .max(Long::compare);
    if (latest.isEmpty()) {
      return false;
    }
    List<Build> set = checks.stream().filter(b -> b.buildsetId() == latest.get()).toList();
    return set.stream().allMatch(b -> b.status().terminal()) && Verdict.of(set) == Verdict.PASSED;
  }

  /**
   * Queues for GET /status: each with its items, their position and the state they are tested on.
   */
  static List<Map<String, Object>> status(
      Collection<GateQueue> queues,
      Function<ChangeRef, Optional<Long>> buildset,
      Predicate<ChangeRef> passed) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (GateQueue q : queues) {
      List<Map<String, Object>> items = new ArrayList<>();
      int pos = 0;
      for (GateQueue.Item it : q.items()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("position", ++pos);
        m.put("change", it.change().change());
        m.put("patchset", it.change().patchset());
        m.put("connection", it.change().connection());
        m.put("project", it.change().project());
        m.put("tested_on", q.ahead(it.change()).stream().map(ChangeRef::toString).toList());
        m.put("buildset", buildset.apply(it.change()).orElse(null));
        m.put("passed", passed.test(it.change()));
        m.put("failing", it.failing());
        items.add(m);
      }
      out.add(Map.of("name", q.name(), "window", q.window(), "items", items));
    }
    return out;
  }
}
