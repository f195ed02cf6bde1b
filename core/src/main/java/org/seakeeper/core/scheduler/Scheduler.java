package org.seakeeper.core.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildRun;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.event.EventRecord;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.gate.ChangeKey;
import org.seakeeper.core.gate.GatePorts;
import org.seakeeper.core.gate.GateSettings;
import org.seakeeper.core.model.Job;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.secret.MaskingLogWriter;
import org.seakeeper.core.secret.SecretPolicy;
import org.seakeeper.core.secret.SecretResolver;
import org.seakeeper.core.secret.SecretValue;
import org.seakeeper.core.store.LogStore;
import org.seakeeper.core.store.OutboxEntry;
import org.seakeeper.core.store.OutboxKind;
import org.seakeeper.core.store.Store;

/**
 * The single writer of build state: turns inbox events into buildsets and builds, dispatches builds
 * to the executor as their needs pass and slots free up, records outcomes, retries infrastructure
 * errors, finishes buildsets and reports them through the outbox.
 *
 * <p>Steppable: {@link #runUntilIdle()} does all work that can be done now and returns; tests call
 * it directly, the server calls it from one loop thread whenever {@code wake} fires. Not
 * thread-safe except {@link #onComplete}, which executor threads call. Lifecycle: construct, {@link
 * #recover()} once, then {@code runUntilIdle()} repeatedly.
 */
public final class Scheduler implements SchedulerCommands {
  private final SchedulerPorts ports;
  private final SchedulerSettings settings;
  private final Clock clock;
  private final Runnable wake;
  private final ConfigCache configs;
  private final TrustedConfigSource trusted;
  private final Map<Long, Running> running = new LinkedHashMap<>();
  private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
  private final GateCoordinator gate;
  private final GatePorts gatePorts;

  /** Most unprocessed events looked at per step (each connection's are applied in order). */
  public static final int EVENT_WINDOW = 500;

  private final EventIntake intake;

  /**
   * Builds whose checkout met an outage: not started again before this time (in memory; a restart
   * tries at once).
   */
  private final Map<Long, Instant> notBefore = new HashMap<>();

  private final Map<Long, Integer> startFailures = new HashMap<>();
  private final EventPreparer preparer;
  private final OutboxDelivery outbox;
  private Instant startedAt;
  private final PeriodicRuns periodic;

  private record Running(Executor.Execution execution, LogStore.Writer log, Tier tier) {}

  private record Completion(long buildId, Executor.Result result) {}

  public Scheduler(SchedulerPorts ports, SchedulerSettings settings, Clock clock, Runnable wake) {
    this(ports, GatePorts.NONE, GateSettings.DEFAULTS, settings, clock, wake);
  }

  /** A scheduler that also runs gate queues through a merger and a review system. */
  public Scheduler(
      SchedulerPorts ports,
      GatePorts gatePorts,
      GateSettings gateSettings,
      SchedulerSettings settings,
      Clock clock,
      Runnable wake) {
    this(
        ports,
        gatePorts,
        settings,
        TrustedConfigSource.fixed(
            new TrustedConfig(
                settings.trusted(),
                settings.policy().releaseTags(),
                settings.periodic(),
                gateSettings)),
        clock,
        wake);
  }

  /**
   * A scheduler whose trusted config (base jobs, images, release tags, periodic cron, gate rules)
   * comes from {@code trusted}, which may follow a trusted config repo; {@code settings} gives the
   * rest (slots, projects).
   */
  public Scheduler(
      SchedulerPorts ports,
      GatePorts gatePorts,
      SchedulerSettings settings,
      TrustedConfigSource trusted,
      Clock clock,
      Runnable wake) {
    this.ports = ports;
    this.settings = settings;
    this.clock = clock;
    this.wake = wake;
    this.trusted = trusted;
    this.configs =
        new ConfigCache(
            ports.repos(),
            trusted,
            id -> ports.store().transaction(tx -> tx.builds().configSource(id)));
    this.gatePorts = gatePorts;
    this.gate =
        new GateCoordinator(
            gatePorts,
            () -> trusted.current().gate(),
            configs,
            ports.store(),
            (id, why) -> {
              Running r = running.get(id);
              if (r != null) {
                r.execution().cancel();
              }
            },
            ports.repos(),
            ports.effects(),
            wake);
    this.intake = new EventIntake(ports.effects(), wake);
    this.preparer =
        new EventPreparer(trusted, configs, ports.repos(), gatePorts, ports.effects().incidents());
    this.outbox =
        new OutboxDelivery(
            ports.store(), ports.reporter(), gatePorts.review(), ports.effects(), wake);
    this.startedAt = clock.instant();
    this.periodic =
        new PeriodicRuns(
            ports.store(), ports.repos(), settings.projects(), ports.effects(), wake, startedAt);
  }

