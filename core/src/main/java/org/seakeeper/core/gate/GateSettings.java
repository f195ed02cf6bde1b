package org.seakeeper.core.gate;

import java.util.Map;

/**
 * Trusted gate rules (docs/contracts.md §4): the approvals a change needs to enter the gate
 * (default Code-Review +2, plus a passed check of its current patch set), which projects share a
 * queue (default: each project has its own), and the queue's initial window. Immutable.
 */
public record GateSettings(
    Map<String, Integer> requiredApprovals, Map<String, String> sharedQueues, int window) {
  public static final GateSettings DEFAULTS =
      new GateSettings(Map.of("Code-Review", 2), Map.of(), GateQueue.DEFAULT_WINDOW);

  public GateSettings {
    requiredApprovals = Map.copyOf(requiredApprovals);
    sharedQueues = Map.copyOf(sharedQueues);
  }

  /** The queue a project's changes gate in. */
  public String queueOf(String connection, String project) {
    return sharedQueues.getOrDefault(project, connection + "/" + project);
  }

  /** Whether these approvals meet the rule. */
  public boolean approved(Map<String, Integer> approvals) {
    return requiredApprovals.entrySet().stream()
        .allMatch(e -> approvals.getOrDefault(e.getKey(), Integer.MIN_VALUE) >= e.getValue());
  }
}
