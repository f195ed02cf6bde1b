package org.seakeeper.core.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state of one plan's jobs as they run: which are ready, and what a failure skips. Pure and
 * steppable: the caller starts and finishes jobs; no threads or clocks here.
 *
 * <pre>
 *   PENDING --start--> RUNNING --finish(ok)--> PASSED
 *      |                  '------finish(!ok)--> FAILED --(dependents)--> SKIPPED
 *      '--(planned skip or a need failed/skipped)--> SKIPPED
 * </pre>
 *
 * <p>Not thread-safe: confine to one thread or synchronize.
 */
public final class PlanProgress {
  /** The state of one job. */
  public enum State {
    PENDING,
    RUNNING,
    PASSED,
    FAILED,
    SKIPPED
  }

  private final Map<String, PlannedJob> jobs;
  private final Map<String, State> state = new LinkedHashMap<>();
  private final Map<String, String> skipReasons = new LinkedHashMap<>();

  public PlanProgress(Plan plan) {
    this.jobs = plan.byName();
    for (PlannedJob j : plan.jobs()) {
      state.put(j.name(), State.PENDING);
    }
    for (PlannedJob j : plan.jobs()) {
      j.skipReason().ifPresent(r -> skip(j.name(), r));
    }
  }

  /** Jobs whose needs all passed and that have not started, in plan order. */
  public List<String> ready() {
    List<String> out = new ArrayList<>();
    for (PlannedJob j : jobs.values()) {
      if (state.get(j.name()) == State.PENDING && j.needs().stream().allMatch(n -> state.get(n) == State.PASSED)) {
        out.add(j.name());
      }
    }
    return out;
  }

  public void start(String name) {
    if (state.get(name) != State.PENDING) {
      throw new IllegalStateException(name + " is " + state.get(name) + ", not PENDING");
    }
    state.put(name, State.RUNNING);
  }

  public void finish(String name, boolean passed) {
    if (state.get(name) != State.RUNNING) {
      throw new IllegalStateException(name + " is " + state.get(name) + ", not RUNNING");
    }
    state.put(name, passed ? State.PASSED : State.FAILED);
    if (!passed) {
      skipDependents(name, "needs '" + name + "', which failed");
    }
  }

  private void skip(String name, String reason) {
    if (state.get(name) != State.PENDING) {
      return;
    }
    state.put(name, State.SKIPPED);
    skipReasons.put(name, reason);
    skipDependents(name, "needs '" + name + "', which was skipped");
  }

  private void skipDependents(String name, String reason) {
    for (PlannedJob j : jobs.values()) {
      if (j.needs().contains(name)) {
        skip(j.name(), reason);
      }
    }
  }

  /** True when no job is pending or running. */
  public boolean done() {
    return state.values().stream().noneMatch(s -> s == State.PENDING || s == State.RUNNING);
  }

  public boolean running() {
    return state.containsValue(State.RUNNING);
  }

  public State state(String name) {
    return state.get(name);
  }

  public Optional<String> skipReason(String name) {
    return Optional.ofNullable(skipReasons.get(name));
  }

  public long count(State s) {
    return state.values().stream().filter(x -> x == s).count();
  }

  public int size() {
    return state.size();
  }
}