  /**
   * After a start: builds the previous process left {@code running} become {@code interrupted} and
   * get a new queued attempt. Queued builds and unprocessed events simply continue.
   */
  public void recover() {
    Instant now = clock.instant();
    startedAt = now;
    periodic.restart(now);
    trusted.load();
    ports
        .store()
        .transaction(
            tx -> {
              gate.recover(tx, now);
              for (Build b : tx.builds().withStatus(Set.of(BuildStatus.RUNNING))) {
                tx.builds()
                    .update(
                        b.moveTo(
                            BuildStatus.INTERRUPTED,
                            now,
                            "the server stopped while this build ran; a new attempt follows"));
                tx.builds().insert(b.nextAttempt(now));
              }
              return null;
            });
  }

  /** Called by executors (any thread) when an execution ends. */
  void onComplete(long buildId, Executor.Result result) {
    completions.add(new Completion(buildId, result));
    wake.run();
  }

  /** Does every step until none makes progress. */
  public void runUntilIdle() {
    boolean progress = true;
    while (progress) {
      progress = drainCompletions();
      progress |= processEvents();
      progress |= gateStep();
      progress |= periodic();
      progress |= dispatch();
      progress |= finishBuildsets();
      progress |= deliverOutbox();
    }
  }

  /** The gate queues, for {@code GET /status}. */
  public List<Map<String, Object>> gateStatus() {
    return gate.status();
  }

  /** Number of builds running now (executor slots in use). */
  public int runningCount() {
    return running.size();
  }

  // ---- events -> buildsets -------------------------------------------------------------

  private boolean processEvents() {
    Instant now = clock.instant();
    List<EventRecord> events =
        ports.store().transaction(tx -> tx.inbox().unprocessed(EVENT_WINDOW));
    boolean progress = processEvents(events, now);
    Set<String> waiting = intake.waitingConnections();
    if (events.size() == EVENT_WINDOW && !waiting.isEmpty()) {
      // A full window, and some connection waits for its service: the others must not starve
      // behind its events, so look past them.
      progress |=
          processEvents(
              ports.store().transaction(tx -> tx.inbox().unprocessed(EVENT_WINDOW, waiting)), now);
    }
    return progress;
  }

  private boolean processEvents(List<EventRecord> events, Instant now) {
    List<EventIntake.Ready<EventPreparer.Prepared>> ready =
        intake.ready(
            events,
            now,
            e -> preparer.work(policy(), e),
            (e, error) -> preparer.givenUp(policy(), e, error),
            this::keepsConnectionOrder);
    boolean progress = false;
    for (EventIntake.Ready<EventPreparer.Prepared> r : ready) {
      progress = true;
      try {
        if (!apply(r.event(), r.prepared())) {
          break; // the trusted config changed: the others were prepared against the old one
        }
        intake.applied(r.event().id());
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError x) {
        // A bug while applying (its transaction rolled back): tried again after a backoff, and
        // set aside after the third time so that the events behind it go on.
        if (intake.applyFailed(r.event(), x, now)) {
          quarantine(
              r.event(),
              "applying it failed "
                  + EventIntake.MAX_FAILURES
                  + " times: "
                  + EventIntake.describe(x),
              now);
        }
        break; // the rest of the window is looked at again in the next step
      }
    }
    return progress;
  }

  /**
   * Whether an event keeps its place among all of its connection's events (see {@link
   * EventIntake}): anything that can move a gate queue (an approval, an abandoned change), an
   * embargo, or the trusted config. A proposed change, a branch or tag update, a recheck, a manual
   * trigger and a periodic run of an ordinary project only keep their place among their project's
   * events (the gate does not follow branch updates: it merges and submits itself).
   */
  private boolean keepsConnectionOrder(EventRecord e) {
    TriggerEvent t = e.event();
    boolean independent =
        t instanceof TriggerEvent.ChangeProposed
            || t instanceof TriggerEvent.RefUpdated
            || t instanceof TriggerEvent.Recheck
            || t instanceof TriggerEvent.Manual
            || t instanceof TriggerEvent.Periodic;
    return !independent || trusted.isRepo(new RepoRef(t.connection(), t.project()));
  }

  private void quarantine(EventRecord e, String reason, Instant now) {
    ports
        .store()
        .transaction(
            tx -> {
              tx.inbox().quarantine(e.id(), reason, now);
              return null;
            });
  }

