package org.seakeeper.core.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.build.Verdict;
import org.seakeeper.core.effect.EffectPorts;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.gate.ChangeKey;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.GatePorts;
import org.seakeeper.core.gate.GateQueue;
import org.seakeeper.core.gate.GateSettings;
import org.seakeeper.core.gate.ReviewSystem;
import org.seakeeper.core.store.GateState;
import org.seakeeper.core.store.OutboxEntry;
import org.seakeeper.core.store.OutboxKind;
import org.seakeeper.core.store.Store;

/**
 * The gate pipeline's dependent queues, run by the scheduler: approved changes whose check passed
 * enter their project's (or shared) queue; each item in the window is tested on the speculative
 * merge of the changes ahead of it; a failed run makes the item failing (the items behind it are
 * re-tested without it) and it fails for good at the head, or at once on a merge conflict; the head
 * is submitted once it passed, through the outbox (a submit the review system refuses re-tests the
 * queue, and fails the head for good after {@link #MAX_REFUSED_SUBMITS} refusals in a row; an
 * outage is retried by the outbox and changes nothing here). Merges and dependency walks are calls
 * whose answers come back through {@link #step}. Gate verdicts are reported as {@link
 * OutboxKind#GATE_FAILED} (the failed run) and {@link OutboxKind#GATE_MERGED} (the passing run,
 * after the submit), so each queued change gets one gate result however often it was re-tested. A
 * change that failed for good re-enters only after a check of the same patch set passes again (a
 * {@code recheck}), not on any later vote. Confined to the scheduler thread; it changes build state
 * only inside the scheduler's transactions.
 */
final class GateCoordinator implements OutboxDelivery.Submits {
  private final GatePorts ports;
  private final Supplier<GateSettings> settings;
  private final ConfigCache configs;
  private final Store store;
  private final BiConsumer<Long, String> cancelRunning;
  private final Map<String, GateQueue> queues = new LinkedHashMap<>();
  private final Map<ChangeKey, TriggerEvent.ApprovalsChanged> approvals = new HashMap<>();

  /** Gate buildset id to the item and generation it tested. */
  private final Map<Long, GateRun> tested = new HashMap<>();

  private final GateItems items = new GateItems();

  /**
   * Most refused submits in a row of one passed head before it fails for good: a refusal for good
   * (a review system's own submit rule) must not re-test it forever, and a validation-only gate run
   * (the trusted config repo) would do so at once, in one loop.
   */
  static final int MAX_REFUSED_SUBMITS = 3;

  /**
   * Change key to the patch set that failed the gate for good (until a check of it passes again).
   */
  private final Map<ChangeKey, String> rejected = new HashMap<>();

  private final RepoAccess repos;

  /**
   * Change key to the approvals of a change that waits for a dependency to merge or enter its
   * queue.
   */
  private final Map<ChangeKey, TriggerEvent.ApprovalsChanged> waiting = new LinkedHashMap<>();

  private boolean reevaluating;

  /** A run whose speculative merge is being computed (no buildset yet). */
  static final long MERGING = -2;

  private final DependencyWalks walks;
  private final SpeculativeMerges merges;

  GateCoordinator(
      GatePorts ports,
      Supplier<GateSettings> settings,
      ConfigCache configs,
      Store store,
      BiConsumer<Long, String> cancelRunning,
      RepoAccess repos,
      EffectPorts effects,
      Runnable wake) {
    this.walks = new DependencyWalks(repos, ports.changes(), effects, wake);
    this.merges = new SpeculativeMerges(ports.merger(), configs, effects, wake);
    this.repos = repos;
    this.ports = ports;
    this.settings = settings;
    this.configs = configs;
    this.store = store;
    this.cancelRunning = cancelRunning;
  }

  private static ChangeKey key(String connection, String project, String change) {
    return new ChangeKey(connection, project, change);
  }

  private static ChangeKey key(ChangeRef c) {
    return c.key();
  }

