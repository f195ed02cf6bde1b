package org.seakeeper.core.build;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one state machine of a build, as a transition table. Stateless.
 *
 * <p>Every build is born {@code queued} ({@link Build#queued}); a record that ends as soon as it is
 * made (a skipped job, a config error, ...) is born queued and moved through this table in the same
 * step ({@link Build#ended}). Only the move to {@code running} sets {@code started_at}; every move
 * to a terminal status sets {@code finished_at}.
 *
 * <pre>
 *   (new) ──▶ QUEUED ──┬── dispatch ───────────────────────▶ RUNNING ──┬── exit 0 ────▶ SUCCESS
 *                      │                                               ├── exit ≠ 0 ──▶ FAILURE
 *                      │                                               ├── timeout ───▶ TIMED_OUT
 *                      │                                               ├── infra ─────▶ ERROR (a new attempt may follow)
 *                      │                                               ├── cancel ────▶ CANCELLED
 *                      │                                               ├── crash ─────▶ INTERRUPTED (a new attempt follows)
 *                      │                                               └── dequeued ──▶ DEQUEUED
 *                      ├── cancel / superseded ──────────────────────────────────────▶ CANCELLED
 *                      ├── a need failed, or skipped when planned ────────────────────▶ SKIPPED
 *                      ├── config invalid; a secret it declares is missing or refused ▶ CONFIG_ERROR
 *                      ├── cannot start (no job, unreadable repo or secret, refused submit) ▶ ERROR
 *                      ├── removed from a gate queue ─────────────────────────────────▶ DEQUEUED
 *                      ├── the gate item does not merge ──────────────────────────────▶ MERGE_CONFLICT
 *                      └── a record without a job: a config check that passed ────────▶ SUCCESS
 *
 *   SUCCESS, FAILURE, ERROR, CANCELLED, TIMED_OUT, SKIPPED, INTERRUPTED, CONFIG_ERROR,
 *   MERGE_CONFLICT, DEQUEUED: terminal, nothing leaves them.
 * </pre>
 *
 * A retry never reopens a build: it is a new build with {@code attempt + 1} ({@link
 * Build#nextAttempt}), born queued like every other.
 */
public final class BuildLifecycle {
  private static final Map<BuildStatus, Set<BuildStatus>> NEXT = new EnumMap<>(BuildStatus.class);

  static {
    NEXT.put(
        BuildStatus.QUEUED,
        EnumSet.of(
            BuildStatus.RUNNING,
            BuildStatus.CANCELLED,
            BuildStatus.SKIPPED,
            BuildStatus.CONFIG_ERROR,
            BuildStatus.ERROR,
            BuildStatus.DEQUEUED,
            BuildStatus.MERGE_CONFLICT,
            BuildStatus.SUCCESS));
    NEXT.put(
        BuildStatus.RUNNING,
        EnumSet.of(
            BuildStatus.SUCCESS,
            BuildStatus.FAILURE,
            BuildStatus.TIMED_OUT,
            BuildStatus.ERROR,
            BuildStatus.CANCELLED,
            BuildStatus.INTERRUPTED,
            BuildStatus.DEQUEUED));
    for (BuildStatus s : BuildStatus.values()) {
      NEXT.putIfAbsent(s, EnumSet.noneOf(BuildStatus.class));
    }
  }

  /** The status every build is born in. */
  public static final BuildStatus INITIAL = BuildStatus.QUEUED;

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