  /**
   * Applies a prepared event in one transaction; false when it changed the trusted config instead.
   */
  private boolean apply(EventRecord e, EventPreparer.Prepared p) {
    Instant now = clock.instant();
    intake.forget(e.id());
    if (p.reload().isPresent() && p.reload().get().tip().isPresent()) {
      // The config repo's branch moved: put its tip in force (or record it refused), then prepare
      // this event again against it (and every other prepared one, when the trusted config
      // changed).
      if (trusted.apply(p.reload().get())) {
        intake.invalidate();
      }
      return false;
    }
    p.reload().ifPresent(trusted::apply); // an unreadable tip: recorded, the config in force stays
    TierPolicy.Decision decision = p.decision();
    decision
        .refusal()
        .ifPresent(
            why -> ports.metrics().eventRefused(e.event().connection(), e.event().project(), why));
    Optional<TierPolicy.Decision.Start> start =
        decision instanceof TierPolicy.Decision.Start s ? Optional.of(s) : Optional.empty();
    Optional<Trigger> trigger = start.map(TierPolicy.Decision.Start::trigger);
    ConfigOutcome config = p.config();
    Set<String> changed = p.changed();
    CheckDependencies.Decision deps = p.deps();
    ports
        .store()
        .transaction(
            tx -> {
              switch (e.event()) {
                case TriggerEvent.ChangeAbandoned a -> {
                  gate.onChangeGone(
                      tx,
                      new ChangeKey(a.connection(), a.project(), a.change()),
                      "change abandoned",
                      now);
                  cancelChange(
                      tx,
                      new ChangeKey(a.connection(), a.project(), a.change()),
                      "change abandoned",
                      now);
                }
                case TriggerEvent.ChangeProposed c ->
                    gate.onChangeGone(
                        tx,
                        new ChangeKey(c.connection(), c.project(), c.change()),
                        "a new patch set (" + c.patchset() + ") was uploaded",
                        now);
                case TriggerEvent.ApprovalsChanged a -> gate.onApprovals(tx, a, now);
                default -> {}
              }
              if (trigger.isPresent()) {
                Trigger t = trigger.get();
                if (t.pipeline() == PipelineName.CHECK && t.change().isPresent()) {
                  supersede(tx, t, now);
                }
                CheckDependencies.create(
                        tx, e.id(), t, start.get().tier(), config, changed, deps, now)
                    .ifPresent(
                        s -> {
                          if (config instanceof ConfigOutcome.Valid v) {
                            configs.remember(s.id(), v.config());
                            p.source()
                                .ifPresent(
                                    bytes ->
                                        tx.builds()
                                            .saveConfigSource(
                                                s.id(),
                                                bytes)); // durable: no fetch after a restart
                          }
                          if (!deps.elsewhere().isEmpty()) {
                            tx.builds()
                                .saveDependencies(
                                    s.id(),
                                    deps.elsewhere()); // durable: a restart still checks them out
                          }
                        });
              }
              if (p.givenUp().isPresent()) {
                // The change got its error result; the event is set aside for an admin.
                tx.inbox().quarantine(e.id(), p.givenUp().get(), now);
              } else {
                tx.inbox().markProcessed(e.id(), now);
              }
              return null;
            });
    ports.metrics().eventReceived();
    return true;
  }

  /** The tier policy with the release tags of the trusted config in force. */
  private TierPolicy policy() {
    return settings.policy().withReleaseTags(trusted.current().releaseTags());
  }

  /** Cancels every queued or running build of a change (abandoned). */
  private void cancelChange(
      org.seakeeper.core.store.Store.Tx tx, ChangeKey k, String why, Instant now) {
    for (Build b : tx.builds().withStatus(Set.of(BuildStatus.QUEUED, BuildStatus.RUNNING))) {
      if (b.connection().equals(k.connection())
          && b.project().equals(k.project())
          && b.change().equals(Optional.of(k.change()))) {
        Running r = running.get(b.id());
        if (r != null) {
          r.execution().cancel();
        }
        tx.builds().update(b.moveTo(BuildStatus.CANCELLED, now, why));
      }
    }
  }

  /** A newer patch set cancels the builds of the change's older ones. */
  private void supersede(org.seakeeper.core.store.Store.Tx tx, Trigger t, Instant now) {
    for (Build b : tx.builds().withStatus(Set.of(BuildStatus.QUEUED, BuildStatus.RUNNING))) {
      if (b.pipeline() == PipelineName.CHECK
          && b.connection().equals(t.connection())
          && b.project().equals(t.project())
          && b.change().equals(t.change())
          && !b.patchset().equals(t.patchset())) {
        String why = "superseded by patch set " + t.patchset().orElse("?");
        if (b.status() == BuildStatus.QUEUED) {
          tx.builds().update(b.moveTo(BuildStatus.CANCELLED, now, why));
        } else {
          Running r = running.get(b.id());
          if (r != null) {
            r.execution().cancel();
          }
          tx.builds().update(b.moveTo(BuildStatus.CANCELLED, now, why));
        }
      }
    }
  }

