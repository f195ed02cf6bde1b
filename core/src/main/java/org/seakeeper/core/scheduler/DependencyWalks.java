package org.seakeeper.core.scheduler;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;
import org.seakeeper.core.effect.Calls;
import org.seakeeper.core.effect.EffectPorts;
import org.seakeeper.core.gate.ChangeKey;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.ChangeResolver;

/**
 * The gate's dependency walks ({@link DependencyWalk}: REST look-ups and commit reads), made by
 * calls away from the scheduler's thread and kept per patch set until something that may change
 * them happens ({@link #clear}). A walk that meets an outage is tried again after a backoff.
 * Confined to the scheduler's thread, except the completion hand-over.
 */
final class DependencyWalks {
  /** A dependency walk belongs to one patch set of a change. */
  private record Key(ChangeKey change, String patchset) {
    static Key of(ChangeRef c) {
      return new Key(c.key(), c.patchset());
    }
  }

  private record Done(ChangeRef change, Calls.Result<DependencyWalk.Outcome> result) {}

  private final RepoAccess repos;
  private final ChangeResolver resolver;
  private final EffectPorts effects;
  private final Runnable wake;
  private final Map<Key, DependencyWalk.Outcome> known = new HashMap<>();

  /** Walks under way (empty), and walks that met an outage with when they may be tried again. */
  private final Map<Key, Optional<Instant>> walking = new HashMap<>();

  private final Map<Key, Integer> failures = new HashMap<>();

  /** The walks that met an outage, to start again after their backoff. */
  private final Map<Key, ChangeRef> failed = new HashMap<>();

  private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();

  DependencyWalks(RepoAccess repos, ChangeResolver resolver, EffectPorts effects, Runnable wake) {
    this.repos = repos;
    this.resolver = resolver;
    this.effects = effects;
    this.wake = wake;
  }

  /**
   * The change's walk when known; otherwise starts it (unless under way or waiting to be tried
   * again) and returns empty: the caller asks again after {@link #drain} says walks arrived.
   */
  Optional<DependencyWalk.Outcome> of(
      ChangeRef c, Instant now, BiConsumer<ChangeRef, DependencyWalk.Outcome> arrived) {
    Key k = Key.of(c);
    DependencyWalk.Outcome o = known.get(k);
    if (o != null) {
      return Optional.of(o);
    }
    Optional<Instant> state = walking.get(k);
    if (state != null && (state.isEmpty() || now.isBefore(state.get()))) {
      return Optional.empty();
    }
    walking.put(k, Optional.empty());
    effects.call(
        c.connection(),
        "resolve the dependencies of " + c,
        () -> DependencyWalk.of(repos, resolver, c),
        r -> {
          done.add(new Done(c, r));
          wake.run();
        });
    drain(now, arrived);
    return Optional.ofNullable(known.get(k));
  }

  /**
   * Takes finished walks, telling {@code arrived} of each that succeeded; true when any finished.
   */
  boolean drain(Instant now, BiConsumer<ChangeRef, DependencyWalk.Outcome> arrived) {
    boolean any = false;
    Done d;
    while ((d = done.poll()) != null) {
      any = true;
      Key k = Key.of(d.change());
      switch (d.result()) {
        case Calls.Ok<DependencyWalk.Outcome> ok -> {
          walking.remove(k);
          failures.remove(k);
          failed.remove(k);
          known.put(k, ok.value());
          arrived.accept(d.change(), ok.value());
        }
        case Calls.Failed<DependencyWalk.Outcome> f -> {
          int n = failures.merge(k, 1, Integer::sum);
          walking.put(k, Optional.of(now.plus(effects.backoff().delay(n, k))));
          failed.put(k, d.change());
          effects.failed(
              d.change().connection(),
              "resolving the dependencies of " + d.change() + " (attempt " + n + "; retried)",
              f,
              now);
        }
      }
    }
    return any;
  }

  /** Starts again the walks that met an outage and whose backoff passed; true when any started. */
  boolean retry(Instant now, BiConsumer<ChangeRef, DependencyWalk.Outcome> arrived) {
    java.util.List<ChangeRef> due =
        failed.entrySet().stream()
            .filter(
                e ->
                    walking.get(e.getKey()) instanceof Optional<Instant> at
                        && at.isPresent()
                        && !now.isBefore(at.get()))
            .map(Map.Entry::getValue)
            .toList();
    due.forEach(c -> of(c, now, arrived));
    return !due.isEmpty();
  }

  /** Forgets the known walks: a change merged or left, so dependencies may be met or gone. */
  void clear() {
    known.clear();
  }
}