  /**
   * After a restart: the approvals, rejections and queues come back from the store ({@link
   * org.seakeeper.core.store.GateState}), queues in their order, including items that had passed
   * and waited for those ahead, were failing, or were beyond the window; gate builds that had not
   * finished are cancelled and every item is tested again. Gate buildsets left unfinished by a
   * store without gate state (before it existed) are added behind them.
   */
  void recover(Store.Tx tx, Instant now) {
    for (TriggerEvent.ApprovalsChanged a : tx.gate().approvals()) {
      approvals.put(key(a.connection(), a.project(), a.change()), a);
    }
    for (GateState.Rejected r : tx.gate().rejected()) {
      rejected.put(key(r.connection(), r.project(), r.change()), r.patchset());
    }
    List<TriggerEvent.ApprovalsChanged> items = new ArrayList<>();
    tx.gate().queues().values().forEach(items::addAll);
    items.addAll(GateRuns.recover(tx, store, settings.get(), now));
    for (TriggerEvent.ApprovalsChanged a : items) {
      approvals.putIfAbsent(key(a.connection(), a.project(), a.change()), a);
      if (find(key(a.connection(), a.project(), a.change())).isEmpty()) {
        queueOf(a).enqueue(refOf(a));
        rememberDependencies(refOf(a), now);
      }
    }
    for (GateQueue q : List.copyOf(queues.values())) {
      refresh(tx, q, now);
    }
  }

  void onApprovals(Store.Tx tx, TriggerEvent.ApprovalsChanged a, Instant now) {
    approvals.put(key(a.connection(), a.project(), a.change()), a);
    tx.gate().saveApprovals(a);
    maybeEnqueue(tx, a, now);
  }

  /** A check buildset finished: an approved change whose check now passed (re-)enters the gate. */
  void onCheckFinished(Store.Tx tx, Buildset s, List<Build> builds, Instant now) {
    if (s.change().isEmpty() || Verdict.of(builds) != Verdict.PASSED) {
      return;
    }
    ChangeKey k = key(s.connection(), s.project(), s.change().get());
    if (rejected.remove(k, s.patchset().orElse(""))) {
      tx.gate().unreject(s.connection(), s.project(), s.change().get());
    }
    TriggerEvent.ApprovalsChanged a = approvals.get(k);
    if (a != null && a.patchset().equals(s.patchset().orElse(""))) {
      maybeEnqueue(tx, a, now);
    }
  }

  private void maybeEnqueue(Store.Tx tx, TriggerEvent.ApprovalsChanged a, Instant now) {
    if (!settings.get().approved(a.approvals())
        || a.patchset().equals(rejected.get(key(a.connection(), a.project(), a.change())))
        || !GateRuns.checkPassed(store, a)) {
      return;
    }
    add(tx, a, now);
  }

  /**
   * Enqueues an approved change behind its open dependencies: when one of them has neither merged
   * nor entered the same queue, the change waits (it is re-evaluated whenever a change enters a
   * queue or merges); a dependency that cannot be resolved, or a cycle, fails it at once with one
   * {@code config_error} record naming the problem.
   */
  private void add(Store.Tx tx, TriggerEvent.ApprovalsChanged a, Instant now) {
    GateQueue q = queueOf(a);
    ChangeRef c = refOf(a);
    if (find(c.key()).isPresent()) {
      return;
    }
    List<ChangeRef> deps = List.of();
    if (repos != null) {
      Optional<DependencyWalk.Outcome> walked = walks.of(c, now, this::walked);
      if (walked.isEmpty()) {
        waiting.put(key(c), a); // evaluated again when its dependencies are known
        return;
      }
      DependencyWalk.Outcome o = walked.get();
      if (o instanceof DependencyWalk.Problem p) {
        waiting.remove(key(c));
        refuse(tx, c, p.detail(), now);
        return;
      }
      deps = ((DependencyWalk.Open) o).dependencies();
    }
    for (ChangeRef d : deps) {
      Optional<Found> f = find(d.key());
      if (f.isEmpty() || f.get().queue() != q) {
        waiting.put(key(c), a);
        return;
      }
    }
    waiting.remove(key(c));
    if (q.enqueue(c)) {
      items.item(key(c)).dependsOn = deps;
      refresh(tx, q, now);
    }
  }

  /**
   * After a restart: what a queued change depends on, so that it leaves if one of them fails (the
   * walk's answer fills it in when it comes, see {@link #walked}).
   */
  private void rememberDependencies(ChangeRef c, Instant now) {
    if (repos != null) {
      walks.of(c, now, this::walked).ifPresent(o -> walked(c, o));
    }
  }

