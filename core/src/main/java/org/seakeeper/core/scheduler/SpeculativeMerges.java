package org.seakeeper.core.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.seakeeper.core.effect.Calls;
import org.seakeeper.core.effect.EffectPorts;
import org.seakeeper.core.gate.ChangeKey;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.Merger;

/**
 * The speculative merges of gate runs, computed by calls away from the scheduler's thread: a batch
 * of runs whose states are prefixes of the last one's goes out as one call (the merger may make
 * them all at once); each answer comes back through {@link #drain}. A merge that meets an outage
 * (or an adapter's failure) is tried again after a backoff while its run is still wanted, and never
 * becomes a merge conflict: only the merger's {@link Merger.Conflict} is one. Confined to the
 * scheduler's thread, except the completion hand-over.
 */
final class SpeculativeMerges {
  /**
   * Another repository's state a run checks out beside the workspace: {@code chain} merged onto its
   * branch.
   */
  record Elsewhere(ChangeRef dependency, List<ChangeRef> chain) {}

  /**
   * The merges of one run: {@code changes} (the last is the item), and the other repositories'
   * states.
   */
  record Job(GateRun run, List<ChangeRef> changes, List<Elsewhere> elsewhere) {}

  /** What a job's call found: the run's speculation, and the other repositories' merged states. */
  record Outcome(GateRuns.Speculation speculation, List<ChangeRef> elsewhere) {}

  private record Done(List<Job> batch, int failures, Calls.Result<List<Outcome>> result) {}

  private record Retry(Job job, int failures, Instant notBefore) {}

  private final Merger merger;
  private final ConfigCache configs;
  private final EffectPorts effects;
  private final Runnable wake;
  private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
  private final Map<ChangeKey, Retry> retries = new HashMap<>();

  SpeculativeMerges(Merger merger, ConfigCache configs, EffectPorts effects, Runnable wake) {
    this.merger = merger;
    this.configs = configs;
    this.effects = effects;
    this.wake = wake;
  }

  /**
   * For each other repository item {@code c} depends on ({@code dependsOn}): that repository's
   * branch plus its changes {@code ahead} of the item in its queue, merged by the call and checked
   * out beside the workspace.
   */
  static List<Elsewhere> elsewhere(ChangeRef c, List<ChangeRef> dependsOn, List<ChangeRef> ahead) {
    Map<org.seakeeper.core.model.RepoRef, ChangeRef> last = new java.util.LinkedHashMap<>();
    dependsOn.stream().filter(d -> !d.repo().equals(c.repo())).forEach(d -> last.put(d.repo(), d));
    List<Elsewhere> out = new ArrayList<>();
    for (ChangeRef d : last.values()) {
      List<ChangeRef> chain =
          ahead.stream()
              .filter(x -> x.repo().equals(d.repo()) && x.branch().equals(d.branch()))
              .toList();
      if (!chain.isEmpty()) {
        out.add(new Elsewhere(d, chain));
      }
    }
    return out;
  }

  /** Starts the merges of {@code jobs} (in queue order) as one call. */
  void start(List<Job> jobs) {
    start(jobs, 0);
  }

  private void start(List<Job> jobs, int failures) {
    if (jobs.isEmpty()) {
      return;
    }
    jobs.forEach(j -> retries.remove(j.run().change().key()));
    ChangeRef last = jobs.getLast().run().change();
    List<ChangeRef> chain = jobs.getLast().changes();
    effects.call(
        last.connection(),
        "speculative merge for "
            + last
            + (jobs.size() > 1 ? " and " + (jobs.size() - 1) + " item(s) ahead" : ""),
        () -> {
          if (jobs.size() > 1) {
            merger.prepare(last.repo(), last.branch(), chain);
          }
          List<Outcome> out = new ArrayList<>();
          for (Job j : jobs) {
            out.add(
                new Outcome(
                    GateRuns.speculate(merger, configs, j.run().change(), j.changes()),
                    elsewhere(j.elsewhere())));
          }
          return out;
        },
        r -> {
          done.add(new Done(jobs, failures, r));
          wake.run();
        });
  }

  /**
   * Each other repository's state (on a worker). One that does not merge is left out: its own item
   * reports it.
   */
  private List<ChangeRef> elsewhere(List<Elsewhere> wanted) {
    List<ChangeRef> out = new ArrayList<>();
    for (Elsewhere e : wanted) {
      ChangeRef d = e.dependency();
      if (merger.speculate(d.repo(), d.branch(), e.chain()) instanceof Merger.Merged m) {
        out.add(
            new ChangeRef(
                d.connection(), d.project(), d.branch(), d.change(), d.patchset(), m.commit()));
      }
    }
    return out;
  }

  /**
   * Hands each answered job to {@code record}, schedules a retry for each failed one that is still
   * {@code wanted}, and starts due retries that are; true when anything happened.
   */
  boolean drain(Instant now, Predicate<GateRun> wanted, BiConsumer<Job, Outcome> record) {
    boolean progress = false;
    Done d;
    while ((d = done.poll()) != null) {
      progress = true;
      switch (d.result()) {
        case Calls.Ok<List<Outcome>> ok -> {
          for (int i = 0; i < d.batch().size(); i++) {
            if (wanted.test(d.batch().get(i).run())) {
              effects.health().succeeded(d.batch().get(i).run().change().connection(), now);
              record.accept(d.batch().get(i), ok.value().get(i));
            }
          }
        }
        case Calls.Failed<List<Outcome>> f -> {
          int n = d.failures() + 1;
          ChangeRef last = d.batch().getLast().run().change();
          effects.failed(
              last.connection(),
              "speculative merge for " + last + " (attempt " + n + "; retried)",
              f,
              now);
          for (Job j : d.batch()) {
            if (wanted.test(j.run())) {
              retries.put(
                  j.run().change().key(),
                  new Retry(j, n, now.plus(effects.backoff().delay(n, last.key()))));
            }
          }
        }
      }
    }
    for (Retry r : List.copyOf(retries.values())) {
      if (!now.isBefore(r.notBefore())) {
        retries.remove(r.job().run().change().key());
        if (wanted.test(r.job().run())) {
          start(List.of(r.job()), r.failures());
          progress = true;
        }
      }
    }
    return progress;
  }

  /** The change's run is no longer wanted: no retry of it. */
  void forget(ChangeKey change) {
    retries.remove(change);
  }
}
