package org.seakeeper.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.store.GateState;

/** {@link GateState} in memory, one copy per {@link InMemoryStore} transaction. Not thread-safe. */
final class InMemoryGateState implements GateState {
  private record Key(String connection, String project, String change) {}

  private final TreeMap<String, List<TriggerEvent.ApprovalsChanged>> queues = new TreeMap<>();
  private final LinkedHashMap<Key, TriggerEvent.ApprovalsChanged> approvals = new LinkedHashMap<>();
  private final LinkedHashMap<Key, Rejected> rejected = new LinkedHashMap<>();

  InMemoryGateState copy() {
    InMemoryGateState c = new InMemoryGateState();
    c.queues.putAll(queues);
    c.approvals.putAll(approvals);
    c.rejected.putAll(rejected);
    return c;
  }

  @Override
  public Map<String, List<TriggerEvent.ApprovalsChanged>> queues() {
    return new TreeMap<>(queues);
  }

  @Override
  public void saveQueue(String name, List<TriggerEvent.ApprovalsChanged> items) {
    if (items.isEmpty()) {
      queues.remove(name);
    } else {
      queues.put(name, List.copyOf(items));
    }
  }

  @Override
  public List<TriggerEvent.ApprovalsChanged> approvals() {
    return new ArrayList<>(approvals.values());
  }

  @Override
  public void saveApprovals(TriggerEvent.ApprovalsChanged a) {
    Key k = new Key(a.connection(), a.project(), a.change());
    if (approvals.containsKey(k)) {
      approvals.replace(k, a);
    } else {
      approvals.put(k, a);
    }
  }

  @Override
  public void forgetApprovals(String connection, String project, String change) {
    approvals.remove(new Key(connection, project, change));
  }

  @Override
  public List<Rejected> rejected() {
    return new ArrayList<>(rejected.values());
  }

  @Override
  public void reject(Rejected r) {
    rejected.put(new Key(r.connection(), r.project(), r.change()), r);
  }

  @Override
  public void unreject(String connection, String project, String change) {
    rejected.remove(new Key(connection, project, change));
  }
}