  private boolean periodic() {
    return periodic.step(clock.instant(), trusted.current().periodic());
  }

  // ---- dispatch ---------------------------------------------------------------------------

  private boolean dispatch() {
    List<Build> queued =
        ports.store().transaction(tx -> tx.builds().withStatus(Set.of(BuildStatus.QUEUED)));
    Map<Tier, Integer> inUse = new EnumMap<>(Tier.class);
    running.values().forEach(r -> inUse.merge(r.tier(), 1, Integer::sum));
    boolean progress = false;
    Map<Long, List<Build>> byBuildset = new HashMap<>();
    for (Build b : queued) {
      List<Build> siblings =
          byBuildset.computeIfAbsent(
              b.buildsetId(), id -> ports.store().transaction(tx -> tx.builds().ofBuildset(id)));
      Readiness r = Readiness.of(b, siblings);
      if (r == Readiness.WAIT) {
        continue;
      }
      if (r == Readiness.SKIP) {
        Instant now = clock.instant();
        String why = Readiness.blockedBy(b, siblings);
        ports
            .store()
            .transaction(
                tx -> {
                  tx.builds().update(b.moveTo(BuildStatus.SKIPPED, now, why));
                  return null;
                });
        byBuildset.remove(b.buildsetId());
        progress = true;
        continue;
      }
      if (inUse.getOrDefault(b.tier(), 0) >= settings.slots(b.tier())
          || (notBefore.containsKey(b.id()) && clock.instant().isBefore(notBefore.get(b.id())))) {
        continue;
      }
      if (start(b)) {
        inUse.merge(b.tier(), 1, Integer::sum);
        progress = true;
      }
    }
    ports
        .metrics()
        .gauges(
            (int) queued.stream().filter(b -> !running.containsKey(b.id())).count(),
            running.size());
    return progress;
  }

  /**
   * Starts (or ends) a queued build; false when it stays queued (its repository did not answer).
   */
  private boolean start(Build b) {
    Instant now = clock.instant();
    Optional<Job> job = b.job().flatMap(name -> configs.job(b, name));
    if (job.isEmpty()) {
      ports
          .store()
          .transaction(
              tx -> {
                tx.builds().update(b.moveTo(BuildStatus.ERROR, now, configs.whyNoJob(b)));
                return null;
              });
      return true;
    }
    Job j = job.get();
    // The checkouts first: a repository that cannot be reached now leaves the build queued.
    org.seakeeper.core.executor.Checkout checkout;
    List<org.seakeeper.core.executor.DependencyCheckout> deps;
    String unreadable = null;
    List<org.seakeeper.core.gate.ChangeRef> depRefs =
        ports.store().transaction(tx -> tx.builds().dependencies(b.buildsetId()));
    try {
      checkout = ports.repos().checkout(new RepoRef(b.connection(), b.project()), b.commit());
      deps =
          depRefs.stream()
              .map(
                  d ->
                      new org.seakeeper.core.executor.DependencyCheckout(
                          d.connection(),
                          d.project(),
                          ports
                              .repos()
                              .checkout(new RepoRef(d.connection(), d.project()), d.commit())))
              .toList();
    } catch (org.seakeeper.core.effect.Outage o) {
      int failures = startFailures.merge(b.id(), 1, Integer::sum);
      notBefore.put(b.id(), now.plus(ports.effects().backoff().delay(failures, b.id())));
      ports
          .effects()
          .incidents()
          .report(
              o.connection(),
              "checking out build "
                  + b.id()
                  + " ("
                  + b.project()
                  + " at "
                  + b.commit()
                  + "); it stays queued",
              o,
              true);
      return false;
    } catch (RepoAccess.RepoAccessException | IllegalArgumentException ex) {
      checkout = null;
      deps = List.of();
      unreadable = ex.getMessage();
    }
    startFailures.remove(b.id());
    notBefore.remove(b.id());
    Optional<Map<String, SecretValue>> secrets = grantSecrets(b, j, now);
    if (secrets.isEmpty()) {
      return true;
    }
    Build started = b.moveTo(BuildStatus.RUNNING, now, null);
    boolean network = settings.policy().network(b.tier());
    // What the job is given is kept with the move to running: a running build always has its facts.
    BuildRun run = BuildRun.of(j, List.copyOf(secrets.get().keySet()), network);
    ports
        .store()
        .transaction(
            tx -> {
              tx.builds().update(started);
              tx.builds().saveRun(b.id(), run);
              announceStart(tx, b, now);
              return null;
            });
    ports.metrics().buildStarted(b.tier(), Duration.between(b.queuedAt(), now));
    ExecutionRequest req;
    try {
      if (unreadable != null) {
        throw new IllegalArgumentException(unreadable);
      }
      req =
          new ExecutionRequest(
                  "b" + b.id(),
                  j.name(),
                  j.script(),
                  j.timeout(),
                  j.image(),
                  b.tier(),
                  network,
                  j.variables(),
                  checkout.withDepth(j.checkoutDepth()),
                  j.artifacts())
              .withSecrets(secrets.get())
              .withDependencies(deps);
    } catch (IllegalArgumentException ex) {
      onComplete(
          b.id(),
          new Executor.Result(
              new JobOutcome.InfraError(ex.getMessage()), Duration.ZERO, List.of()));
      return true;
    }
    LogStore.Writer log = MaskingLogWriter.of(ports.logs().open(b.id()), secrets.get().values());
    // Only the executor of the build's own tier ever sees it (each also refuses other tiers).
    Executor.Execution ex = ports.executors().forTier(b.tier()).start(req, log::line);
    running.put(b.id(), new Running(ex, log, b.tier()));
    org.seakeeper.core.artifact.BuildInputs inputs =
        new org.seakeeper.core.artifact.BuildInputs(j.image(), depRefs);
    ex.result()
        .thenApply(r -> keepArtifacts(started, inputs, r))
        .whenComplete(
            (r, t) ->
                onComplete(
                    b.id(),
                    r != null
                        ? r
                        : new Executor.Result(
                            new JobOutcome.InfraError(String.valueOf(t)),
                            Duration.ZERO,
                            List.of())));
    return true;
  }

