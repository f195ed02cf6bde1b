package org.seakeeper.core.scheduler;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.seakeeper.core.effect.Calls;
import org.seakeeper.core.effect.EffectPorts;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.model.Cron;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.store.Store;

/**
 * Periodic runs: when the trusted cron's slot passes, a call finds each project's default branch
 * (main, else master; asking the repositories may mean the network) and the scheduler's thread adds
 * one {@link TriggerEvent.Periodic} per project to the inbox. A project that cannot be read then is
 * skipped for that slot (and said so through the incidents). Confined to the scheduler's thread,
 * except the completion hand-over.
 */
final class PeriodicRuns {
  private final Store store;
  private final RepoAccess repos;
  private final List<RepoRef> projects;
  private final EffectPorts effects;
  private final Runnable wake;
  private final ConcurrentLinkedQueue<List<TriggerEvent.Periodic>> found =
      new ConcurrentLinkedQueue<>();
  private Instant lastCheck;

  PeriodicRuns(
      Store store,
      RepoAccess repos,
      List<RepoRef> projects,
      EffectPorts effects,
      Runnable wake,
      Instant start) {
    this.store = store;
    this.repos = repos;
    this.projects = List.copyOf(projects);
    this.effects = effects;
    this.wake = wake;
    this.lastCheck = start;
  }

  /** After a start: slots before {@code now} are not made up for. */
  void restart(Instant now) {
    lastCheck = now;
  }

  /**
   * Adds the events a finished call found, and starts a call when a slot of {@code cron} passed;
   * true when events were added.
   */
  boolean step(Instant now, Cron cron) {
    boolean added = false;
    List<TriggerEvent.Periodic> events;
    while ((events = found.poll()) != null) {
      for (TriggerEvent.Periodic ev : events) {
        added |= store.transaction(tx -> tx.inbox().add(ev, now)).isPresent();
      }
    }
    Optional<Instant> slot = cron.latestAtOrBefore(now);
    boolean due = slot.isPresent() && slot.get().isAfter(lastCheck) && !slot.get().isAfter(now);
    lastCheck = now;
    if (due) {
      effects.call(
          "",
          "find the default branches for the periodic run at " + slot.get(),
          () ->
              projects.stream()
                  .flatMap(
                      p ->
                          defaultBranch(p)
                              .map(
                                  b ->
                                      new TriggerEvent.Periodic(
                                          p.connection(), p.project(), b, slot.get()))
                              .stream())
                  .toList(),
          r -> {
            if (r instanceof Calls.Ok<List<TriggerEvent.Periodic>> ok) {
              found.add(ok.value());
            } else if (r instanceof Calls.Failed<List<TriggerEvent.Periodic>> f) {
              effects
                  .incidents()
                  .report(
                      "", "periodic run at " + slot.get() + " (skipped)", f.error(), f.outage());
            }
            wake.run();
          });
      added |= !found.isEmpty();
    }
    return added;
  }

  /**
   * A project's default branch (main, else master); empty when neither exists or it cannot be read
   * now.
   */
  private Optional<String> defaultBranch(RepoRef p) {
    for (String b : List.of("main", "master")) {
      try {
        if (repos.resolve(p, "refs/heads/" + b).isPresent()) {
          return Optional.of(b);
        }
      } catch (RuntimeException e) {
        effects
            .incidents()
            .report(
                p.connection(),
                "periodic run of " + p.project() + " (skipped)",
                e,
                e instanceof org.seakeeper.core.effect.Outage);
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
