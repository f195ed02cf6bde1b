package org.seakeeper.core.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.build.Verdict;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.GatePorts;
import org.seakeeper.core.gate.GateQueue;
import org.seakeeper.core.gate.GateSettings;
import org.seakeeper.core.gate.Merger;
import org.seakeeper.core.gate.ReviewSystem;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.core.store.Store;

/**
 * The gate pipeline's dependent queues, run by the scheduler: approved changes whose check passed
 * enter their project's (or shared) queue; each item in the window is tested on the speculative
 * merge of the changes ahead of it; a failure removes the item and re-tests those behind it; the
 * head is submitted once it passed. Confined to the scheduler thread; it changes build state
 * only inside the scheduler's transactions.
 */
final class GateCoordinator {
  private final GatePorts ports;
  private final GateSettings settings;
  private final ConfigCache configs;
  private final Store store;
  private final BiConsumer<Long, String> cancelRunning;
  private final Map<String, GateQueue> queues = new LinkedHashMap<>();
  private final Map<String, TriggerEvent.ApprovalsChanged> approvals = new HashMap<>();
  /** Gate buildset id to the item and generation it tested. */
  private final Map<Long, Tested> tested = new HashMap<>();
  /** Current test per change key. */
  private final Map<String, Tested> current = new HashMap<>();
  private final Set<String> passed = new HashSet<>();

  private record Tested(String queue, ChangeRef change, int generation, long buildsetId) {}

  GateCoordinator(GatePorts ports, GateSettings settings, ConfigCache configs, Store store, BiConsumer<Long, String> cancelRunning) {
    this.ports = ports;
    this.settings = settings;
    this.configs = configs;
    this.store = store;
    this.cancelRunning = cancelRunning;
  }

  private static String key(String connection, String project, String change) {
    return connection + "/" + project + "/" + change;
  }

  private static String key(ChangeRef c) {
    return key(c.connection(), c.project(), c.change());
  }

  /**
   * After a restart: the queues are rebuilt from the gate buildsets that had not finished, in
   * their order; their unfinished builds are cancelled and the items tested again.
   */
  void recover(Store.Tx tx, Instant now) {
    for (Buildset s : tx.builds().unfinished()) {
      if (s.pipeline() != PipelineName.GATE || s.change().isEmpty() || s.patchset().isEmpty()) {
        continue;
      }
      Optional<Build> check = store.queries().list(new BuildQuery(Optional.of(s.connection()), Optional.of(s.project()), s.change(), Optional.of(PipelineName.CHECK), Optional.empty(), Optional.empty(), BuildQuery.MAX_LIMIT))
          .stream().filter(b -> b.patchset().equals(s.patchset())).findFirst();
      for (Build b : tx.builds().ofBuildset(s.id())) {
        if (!b.status().terminal()) {
          tx.builds().update(b.moveTo(BuildStatus.CANCELLED, now, "the server restarted; the gate tests this change again"));
        }
      }
      if (check.isEmpty()) {
        continue;
      }
      String branch = Trigger.branchOf(s.ref()).orElse("main");
      TriggerEvent.ApprovalsChanged a = new TriggerEvent.ApprovalsChanged(s.connection(), s.project(), branch, s.change().get(), s.patchset().get(), check.get().commit(), settings.requiredApprovals(), "recovered");
      approvals.put(key(s.connection(), s.project(), s.change().get()), a);
      ChangeRef c = new ChangeRef(a.connection(), a.project(), a.branch(), a.change(), a.patchset(), a.commit());
      queues.computeIfAbsent(settings.queueOf(a.connection(), a.project()), n -> new GateQueue(n, settings.window())).enqueue(c);
    }
    for (GateQueue q : queues.values()) {
      refresh(tx, q, now);
    }
  }

  void onApprovals(Store.Tx tx, TriggerEvent.ApprovalsChanged a, Instant now) {
    approvals.put(key(a.connection(), a.project(), a.change()), a);
    maybeEnqueue(tx, a, now);
  }

  /** A check buildset finished: an approved change whose check now passed (re-)enters the gate. */
  void onCheckFinished(Store.Tx tx, Buildset s, List<Build> builds, Instant now) {
    if (s.change().isEmpty() || Verdict.of(builds) != Verdict.PASSED) {
      return;
    }
    TriggerEvent.ApprovalsChanged a = approvals.get(key(s.connection(), s.project(), s.change().get()));
    if (a != null && a.patchset().equals(s.patchset().orElse(""))) {
      maybeEnqueue(tx, a, now);
    }
  }