  /**
   * The result after the build's artifacts were handed to the keeper (on the executor's thread): a
   * keeper that throws is an infrastructure error, so the build never passes with artifacts lost.
   */
  private Executor.Result keepArtifacts(
      Build started, org.seakeeper.core.artifact.BuildInputs inputs, Executor.Result r) {
    if (!(r.outcome() instanceof JobOutcome.Succeeded) || r.artifacts().isEmpty()) {
      return r;
    }
    try {
      return ports.artifacts().keep(started, inputs, r);
    } catch (RuntimeException e) {
      return new Executor.Result(
          new JobOutcome.InfraError("artifacts: not kept: " + e.getMessage()),
          r.elapsed(),
          List.of());
    }
  }

  /**
   * When {@code b} is the first build of its buildset to start and the reporter wants to say so,
   * adds the buildset's {@link OutboxKind#BUILDSET_STARTED} entry, in the transaction that starts
   * the build: once per buildset, even across crashes (a retried or recovered attempt is not
   * first).
   */
  private void announceStart(Store.Tx tx, Build b, Instant now) {
    if (b.attempt() > 1) {
      return;
    }
    // The reporter's answer first: most buildsets are never announced, and then the start of a
    // build costs no read of its siblings.
    tx.builds()
        .buildset(b.buildsetId())
        .filter(s -> ports.reporter().reportsStart(s))
        .filter(
            s ->
                tx.builds().ofBuildset(s.id()).stream()
                    .noneMatch(x -> x.id() != b.id() && x.startedAt().isPresent()))
        .ifPresent(
            s ->
                tx.outbox()
                    .add(
                        new OutboxEntry(
                            0, s.id(), OutboxKind.BUILDSET_STARTED, now, Optional.empty())));
  }

  /**
   * The secrets the job declares, when the policy grants every one; otherwise the build ends
   * ({@code config_error} when a secret is missing or not granted, {@code error} when one cannot be
   * read) naming the secret and why, and this returns empty.
   */
  private Optional<Map<String, SecretValue>> grantSecrets(Build b, Job j, Instant now) {
    if (j.secrets().isEmpty()) {
      return Optional.of(Map.of());
    }
    SecretPolicy.BuildContext ctx =
        new SecretPolicy.BuildContext(b.connection(), b.project(), b.pipeline(), b.tier());
    Build ended;
    switch (SecretResolver.resolve(ports.secrets(), ctx, j.secrets())) {
      case SecretResolver.Resolution.Granted g -> {
        return Optional.of(g.values());
      }
      case SecretResolver.Resolution.Refused r ->
          ended = b.moveTo(BuildStatus.CONFIG_ERROR, now, r.detail());
      case SecretResolver.Resolution.Unreadable u ->
          ended = b.moveTo(BuildStatus.ERROR, now, u.detail());
    }
    ports
        .store()
        .transaction(
            tx -> {
              tx.builds().update(ended);
              return null;
            });
    return Optional.empty();
  }