  private void walked(ChangeRef c, DependencyWalk.Outcome o) {
    if (o instanceof DependencyWalk.Open open
        && !open.dependencies().isEmpty()
        && find(c.key()).map(f -> f.change().patchset().equals(c.patchset())).orElse(false)) {
      GateItems.Item i = items.item(key(c));
      if (i.dependsOn.isEmpty()) {
        i.dependsOn = open.dependencies();
      }
    }
  }

  /**
   * A change whose dependencies are broken (missing, ambiguous, a cycle) fails the gate at once.
   */
  private void refuse(Store.Tx tx, ChangeRef c, String detail, Instant now) {
    GateRuns.refusal(tx, c, detail, now);
    rejected.put(key(c), c.patchset());
    tx.gate().reject(new GateState.Rejected(c.connection(), c.project(), c.change(), c.patchset()));
  }

  /** Changes waiting for dependencies try again (after a change entered a queue or merged). */
  private void reevaluateWaiting(Store.Tx tx, Instant now) {
    if (reevaluating || waiting.isEmpty()) {
      return;
    }
    reevaluating = true;
    try {
      boolean again = true;
      while (again) {
        again = false;
        for (TriggerEvent.ApprovalsChanged a : List.copyOf(waiting.values())) {
          add(tx, a, now);
          again |= !waiting.containsKey(key(a.connection(), a.project(), a.change()));
        }
      }
    } finally {
      reevaluating = false;
    }
  }

  /**
   * The queued changes that depend on {@code gone} (which left its queue without merging) leave
   * too: their gate builds are dequeued, a record says why and is reported, and they wait for it.
   */
  private void dropDependents(Store.Tx tx, ChangeRef gone, String how, Instant now) {
    for (Map.Entry<ChangeKey, GateItems.Item> e : items.entries()) {
      if (e.getValue().dependsOn.stream().noneMatch(d -> d.sameChange(gone))) {
        continue;
      }
      Optional<Found> f =
          queues.values().stream()
              .flatMap(
                  q ->
                      q.items().stream()
                          .filter(i -> key(i.change()).equals(e.getKey()))
                          .map(i -> new Found(q, i.change())))
              .findFirst();
      if (f.isEmpty()) {
        continue;
      }
      String why = "dequeued: it depends on " + gone + ", which " + how;
      GateRun t = items.run(key(f.get().change()));
      drop(tx, f.get(), why, now);
      if (t != null && t.buildsetId() >= 0) {
        tx.builds()
            .buildset(t.buildsetId())
            .ifPresent(
                s ->
                    tx.builds()
                        .insert(
                            BuildsetCreator.record(
                                s, Optional.empty(), BuildStatus.DEQUEUED, List.of(), why, now)));
        GateRuns.report(tx, t, OutboxKind.GATE_FAILED, now);
      }
      TriggerEvent.ApprovalsChanged a = approvals.get(e.getKey());
      if (a != null) {
        waiting.put(e.getKey(), a);
      }
    }
  }

  private GateQueue queueOf(TriggerEvent.ApprovalsChanged a) {
    return queues.computeIfAbsent(
        settings.get().queueOf(a.connection(), a.project()),
        n -> new GateQueue(n, settings.get().window()));
  }

  private static ChangeRef refOf(TriggerEvent.ApprovalsChanged a) {
    return new ChangeRef(
        a.connection(), a.project(), a.branch(), a.change(), a.patchset(), a.commit());
  }

  /**
   * A new patch set or an abandon removes the change from its queue (its gate builds are dequeued).
   */
  void onChangeGone(Store.Tx tx, ChangeKey k, String why, Instant now) {
    approvals.remove(k);
    waiting.remove(k);
    rejected.remove(k);
    tx.gate().forgetApprovals(k.connection(), k.project(), k.change());
    tx.gate().unreject(k.connection(), k.project(), k.change());
    walks.clear(); // a new patch set or an abandon may change what others depend on
    find(k).ifPresent(f -> drop(tx, f, why, now));
  }

