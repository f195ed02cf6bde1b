package org.seakeeper.core.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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
 * <p>Whether a pending job starts, waits or is skipped is {@link #decide}'s, the one rule for every
 * DAG here: {@code seakeeper run} applies it to this class's states, the scheduler ({@code
 * scheduler.Readiness}) to the latest stored attempt of each need.
 *
 * <p>Not thread-safe: confine to one thread or synchronize.
 */
public final class PlanProgress {
  /** What a pending job's needs say: start it, wait, or skip it. */
  public enum Readiness {
    READY,
    WAIT,
    SKIP
  }

  /**
   * How one need stands: passed, not ended yet, or ended without passing ({@code how} finishes the
   * skip reason's sentence, e.g. "failed").
   */
  public record Need(Readiness means, String how) {
    public static Need passed() {
      return new Need(Readiness.READY, "passed");
    }

    public static Need unfinished() {
      return new Need(Readiness.WAIT, "has not ended");
    }

    public static Need endedWithoutPassing(String how) {
      return new Need(Readiness.SKIP, how);
    }
  }

  /** The readiness of a job, and, when it is skipped, why. */
  public record Decision(Readiness readiness, Optional<String> skipReason) {}

  /**
   * The rule: a job is skipped as soon as one need ended without passing (the first such need in
   * {@code needs}'s order is named), waits while any need has not ended, and is ready when every
   * need passed.
   */
  public static Decision decide(List<String> needs, Function<String, Need> need) {
    boolean wait = false;
    for (String n : needs) {
      Need st = need.apply(n);
      switch (st.means()) {
        case SKIP -> {
          return new Decision(Readiness.SKIP, Optional.of("needs '" + n + "', which " + st.how()));
        }
        case WAIT -> wait = true;
        case READY -> {}
      }
    }
    return new Decision(wait ? Readiness.WAIT : Readiness.READY, Optional.empty());
  }

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
      j.skipReason()
          .ifPresent(
              r -> {
                state.put(j.name(), State.SKIPPED);
                skipReasons.put(j.name(), r);
              });
    }
    settle();
  }

  /** Jobs whose needs all passed and that have not started, in plan order. */
  public List<String> ready() {
    List<String> out = new ArrayList<>();
    for (PlannedJob j : jobs.values()) {
      if (state.get(j.name()) == State.PENDING
          && decide(j.needs(), this::need).readiness() == Readiness.READY) {
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
    settle();
  }

  /** How a need stands here; a name outside the plan never ends (its dependents never start). */
  private Need need(String name) {
    State s = state.get(name);
    if (s == null) {
      return Need.unfinished();
    }
    return switch (s) {
      case PASSED -> Need.passed();
      case PENDING, RUNNING -> Need.unfinished();
      case FAILED -> Need.endedWithoutPassing("failed");
      case SKIPPED -> Need.endedWithoutPassing("was skipped");
    };
  }

  /**
   * Skips, until nothing changes, every pending job the rule skips (so a failure skips its
   * dependents at once).
   */
  private void settle() {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (PlannedJob j : jobs.values()) {
        if (state.get(j.name()) == State.PENDING) {
          Decision d = decide(j.needs(), this::need);
          if (d.readiness() == Readiness.SKIP) {
            state.put(j.name(), State.SKIPPED);
            skipReasons.put(j.name(), d.skipReason().orElseThrow());
            changed = true;
          }
        }
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
