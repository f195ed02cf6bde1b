package org.seakeeper.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.ChangeResolver;
import org.seakeeper.core.gate.DependsOn;
import org.seakeeper.core.gate.GatePorts;
import org.seakeeper.core.gate.Merger;
import org.seakeeper.core.gate.ReviewSystem;
import org.seakeeper.core.model.RepoRef;

/**
 * A merger and review system for gate scenarios: a speculative state is a new fake commit with the
 * files of the last change; changes can be marked as conflicting; submits are recorded and can be
 * refused. Thread-safe.
 */
public final class FakeGate {
  private final FakeRepos repos;
  private final List<List<ChangeRef>> merges = new ArrayList<>();
  private final List<ChangeRef> submitted = new ArrayList<>();
  private final Set<String> conflicting = new HashSet<>();
  private final Map<String, Known> known = new LinkedHashMap<>();
  private final Map<String, String> hosts = new HashMap<>();
  private int refuseSubmits;

  private record Known(ChangeRef change, String changeId, boolean merged) {}

  private boolean refuseAlways;

  private int submitOutages;
  private int mergeOutages;
  private int submitAttempts;

  public FakeGate(FakeRepos repos) {
    this.repos = repos;
  }

  /**
   * Makes a change known to {@code Depends-On} resolution, with its Change-Id (the latest call for
   * a change gives its current patch set). A submitted change is merged.
   */
  public synchronized void change(ChangeRef c, String changeId) {
    known.put(c.connection() + "/" + c.project() + "/" + c.change(), new Known(c, changeId, false));
  }

  /** A change merged outside the gate (e.g. by a human). */
  public synchronized void mergedElsewhere(ChangeRef c) {
    known.computeIfPresent(
        c.connection() + "/" + c.project() + "/" + c.change(),
        (k, v) -> new Known(v.change(), v.changeId(), true));
  }

  /** Change URLs with this host resolve on {@code connection}. */
  public synchronized void host(String host, String connection) {
    hosts.put(host, connection);
  }

  public synchronized void conflicts(String change) {
    conflicting.add(change);
  }

  public synchronized void refuseSubmit(boolean refuse) {
    refuseSubmits = refuse ? 1 : 0;
  }

  /** Refuses the next {@code times} submits ("the branch moved"). */
  public synchronized void refuseSubmits(int times) {
    refuseSubmits = times;
  }

  /** Refuses every submit from now on (a review system's own submit rule that is not met). */
  public synchronized void refuseEverySubmit(boolean refuse) {
    refuseAlways = refuse;
  }

  /** The next {@code n} submits meet an outage (the review system does not answer). */
  public synchronized void submitOutages(int n) {
    submitOutages = n;
  }

  /** The next {@code n} speculative merges meet an outage (fetching the changes fails). */
  public synchronized void mergeOutages(int n) {
    mergeOutages = n;
  }

  /** Submits tried so far, answered or not. */
  public synchronized int submitAttempts() {
    return submitAttempts;
  }

  public synchronized List<ChangeRef> submitted() {
    return List.copyOf(submitted);
  }

  /**
   * Every speculative merge asked for, in order (each list: the changes merged, last is tested).
   */
  public synchronized List<List<ChangeRef>> merges() {
    return List.copyOf(merges);
  }

  public GatePorts ports() {
    Merger merger =
        (repo, branch, changes) -> {
          synchronized (this) {
            if (mergeOutages > 0) {
              mergeOutages--;
              throw new org.seakeeper.core.effect.Outage(
                  repo.connection(), "fetching the changes to merge: connection refused");
            }
            merges.add(List.copyOf(changes));
            for (ChangeRef c : changes) {
              if (conflicting.contains(c.change())) {
                return new Merger.Conflict(c, List.of("shared.txt"));
              }
            }
            ChangeRef last = changes.getLast();
            return new Merger.Merged(
                repos.derive(last.connection(), last.project(), last.commit()), changes);
          }
        };
    ReviewSystem review =
        c -> {
          synchronized (this) {
            submitAttempts++;
            if (submitOutages > 0) {
              submitOutages--;
              throw new org.seakeeper.core.effect.Outage(
                  c.connection(), "submit: 503 Service Unavailable");
            }
            if (refuseAlways) {
              return new ReviewSystem.SubmitResult(
                  false, "submit requirement 'No-Unresolved-Comments' is unsatisfied");
            }
            if (refuseSubmits > 0) {
              refuseSubmits--;
              return new ReviewSystem.SubmitResult(false, "the branch moved");
            }
            submitted.add(c);
            mergedElsewhere(c);
            return new ReviewSystem.SubmitResult(true, "merged");
          }
        };
    ChangeResolver resolver =
        new ChangeResolver() {
          @Override
          public Resolution resolve(String fromConnection, DependsOn.Ref ref) {
            synchronized (FakeGate.this) {
              if (ref.byChangeId()) {
                List<Known> found =
                    known.values().stream()
                        .filter(
                            k ->
                                k.change().connection().equals(fromConnection)
                                    && k.changeId().equals(ref.change()))
                        .toList();
                if (found.isEmpty()) {
                  return new NotFound("no change with this Change-Id on " + fromConnection);
                }
                if (found.size() > 1) {
                  return new Ambiguous(
                      found.stream()
                          .map(
                              k ->
                                  k.change().project()
                                      + " "
                                      + k.change().branch()
                                      + " "
                                      + k.change().change())
                          .toList());
                }
                return new Found(
                    new Resolved(found.getFirst().change(), found.getFirst().merged()));
              }
              String connection = hosts.get(ref.host().orElseThrow());
              if (connection == null) {
                return new NotFound("no connection has the URL host " + ref.host().get());
              }
              return known.values().stream()
                  .filter(
                      k ->
                          k.change().connection().equals(connection)
                              && k.change().change().equals(ref.change())
                              && ref.project()
                                  .map(p -> p.equals(k.change().project()))
                                  .orElse(true))
                  .findFirst()
                  .<Resolution>map(k -> new Found(new Resolved(k.change(), k.merged())))
                  .orElse(new NotFound("no change " + ref.change() + " on " + connection));
            }
          }

          @Override
          public Optional<ChangeRef> openChangeAt(RepoRef repo, String commit) {
            synchronized (FakeGate.this) {
              return known.values().stream()
                  .filter(
                      k ->
                          !k.merged()
                              && k.change().repo().equals(repo)
                              && k.change().commit().equals(commit))
                  .map(Known::change)
                  .findFirst();
            }
          }
        };
    return new GatePorts(merger, review, resolver);
  }
}