  private boolean drainCompletions() {
    boolean progress = false;
    Completion c;
    while ((c = completions.poll()) != null) {
      complete(c);
      progress = true;
    }
    return progress;
  }

  private void complete(Completion c) {
    Running r = running.remove(c.buildId());
    String sha = r != null ? r.log().seal() : null;
    Instant now = clock.instant();
    JobOutcome o = c.result().outcome();
    ports
        .store()
        .transaction(
            tx -> {
              Build b = tx.builds().build(c.buildId()).orElseThrow();
              if (b.status() != BuildStatus.RUNNING) {
                if (sha != null) {
                  tx.builds().update(b.withLogSha256(sha));
                }
                return null; // already ended (cancelled when superseded, or interrupted at
                // recovery)
              }
              BuildStatus status =
                  switch (o) {
                    case JobOutcome.Succeeded s -> BuildStatus.SUCCESS;
                    case JobOutcome.Failed f -> BuildStatus.FAILURE;
                    case JobOutcome.TimedOut t -> BuildStatus.TIMED_OUT;
                    case JobOutcome.Cancelled x -> BuildStatus.CANCELLED;
                    case JobOutcome.LimitExceeded l -> BuildStatus.FAILURE;
                    case JobOutcome.InfraError e -> BuildStatus.ERROR;
                  };
              Build done = b.moveTo(status, now, detail(o, c.result()));
              tx.builds().update(sha == null ? done : done.withLogSha256(sha));
              ports.metrics().buildFinished(status, c.result().elapsed());
              if (o instanceof JobOutcome.InfraError && b.attempt() <= configs.retries(b)) {
                tx.builds().insert(b.nextAttempt(now));
              }
              return null;
            });
  }

  private static String detail(JobOutcome o, Executor.Result r) {
    String base =
        switch (o) {
          case JobOutcome.Succeeded s -> "";
          case JobOutcome.Failed f -> "exit " + f.exitCode();
          case JobOutcome.TimedOut t ->
              "killed after the "
                  + org.seakeeper.core.config.Durations.format(t.limit())
                  + " timeout";
          case JobOutcome.Cancelled c -> "cancelled";
          case JobOutcome.LimitExceeded l -> "over a limit: " + l.limit();
          case JobOutcome.InfraError e -> "infrastructure error: " + e.reason();
        };
    if (!r.artifacts().isEmpty()) {
      base = (base.isEmpty() ? "" : base + "; ") + r.artifacts().size() + " artifact(s)";
    }
    return base;
  }

  // ---- buildsets -> outbox -> reporter ------------------------------------------------------

  private boolean finishBuildsets() {
    Instant now = clock.instant();
    return ports
        .store()
        .transaction(
            tx -> {
              boolean progress = false;
              for (Buildset s : tx.builds().unfinished()) {
                List<Build> builds = tx.builds().ofBuildset(s.id());
                if (builds.stream().allMatch(b -> b.status().terminal())) {
                  tx.builds().update(s.finished(now));
                  tx.outbox()
                      .add(
                          new OutboxEntry(
                              0, s.id(), OutboxKind.BUILDSET_FINISHED, now, Optional.empty()));
                  configs.forget(s.id());
                  if (s.pipeline() == PipelineName.CHECK) {
                    gate.onCheckFinished(tx, s, builds, now);
                  } else if (s.pipeline() == PipelineName.GATE) {
                    gate.onGateFinished(tx, s, builds, now);
                  }
                  progress = true;
                }
              }
              return progress;
            });
  }

  private boolean gateStep() {
    Instant now = clock.instant();
    return ports.store().transaction(tx -> gate.step(tx, now));
  }

  private boolean deliverOutbox() {
    return outbox.step(clock.instant(), gate);
  }

  // ---- commands ---------------------------------------------------------------------------

  @Override
  public CommandResult cancel(long buildId, String by) {
    Instant now = clock.instant();
    return ports
        .store()
        .transaction(
            tx -> {
              Optional<Build> b = tx.builds().build(buildId);
              if (b.isEmpty()) {
                return CommandResult.refused(404, "not_found", "no build " + buildId);
              }
              if (b.get().status().terminal()) {
                return CommandResult.refused(
                    409,
                    "not_cancellable",
                    "build " + buildId + " already ended (" + b.get().status().id() + ")");
              }
              Running r = running.get(buildId);
              if (r != null) {
                r.execution().cancel();
              }
              tx.builds().update(b.get().moveTo(BuildStatus.CANCELLED, now, "cancelled by " + by));
              return CommandResult.done("build " + buildId + " cancelled", buildId);
            });
  }

