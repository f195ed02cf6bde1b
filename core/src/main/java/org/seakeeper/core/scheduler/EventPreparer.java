package org.seakeeper.core.scheduler;

import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.seakeeper.core.effect.Incidents;
import org.seakeeper.core.effect.Outage;
import org.seakeeper.core.event.EventRecord;
import org.seakeeper.core.gate.GatePorts;
import org.seakeeper.core.model.RepoRef;

/**
 * The reading half of processing an event, run by a call away from the scheduler's thread (see
 * {@link EventIntake}): what the tier policy decides (a periodic run reads its branch's head), the
 * trusted config repo's tip when the event moves it, the repo config at the commit, the files the
 * commit changed, and a check's dependencies (REST look-ups and a speculative merge). It only
 * reads; the scheduler then applies the {@link Prepared} value in one transaction. Thread-safe
 * (what it reads of the scheduler's state is captured before the call or published safely).
 */
final class EventPreparer {
  /**
   * What an event needs from the network. {@code givenUp}: why its preparation was given up (the
   * change gets an error result and the event is quarantined instead of marked processed).
   */
  record Prepared(
      Optional<TrustedConfigSource.Reload> reload,
      TierPolicy.Decision decision,
      ConfigOutcome config,
      Optional<byte[]> source,
      Set<String> changed,
      CheckDependencies.Decision deps,
      Optional<String> givenUp) {
    Prepared(
        Optional<TrustedConfigSource.Reload> reload,
        TierPolicy.Decision decision,
        ConfigOutcome config,
        Optional<byte[]> source,
        Set<String> changed,
        CheckDependencies.Decision deps) {
      this(reload, decision, config, source, changed, deps, Optional.empty());
    }

    static Prepared nothing(
        Optional<TrustedConfigSource.Reload> reload, TierPolicy.Decision decision) {
      return new Prepared(
          reload,
          decision,
          new ConfigOutcome.Missing(),
          Optional.empty(),
          Set.of(),
          new CheckDependencies.AsIs());
    }
  }

  private final TrustedConfigSource trusted;
  private final ConfigCache configs;
  private final RepoAccess repos;
  private final GatePorts gate;
  private final Incidents incidents;

  EventPreparer(
      TrustedConfigSource trusted,
      ConfigCache configs,
      RepoAccess repos,
      GatePorts gate,
      Incidents incidents) {
    this.trusted = trusted;
    this.configs = configs;
    this.repos = repos;
    this.gate = gate;
    this.incidents = incidents;
  }

  /** The work of preparing {@code e} under {@code policy} (captured on the scheduler's thread). */
  Supplier<Prepared> work(TierPolicy policy, EventRecord e) {
    return () -> prepare(policy, e);
  }

  /**
   * An {@link Outage} propagates (the event is prepared again later); anything else unexpected
   * becomes the event's own problem, an unreadable config, never the scheduler's.
   */
  private Prepared prepare(TierPolicy policy, EventRecord e) {
    Optional<TrustedConfigSource.Reload> reload = trusted.prepare(e.event());
    if (reload.isPresent() && reload.get().tip().isPresent()) {
      // The trusted config moves first; this event is prepared again against it.
      return Prepared.nothing(reload, new TierPolicy.Decision.Nothing());
    }
    TierPolicy.Decision decision = policy.decide(e.event(), this::head);
    if (!(decision instanceof TierPolicy.Decision.Start start)) {
      return Prepared.nothing(reload, decision);
    }
    Trigger t = start.trigger();
    try {
      ConfigCache.Read read = configs.readWithSource(t);
      ConfigOutcome config = read.outcome();
      boolean valid = config instanceof ConfigOutcome.Valid;
      Set<String> changed = valid ? changedFiles(t) : Set.of();
      CheckDependencies.Decision deps =
          valid ? CheckDependencies.decide(repos, gate, t) : new CheckDependencies.AsIs();
      return new Prepared(reload, decision, config, read.source(), changed, deps);
    } catch (Outage o) {
      throw o;
    } catch (RuntimeException ex) {
      incidents.report(
          t.connection(),
          "reading the config of " + t.project() + " at " + t.commit() + " for event " + e.id(),
          ex,
          false);
      return new Prepared(
          reload,
          decision,
          new ConfigOutcome.Unreadable("cannot read the config: " + ex),
          Optional.empty(),
          Set.of(),
          new CheckDependencies.AsIs());
    }
  }

  /**
   * An event whose preparation failed again and again (not an outage): what it starts, with a
   * config that could not be read and says why, so the change gets a clear {@code error} result
   * (decided without asking any repository: a periodic run then starts nothing).
   */
  Prepared givenUp(TierPolicy policy, EventRecord e, RuntimeException error) {
    TierPolicy.Decision decision = policy.decide(e.event(), (repo, ref) -> Optional.empty());
    String why =
        "the event could not be processed ("
            + EventIntake.MAX_FAILURES
            + " attempts): "
            + (error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage());
    return new Prepared(
        Optional.empty(),
        decision,
        new ConfigOutcome.Unreadable(why),
        Optional.empty(),
        Set.of(),
        new CheckDependencies.AsIs(),
        Optional.of(
            "preparing it failed "
                + EventIntake.MAX_FAILURES
                + " times: "
                + EventIntake.describe(error)));
  }

  private Set<String> changedFiles(Trigger t) {
    try {
      return repos.changedFiles(t.repo(), t.commit());
    } catch (RepoAccess.RepoAccessException ex) {
      return Set.of();
    }
  }

  /**
   * A ref's commit now, for periodic runs; empty when it is missing or unreadable (an outage
   * propagates).
   */
  private Optional<String> head(RepoRef repo, String ref) {
    try {
      return repos.resolve(repo, ref);
    } catch (RepoAccess.RepoAccessException ex) {
      return Optional.empty();
    }
  }
}
