package org.seakeeper.core.store;

import java.util.List;
import java.util.Map;
import org.seakeeper.core.event.TriggerEvent;

/**
 * What the gate must not forget across a restart: the changes in each queue, in order (each as the
 * approvals that let it in), the latest approvals of open changes (a change approved before its
 * check passed enters once the check passes, even after a restart), and the patch sets that failed
 * the gate for good (they re-enter only after a check of them passes again). Written in the
 * scheduler's transactions, read once when the scheduler recovers.
 */
public interface GateState {
  /** Every stored queue's changes in queue order, by queue name. */
  Map<String, List<TriggerEvent.ApprovalsChanged>> queues();

  /** Replaces the changes of queue {@code name}; an empty list removes the queue. */
  void saveQueue(String name, List<TriggerEvent.ApprovalsChanged> items);

  /** The latest approvals kept per change, oldest change first. */
  List<TriggerEvent.ApprovalsChanged> approvals();

  /** Keeps {@code a} as its change's latest approvals (replacing older ones). */
  void saveApprovals(TriggerEvent.ApprovalsChanged a);

  void forgetApprovals(String connection, String project, String change);

  /** Patch sets that failed the gate for good. */
  List<Rejected> rejected();

  void reject(Rejected r);

  void unreject(String connection, String project, String change);

  /** A change whose patch set {@code patchset} failed the gate for good. */
  record Rejected(String connection, String project, String change, String patchset) {}
}