  @Override
  public CommandResult retry(long buildId, String by) {
    Instant now = clock.instant();
    return ports
        .store()
        .transaction(
            tx -> {
              Optional<Build> b = tx.builds().build(buildId);
              if (b.isEmpty()) {
                return CommandResult.refused(404, "not_found", "no build " + buildId);
              }
              if (!b.get().status().terminal() || b.get().job().isEmpty()) {
                return CommandResult.refused(
                    409,
                    "not_retryable",
                    b.get().job().isEmpty()
                        ? "build " + buildId + " has no job to run again; push a fixed config"
                        : "build " + buildId + " has not ended yet");
              }
              Build latest =
                  tx.builds().ofBuildset(b.get().buildsetId()).stream()
                      .filter(x -> x.job().equals(b.get().job()))
                      .reduce((x, y) -> y)
                      .orElseThrow();
              if (!latest.status().terminal()) {
                return CommandResult.refused(
                    409,
                    "not_retryable",
                    "a newer attempt of this job is already queued or running (build "
                        + latest.id()
                        + ")");
              }
              Build next = tx.builds().insert(latest.nextAttempt(now));
              tx.builds()
                  .buildset(next.buildsetId())
                  .ifPresent(
                      s ->
                          tx.builds()
                              .update(
                                  new Buildset(
                                      s.id(),
                                      s.eventId(),
                                      s.connection(),
                                      s.project(),
                                      s.change(),
                                      s.patchset(),
                                      s.owner(),
                                      s.ref(),
                                      s.commit(),
                                      s.pipeline(),
                                      s.tier(),
                                      s.createdAt(),
                                      Optional.empty())));
              return CommandResult.accepted(
                  "build " + next.id() + " queued (attempt " + next.attempt() + ") by " + by,
                  next.id());
            });
  }

  @Override
  public CommandResult retryEvent(long eventId, String by) {
    CommandResult r =
        ports
            .store()
            .transaction(
                tx ->
                    onQuarantined(
                        tx,
                        eventId,
                        () -> {
                          tx.inbox().release(eventId);
                          return CommandResult.accepted(
                              "event " + eventId + " is back in the inbox (retried by " + by + ")",
                              0);
                        }));
    if (r.ok()) {
      intake.reset(eventId);
      wake.run();
    }
    return r;
  }

  @Override
  public CommandResult dropEvent(long eventId, String by) {
    Instant now = clock.instant();
    return ports
        .store()
        .transaction(
            tx ->
                onQuarantined(
                    tx,
                    eventId,
                    () -> {
                      tx.inbox().release(eventId);
                      tx.inbox().markProcessed(eventId, now);
                      intake.reset(eventId);
                      return CommandResult.done(
                          "event " + eventId + " dropped by " + by + "; nothing was built", 0);
                    }));
  }

  /** {@code work} on a quarantined event; 404 for an unknown event, 409 for one not quarantined. */
  private static CommandResult onQuarantined(
      Store.Tx tx, long eventId, java.util.function.Supplier<CommandResult> work) {
    Optional<EventRecord> e = tx.inbox().event(eventId);
    if (e.isEmpty()) {
      return CommandResult.refused(404, "not_found", "no event " + eventId);
    }
    if (tx.inbox().quarantined(eventId).isEmpty()) {
      return CommandResult.refused(
          409,
          "not_quarantined",
          "event "
              + eventId
              + " is not quarantined ("
              + (e.get().processedAt().isPresent() ? "already processed" : "still being handled")
              + ")");
    }
    return work.get();
  }

  @Override
  public CommandResult trigger(
      String connection, String project, PipelineName pipeline, String ref, String by) {
    Optional<String> mismatch = policy().refMismatch(pipeline, ref);
    if (mismatch.isPresent()) {
      return CommandResult.refused(422, "ref_does_not_fit_pipeline", mismatch.get());
    }
    Optional<String> commit;
    try {
      commit = ports.repos().resolve(new RepoRef(connection, project), ref);
    } catch (RepoAccess.RepoAccessException e) {
      return CommandResult.refused(404, "unknown_project", e.getMessage());
    }
    if (commit.isEmpty()) {
      return CommandResult.refused(
          404,
          "unknown_ref",
          "project " + project + " of connection " + connection + " has no ref " + ref);
    }
    Instant now = clock.instant();
    TriggerEvent.Manual ev =
        new TriggerEvent.Manual(
            connection,
            project,
            pipeline,
            ref,
            commit.get(),
            Optional.empty(),
            Optional.empty(),
            by,
            nonce(now));
    Optional<EventRecord> rec = ports.store().transaction(tx -> tx.inbox().add(ev, now));
    wake.run();
    return CommandResult.accepted(
        pipeline.id() + " queued for " + project + " " + ref + " at " + shortId(commit.get()), 0);
  }