  /**
   * A gate buildset finished: a pass waits for the items ahead; a merge conflict, or a failure at
   * the head, fails the item for good; a failure behind the head makes it failing.
   */
  void onGateFinished(Store.Tx tx, Buildset s, List<Build> builds, Instant now) {
    GateRun t = tested.remove(s.id());
    if (t == null) {
      return;
    }
    GateQueue q = queues.get(t.queue());
    if (q == null || !q.current(t.change(), t.generation())) {
      return; // a stale run: something ahead changed since
    }
    if (Verdict.of(builds) == Verdict.PASSED) {
      items.item(key(t.change())).passed = true;
    } else if (builds.stream().anyMatch(b -> b.status() == BuildStatus.MERGE_CONFLICT)
        || q.head().map(h -> h.change().sameChange(t.change())).orElse(false)) {
      failForGood(tx, q, t.change(), now);
    } else {
      q.markFailing(t.change());
    }
    refresh(tx, q, now);
  }

  private void failForGood(Store.Tx tx, GateQueue q, ChangeRef c, Instant now) {
    merges.forget(key(c));
    GateItems.Item gone = items.remove(key(c));
    GateRun t = gone == null ? null : gone.run;
    rejected.put(key(c), c.patchset());
    tx.gate().reject(new GateState.Rejected(c.connection(), c.project(), c.change(), c.patchset()));
    q.fail(c);
    GateRuns.report(tx, t, OutboxKind.GATE_FAILED, now);
    dropDependents(tx, c, "failed the gate", now);
  }

  /**
   * Settles the head: a failing head fails for good, a passed one is submitted (a refused submit
   * re-tests the whole queue), repeatedly. Returns whether the queue changed.
   */
  private boolean settleHead(Store.Tx tx, GateQueue q, Instant now) {
    boolean changed = false;
    while (q.head().isPresent()) {
      ChangeRef head = q.head().get().change();
      if (q.head().get().failing()) {
        failForGood(tx, q, head, now);
        changed = true;
        continue;
      }
      if (!items.passed(key(head))) {
        return changed;
      }
      GateItems.Item h = items.item(key(head));
      if (!h.submitting) {
        // The submit is an effect: the outbox carries it out and the answer comes back (answered).
        h.submitting = true;
        GateRun t = h.run;
        Optional<Long> named =
            t != null && t.buildsetId() >= 0
                ? Optional.of(t.buildsetId())
                : GateRuns.checkBuildset(store, head);
        named.ifPresent(
            id ->
                tx.outbox().add(new OutboxEntry(0, id, OutboxKind.SUBMIT, now, Optional.empty())));
      }
      return changed;
    }
    return changed;
  }

  @Override
  public Optional<ChangeRef> wanted(Buildset s) {
    return s.change()
        .filter(
            c ->
                items.get(key(s.connection(), s.project(), c)) instanceof GateItems.Item i
                    && i.submitting)
        .flatMap(c -> find(key(s.connection(), s.project(), c)))
        .map(Found::change);
  }

  /**
   * The review system answered a submit: merged, the head leaves the queue as merged; refused (its
   * explicit answer), the queue is tested again, and after {@link #MAX_REFUSED_SUBMITS} refusals in
   * a row the head fails for good. An outage never reaches here (the outbox retries).
   */
  @Override
  public void answered(Store.Tx tx, Buildset s, ReviewSystem.SubmitResult r, Instant now) {
    if (s.change().isEmpty()) {
      return;
    }
    ChangeKey k = key(s.connection(), s.project(), s.change().get());
    GateItems.Item it = items.get(k);
    boolean asked = it != null && it.submitting;
    if (asked) {
      it.submitting = false;
    }
    Optional<Found> f = find(k);
    if (f.isEmpty() || !f.get().change().patchset().equals(s.patchset().orElse(""))) {
      return; // it left its queue meanwhile
    }
    GateQueue q = f.get().queue();
    ChangeRef head = f.get().change();
    if (r.merged()) {
      GateItems.Item merged = items.remove(k);
      q.merged(head);
      approvals.remove(k);
      walks.clear(); // dependencies of others may be met now
      tx.gate().forgetApprovals(head.connection(), head.project(), head.change());
      GateRuns.report(tx, merged == null ? null : merged.run, OutboxKind.GATE_MERGED, now);
      refresh(tx, q, now);
      return;
    }
    if (!asked) {
      return;
    }
    int refused = ++it.refusedSubmits;
    if (refused >= MAX_REFUSED_SUBMITS) {
      GateRuns.recordRefusal(tx, items.run(k), refused, r.message(), now);
      failForGood(tx, q, head, now);
    } else {
      forgetPassed(q);
      q.resetAll();
    }
    refresh(tx, q, now);
  }