  private void maybeEnqueue(Store.Tx tx, TriggerEvent.ApprovalsChanged a, Instant now) {
    if (!settings.approved(a.approvals()) || !checkPassed(a)) {
      return;
    }
    ChangeRef c = new ChangeRef(a.connection(), a.project(), a.branch(), a.change(), a.patchset(), a.commit());
    GateQueue q = queues.computeIfAbsent(settings.queueOf(a.connection(), a.project()), n -> new GateQueue(n, settings.window()));
    if (q.enqueue(c)) {
      refresh(tx, q, now);
    }
  }

  /** Whether the latest check buildset of the approved patch set passed. */
  private boolean checkPassed(TriggerEvent.ApprovalsChanged a) {
    List<Build> checks = store.queries().list(new BuildQuery(Optional.of(a.connection()), Optional.of(a.project()), Optional.of(a.change()), Optional.of(PipelineName.CHECK), Optional.empty(), Optional.empty(), BuildQuery.MAX_LIMIT));
    Optional<Long> latest = checks.stream().filter(b -> b.patchset().equals(Optional.of(a.patchset()))).map(Build::buildsetId).max(Long::compare);
    if (latest.isEmpty()) {
      return false;
    }
    List<Build> set = checks.stream().filter(b -> b.buildsetId() == latest.get()).toList();
    return set.stream().allMatch(b -> b.status().terminal()) && Verdict.of(set) == Verdict.PASSED;
  }

  /** A new patch set or an abandon removes the change from its queue (its gate builds are dequeued). */
  void onChangeGone(Store.Tx tx, String connection, String project, String change, String why, Instant now) {
    approvals.remove(key(connection, project, change));
    for (GateQueue q : queues.values()) {
      Optional<GateQueue.Item> it = q.items().stream().filter(i -> key(i.change()).equals(key(connection, project, change))).findFirst();
      if (it.isPresent()) {
        stop(tx, it.get().change(), BuildStatus.DEQUEUED, why, now);
        q.remove(it.get().change());
        refresh(tx, q, now);
      }
    }
  }

  /** A gate buildset finished: advance its queue. */
  void onGateFinished(Store.Tx tx, Buildset s, List<Build> builds, Instant now) {
    Tested t = tested.remove(s.id());
    if (t == null) {
      return;
    }
    GateQueue q = queues.get(t.queue());
    if (q == null || !q.current(t.change(), t.generation())) {
      return; // a stale run: something ahead changed since
    }
    if (Verdict.of(builds) == Verdict.PASSED) {
      passed.add(key(t.change()));
    } else {
      fail(tx, q, t.change(), now);
    }
    submitHeads(tx, q, now);
    refresh(tx, q, now);
  }

  private void fail(Store.Tx tx, GateQueue q, ChangeRef c, Instant now) {
    current.remove(key(c));
    passed.remove(key(c));
    approvals.remove(key(c));
    q.fail(c);
  }

  private void submitHeads(Store.Tx tx, GateQueue q, Instant now) {
    while (q.head().isPresent() && passed.contains(key(q.head().get().change()))) {
      ChangeRef head = q.head().get().change();
      ReviewSystem.SubmitResult r = ports.review().submit(head);
      if (!r.merged()) {
        passed.clear();
        q.resetAll();
        return;
      }
      q.merged(head);
      passed.remove(key(head));
      current.remove(key(head));
      approvals.remove(key(head));
    }
  }

  /** Starts a test run for every item in the window that lacks one for its current generation. */
  private void refresh(Store.Tx tx, GateQueue q, Instant now) {
    for (GateQueue.Item it : q.active()) {
      Tested t = current.get(key(it.change()));
      if (t != null && t.generation() == it.generation()) {
        continue;
      }
      if (t != null) {
        stop(tx, it.change(), BuildStatus.CANCELLED, "gate reset: the changes ahead of it changed", now);
        passed.remove(key(it.change()));
      }
      test(tx, q, it, now);
    }
  }