  @Override
  public CommandResult recheck(String connection, String project, String change, String by) {
    Optional<Build> newest =
        ports
            .store()
            .queries()
            .list(
                new org.seakeeper.core.store.BuildQuery(
                    Optional.of(connection),
                    Optional.of(project),
                    Optional.of(change),
                    Optional.of(PipelineName.CHECK),
                    Optional.empty(),
                    Optional.empty(),
                    1))
            .stream()
            .findFirst();
    if (newest.isEmpty()) {
      return CommandResult.refused(
          404,
          "unknown_change",
          "no check of change "
              + change
              + " of "
              + project
              + " on connection "
              + connection
              + " is known; push a patch set first");
    }
    Build b = newest.get();
    Instant now = clock.instant();
    // The branch comes from the event that made the check (a change ref does not name it): the
    // same recheck a comment would make.
    Optional<String> branch =
        ports
            .store()
            .transaction(
                tx ->
                    tx.builds()
                        .buildset(b.buildsetId())
                        .flatMap(set -> tx.inbox().event(set.eventId()))
                        .flatMap(e -> branchOf(e.event())));
    if (branch.isEmpty() || b.patchset().isEmpty()) {
      return CommandResult.refused(
          409,
          "change_not_known_well_enough",
          "the check of change "
              + change
              + " in build "
              + b.id()
              + " does not say which branch and patch set it was for; push a new patch set");
    }
    TriggerEvent.Recheck ev =
        new TriggerEvent.Recheck(
            connection,
            project,
            branch.get(),
            change,
            b.patchset().get(),
            b.commit(),
            b.ref(),
            by,
            nonce(now),
            b.owner());
    ports.store().transaction(tx -> tx.inbox().add(ev, now));
    wake.run();
    return CommandResult.accepted(
        "check queued again for change "
            + change
            + " patch set "
            + b.patchset().get()
            + " of "
            + project
            + " at "
            + shortId(b.commit()),
        0);
  }

  /** What makes a command's inbox event unique (its content key). */
  private static String nonce(Instant now) {
    return now.toEpochMilli() + "-" + System.nanoTime();
  }

  /** A commit id as people read it in a command's answer. */
  private static String shortId(String commit) {
    return commit.substring(0, Math.min(12, commit.length()));
  }

  /** The target branch of a change's event, when it names one. */
  private static Optional<String> branchOf(TriggerEvent e) {
    return switch (e) {
      case TriggerEvent.ChangeProposed c -> Optional.of(c.branch());
      case TriggerEvent.Recheck c -> Optional.of(c.branch());
      case TriggerEvent.Manual m -> Trigger.branchOf(m.ref());
      default -> Optional.empty();
    };
  }

  @Override
  public CommandResult dequeue(String connection, String project, String change, String by) {
    Instant now = clock.instant();
    return ports
        .store()
        .transaction(
            tx ->
                gate.dequeue(tx, new ChangeKey(connection, project, change), by, now)
                    .map(
                        q ->
                            CommandResult.done(
                                "change "
                                    + change
                                    + " of "
                                    + project
                                    + " dequeued from "
                                    + q
                                    + " by "
                                    + by,
                                0))
                    .orElseGet(
                        () ->
                            CommandResult.refused(
                                404,
                                "not_queued",
                                "change " + change + " of " + project + " is in no gate queue")));
  }

  @Override
  public CommandResult enqueue(String connection, String project, String change, String by) {
    Instant now = clock.instant();
    return ports
        .store()
        .transaction(
            tx ->
                gate.enqueue(tx, new ChangeKey(connection, project, change), now)
                    ? CommandResult.accepted(
                        "change " + change + " of " + project + " enqueued by " + by, 0)
                    : CommandResult.refused(
                        409,
                        "not_approved",
                        "no approvals of change "
                            + change
                            + " of "
                            + project
                            + " are known; approve it in the review system"));
  }

  @Override
  public CommandResult promote(String connection, String project, String change, String by) {
    Instant now = clock.instant();
    return ports
        .store()
        .transaction(
            tx ->
                gate.promote(tx, new ChangeKey(connection, project, change), now)
                    .map(
                        q ->
                            CommandResult.done(
                                "change "
                                    + change
                                    + " of "
                                    + project
                                    + " promoted to the head of "
                                    + q
                                    + " by "
                                    + by,
                                0))
                    .orElseGet(
                        () ->
                            CommandResult.refused(
                                404,
                                "not_queued",
                                "change " + change + " of " + project + " is in no gate queue")));
  }
}