  /**
   * Starts a test run for every item in the window that lacks one for its current generation and
   * settles the head, until nothing changes (bounded: a head refused again and again stops it).
   */
  private void refresh(Store.Tx tx, GateQueue q, Instant now) {
    for (int round = 0; round <= q.items().size() + 1; round++) {
      startMissingRuns(tx, q, now);
      if (!settleHead(tx, q, now)) {
        break;
      }
    }
    save(tx, q);
    reevaluateWaiting(tx, now); // a change entered or merged: dependents may follow it now
  }

  /** Writes the queue's order to the store, each item as the approvals that let it in. */
  private void save(Store.Tx tx, GateQueue q) {
    List<TriggerEvent.ApprovalsChanged> items = new ArrayList<>();
    for (GateQueue.Item it : q.items()) {
      ChangeRef c = it.change();
      TriggerEvent.ApprovalsChanged a = approvals.get(key(c));
      items.add(
          a != null && a.patchset().equals(c.patchset())
              ? a
              : new TriggerEvent.ApprovalsChanged(
                  c.connection(),
                  c.project(),
                  c.branch(),
                  c.change(),
                  c.patchset(),
                  c.commit(),
                  settings.get().requiredApprovals(),
                  "queued"));
    }
    tx.gate().saveQueue(q.name(), items);
  }

  private void startMissingRuns(Store.Tx tx, GateQueue q, Instant now) {
    List<GateQueue.Item> active = q.active();
    for (GateQueue.Item it : q.items().subList(active.size(), q.items().size())) {
      GateRun t = items.run(key(it.change()));
      if (t != null && t.generation() != it.generation()) {
        // Reset, and now beyond a window that shrank: its run is stale and must not hold a slot.
        stop(
            tx,
            it.change(),
            BuildStatus.CANCELLED,
            "gate reset: the changes ahead of it changed (it waits beyond the window now)",
            now);
      }
    }
    List<SpeculativeMerges.Job> jobs = new ArrayList<>();
    for (GateQueue.Item it : active) {
      GateRun t = items.run(key(it.change()));
      if (t != null && t.generation() == it.generation()) {
        continue;
      }
      if (t != null) {
        stop(
            tx,
            it.change(),
            BuildStatus.CANCELLED,
            "gate reset: the changes ahead of it changed",
            now);
      }
      jobs.add(test(q, it));
    }
    merges.start(jobs);
  }

  private boolean currentlyTested(GateQueue.Item it) {
    GateRun t = items.run(key(it.change()));
    return t != null && t.generation() == it.generation();
  }

  /** Marks the item as being merged and says what its run needs merged (see {@link #merge}). */
  private SpeculativeMerges.Job test(GateQueue q, GateQueue.Item it) {
    ChangeRef c = it.change();
    List<ChangeRef> changes = new ArrayList<>(q.ahead(c));
    changes.add(c);
    GateRun pending = new GateRun(q.name(), c, it.generation(), MERGING);
    items.item(key(c)).run = pending;
    return new SpeculativeMerges.Job(
        pending,
        changes,
        SpeculativeMerges.elsewhere(
            c, items.containsKey(key(c)) ? items.get(key(c)).dependsOn : List.of(), q.ahead(c)));
  }

  /**
   * One scheduler step of the gate: merges and dependency walks that came back are recorded (a
   * run's buildset is created when its item still waits for exactly that state; an outage is tried
   * again after a backoff, never a verdict), and due retries start again.
   */
  boolean step(Store.Tx tx, Instant now) {
    boolean progress = false;
    if (walks.drain(now, this::walked)) {
      reevaluateWaiting(tx, now);
      progress = true;
    }
    if (walks.retry(now, this::walked)) {
      reevaluateWaiting(tx, now); // inline calls have answered already
      progress = true;
    }
    Set<GateQueue> touched = new java.util.LinkedHashSet<>();
    progress |=
        merges.drain(
            now,
            run -> items.run(key(run.change())) == run,
            (job, outcome) -> recordRun(tx, job, outcome, now).ifPresent(touched::add));
    for (GateQueue q : touched) {
      refresh(tx, q, now);
    }
    return progress;
  }