  private void test(Store.Tx tx, GateQueue q, GateQueue.Item it, Instant now) {
    ChangeRef c = it.change();
    List<ChangeRef> changes = new ArrayList<>(q.ahead(c));
    changes.add(c);
    Merger.Result m;
    try {
      m = ports.merger().speculate(c.connection(), c.project(), c.branch(), changes);
    } catch (RuntimeException e) {
      m = new Merger.Conflict(c, List.of());
    }
    String commit = m instanceof Merger.Merged merged ? merged.commit() : c.commit();
    // The ref is the branch the change lands on; the commit is the speculative state tested.
    Trigger trigger = new Trigger(PipelineName.GATE, c.connection(), c.project(), "refs/heads/" + c.branch(), commit, Optional.of(c.branch()), Optional.of(c.change()), Optional.of(c.patchset()));
    ConfigOutcome config = m instanceof Merger.Merged ? configs.read(c.connection(), c.project(), commit) : new ConfigOutcome.Missing();
    Optional<Buildset> s;
    if (m instanceof Merger.Conflict conflict) {
      String detail = "does not merge onto " + c.branch() + (conflict.change().equals(c) ? "" : " with " + conflict.change()) + (conflict.files().isEmpty() ? "" : ": conflicts in " + String.join(", ", conflict.files()));
      s = Optional.of(BuildsetCreator.createMergeConflict(tx, trigger, Tier.TRUSTED, detail, now));
    } else {
      s = BuildsetCreator.create(tx, 0, trigger, Tier.TRUSTED, config, Set.of(), now);
      if (s.isPresent() && config instanceof ConfigOutcome.Valid v) {
        configs.remember(s.get().id(), v.config());
      }
    }
    if (s.isEmpty()) {
      // Nothing to run in gate: the change passes on its check alone.
      Tested t = new Tested(q.name(), c, it.generation(), -1);
      current.put(key(c), t);
      passed.add(key(c));
      submitHeads(tx, q, now);
      return;
    }
    Tested t = new Tested(q.name(), c, it.generation(), s.get().id());
    tested.put(s.get().id(), t);
    current.put(key(c), t);
  }

  /** Ends the current gate builds of a change that are still queued or running. */
  private void stop(Store.Tx tx, ChangeRef c, BuildStatus status, String why, Instant now) {
    Tested t = current.remove(key(c));
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
  Optional<String> dequeue(Store.Tx tx, String connection, String project, String change, String by, Instant now) {
    Optional<GateQueue> q = queueWith(connection, project, change);
    if (q.isEmpty()) {
      return Optional.empty();
    }
    ChangeRef c = item(q.get(), connection, project, change);
    stop(tx, c, BuildStatus.DEQUEUED, "dequeued by " + by, now);
    passed.remove(key(c));
    q.get().remove(c);
    refresh(tx, q.get(), now);
    return Optional.of(q.get().name());
  }

  /** An admin's promote: empty when the change is in no queue. */
  Optional<String> promote(Store.Tx tx, String connection, String project, String change, Instant now) {
    Optional<GateQueue> q = queueWith(connection, project, change);
    if (q.isEmpty()) {
      return Optional.empty();
    }
    q.get().promote(item(q.get(), connection, project, change));
    passed.clear();
    refresh(tx, q.get(), now);
    return Optional.of(q.get().name());
  }

  /** An admin's (re-)enqueue, with the last approvals seen; false when none are known. */
  boolean enqueue(Store.Tx tx, String connection, String project, String change, Instant now) {
    TriggerEvent.ApprovalsChanged a = approvals.get(key(connection, project, change));
    if (a == null) {
      return false;
    }
    ChangeRef c = new ChangeRef(a.connection(), a.project(), a.branch(), a.change(), a.patchset(), a.commit());
    GateQueue q = queues.computeIfAbsent(settings.queueOf(a.connection(), a.project()), n -> new GateQueue(n, settings.window()));
    if (q.enqueue(c)) {
      refresh(tx, q, now);
    }
    return true;
  }

  private Optional<GateQueue> queueWith(String connection, String project, String change) {
    return queues.values().stream().filter(q -> q.items().stream().anyMatch(i -> key(i.change()).equals(key(connection, project, change)))).findFirst();
  }

  private static ChangeRef item(GateQueue q, String connection, String project, String change) {
    return q.items().stream().map(GateQueue.Item::change).filter(c -> key(c).equals(key(connection, project, change))).findFirst().orElseThrow();
  }

  /** Queues for GET /status: each with its items, their position and the state they are tested on. */
  List<Map<String, Object>> status() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (GateQueue q : queues.values()) {
      List<Map<String, Object>> items = new ArrayList<>();
      int pos = 0;
      for (GateQueue.Item it : q.items()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("position", ++pos);
        m.put("change", it.change().change());
        m.put("patchset", it.change().patchset());
        m.put("project", it.change().project());
        m.put("tested_on", q.ahead(it.change()).stream().map(ChangeRef::toString).toList());
        Tested t = current.get(key(it.change()));
        m.put("buildset", t == null ? null : t.buildsetId());
        m.put("passed", passed.contains(key(it.change())));
        items.add(m);
      }
      out.add(Map.of("name", q.name(), "window", q.window(), "items", items));
    }
    return out;
  }
}
