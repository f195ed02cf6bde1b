package org.seakeeper.core.build;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one state machine of a build, as a transition table. Stateless.
 *
 * <pre>
 *                      ┌──────────── cancel / superseded ───────────┐
 *                      │                                            ▼
 *   (new) ──▶ QUEUED ──┼── dispatch ──▶ RUNNING ──┬── exit 0 ──▶ SUCCESS
 *              │       │                 │        ├── exit ≠ 0 ─▶ FAILURE
 *              │       │                 │        ├── timeout ──▶ TIMED_OUT
 *              │       │                 │        ├── infra ────▶ ERROR (a new attempt may follow)
 *              │       │                 │        ├── cancel ───▶ CANCELLED
 *              │       │                 │        └── crash ────▶ INTERRUPTED (a new attempt follows)
 *              │       ├── a need failed ─▶ SKIPPED
 *              │       └── a secret it declares is missing or not granted ─▶ CONFIG_ERROR
 *              └── removed from a gate queue ─▶ DEQUEUED
 *   (new) ──▶ SKIPPED | CONFIG_ERROR | MERGE_CONFLICT   (recorded already ended)
 * </pre>
 *
 * A retry never reopens a build: it is a new build with {@code attempt + 1}.
 */
public final class BuildLifecycle {
  private static final Map<BuildStatus, Set<BuildStatus>> NEXT = new EnumMap<>(BuildStatus.class);

  static {
    NEXT.put(BuildStatus.QUEUED, EnumSet.of(BuildStatus.RUNNING, BuildStatus.CANCELLED, BuildStatus.SKIPPED, BuildStatus.DEQUEUED, BuildStatus.CONFIG_ERROR));
    NEXT.put(
        BuildStatus.RUNNING,
        EnumSet.of(BuildStatus.SUCCESS, BuildStatus.FAILURE, BuildStatus.TIMED_OUT, BuildStatus.ERROR, BuildStatus.CANCELLED, BuildStatus.INTERRUPTED, BuildStatus.DEQUEUED));
    for (BuildStatus s : BuildStatus.values()) {
      NEXT.putIfAbsent(s, EnumSet.noneOf(BuildStatus.class));
    }
  }

  /** Statuses a build may be created in. */
  public static final Set<BuildStatus> INITIAL = EnumSet.of(BuildStatus.QUEUED, BuildStatus.SKIPPED, BuildStatus.CONFIG_ERROR, BuildStatus.MERGE_CONFLICT);

  private BuildLifecycle() {}

  public static boolean allowed(BuildStatus from, BuildStatus to) {
    return NEXT.get(from).contains(to);
  }

  /** Throws when the move is not in the table: a bug in the caller, never a user error. */
  public static void check(BuildStatus from, BuildStatus to) {
    if (!allowed(from, to)) {
      throw new IllegalStateException("a build cannot go from " + from.id() + " to " + to.id());
    }
  }

  public static Set<BuildStatus> next(BuildStatus from) {
    return Set.copyOf(NEXT.get(from));
  }
}