  /** Records one run's merge when its item still waits for it; returns its queue then. */
  private Optional<GateQueue> recordRun(
      Store.Tx tx, SpeculativeMerges.Job j, SpeculativeMerges.Outcome o, Instant now) {
    ChangeRef c = j.run().change();
    Optional<Buildset> s = GateRuns.record(tx, configs, o.speculation(), now);
    if (s.isEmpty()) {
      // Nothing to run in gate: the change passes on its check alone.
      GateItems.Item i = items.item(key(c));
      i.run = new GateRun(j.run().queue(), c, j.run().generation(), -1);
      i.passed = true;
    } else {
      GateRun t = new GateRun(j.run().queue(), c, j.run().generation(), s.get().id());
      if (!o.elsewhere().isEmpty()) {
        tx.builds()
            .saveDependencies(
                s.get().id(), o.elsewhere()); // durable: a restart still checks them out
      }
      tested.put(s.get().id(), t);
      items.item(key(c)).run = t;
    }
    return Optional.ofNullable(queues.get(j.run().queue()));
  }

  /** Ends the current gate builds of a change that are still queued or running. */
  private void stop(Store.Tx tx, ChangeRef c, BuildStatus status, String why, Instant now) {
    GateRun t = items.takeRun(key(c));
    if (t == null || t.buildsetId() < 0) {
      return;
    }
    tested.remove(t.buildsetId());
    for (Build b : tx.builds().ofBuildset(t.buildsetId())) {
      if (!b.status().terminal()) {
        cancelRunning.accept(b.id(), why);
        tx.builds().update(b.moveTo(status, now, why));
      }
    }
  }

  /** An admin's dequeue: empty when the change is in no queue. */
  Optional<String> dequeue(Store.Tx tx, ChangeKey k, String by, Instant now) {
    return find(k)
        .map(
            f -> {
              drop(tx, f, "dequeued by " + by, now);
              return f.queue().name();
            });
  }

  /** Removes an item without a verdict: its gate builds are dequeued, those behind re-tested. */
  private void drop(Store.Tx tx, Found f, String why, Instant now) {
    merges.forget(key(f.change()));
    stop(tx, f.change(), BuildStatus.DEQUEUED, why, now);
    items.remove(key(f.change()));
    f.queue().remove(f.change());
    dropDependents(tx, f.change(), "left the gate (" + why + ")", now);
    refresh(tx, f.queue(), now);
  }

  /** An admin's promote: empty when the change is in no queue. */
  Optional<String> promote(Store.Tx tx, ChangeKey k, Instant now) {
    return find(k)
        .map(
            f -> {
              forgetPassed(f.queue());
              f.queue().promote(f.change());
              refresh(tx, f.queue(), now);
              return f.queue().name();
            });
  }

  /** An admin's (re-)enqueue, with the last approvals seen; false when none are known. */
  boolean enqueue(Store.Tx tx, ChangeKey k, Instant now) {
    TriggerEvent.ApprovalsChanged a = approvals.get(k);
    if (a == null) {
      return false;
    }
    add(tx, a, now);
    return true;
  }

  private record Found(GateQueue queue, ChangeRef change) {}

  private Optional<Found> find(ChangeKey k) {
    return queues.values().stream()
        .flatMap(
            q ->
                q.items().stream()
                    .filter(i -> key(i.change()).equals(k))
                    .map(i -> new Found(q, i.change())))
        .findFirst();
  }

  /**
   * Queues for GET /status: each with its items, their position and the state they are tested on.
   */
  List<Map<String, Object>> status() {
    return GateRuns.status(
        queues.values(),
        c -> Optional.ofNullable(items.run(key(c))).map(GateRun::buildsetId).filter(id -> id >= 0),
        c -> items.passed(key(c)));
  }

  /** Forgets which items of {@code q} passed (they are all re-tested); other queues keep theirs. */
  private void forgetPassed(GateQueue q) {
    q.items().forEach(i -> items.unpass(key(i.change())));
  }
}
