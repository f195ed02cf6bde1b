package org.seakeeper.core.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.effect.Calls;
import org.seakeeper.core.effect.EffectPorts;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.ReviewSystem;
import org.seakeeper.core.report.Reporter;
import org.seakeeper.core.store.OutboxEntry;
import org.seakeeper.core.store.OutboxKind;
import org.seakeeper.core.store.Store;

/**
 * Carries out the outbox's effects through calls, away from the scheduler's thread: reports go to
 * the {@link Reporter}, submits of gated changes to the {@link ReviewSystem}. An entry is marked
 * delivered only after its effect is done (a submit: after the gate heard the review system's
 * answer); an outage or a reporter that asks to retry puts the entry back after a capped
 * exponential backoff, for as long as it takes, and the change keeps its place. The entries of one
 * buildset go out one at a time, in order. Confined to the scheduler's thread, except the
 * completion hand-over.
 */
final class OutboxDelivery {
  /** What the gate answers about submits (see {@link GateCoordinator}). */
  interface Submits {
    /** The change of this buildset as queued, when the gate still wants it submitted. */
    Optional<ChangeRef> wanted(Buildset s);

    /** The review system answered a submit (merged, or refused with its reason). */
    void answered(Store.Tx tx, Buildset s, ReviewSystem.SubmitResult r, Instant now);
  }

  /** Most pending entries looked at per step. */
  static final int WINDOW = 100;

  private record Done(OutboxEntry entry, Buildset buildset, Calls.Result<?> result) {}

  private final Store store;
  private final Reporter reporter;
  private final ReviewSystem review;
  private final EffectPorts effects;
  private final Runnable wake;

  /** Entries whose effect is under way. */
  private final Set<Long> inFlight = new HashSet<>();

  private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();

  OutboxDelivery(
      Store store, Reporter reporter, ReviewSystem review, EffectPorts effects, Runnable wake) {
    this.store = store;
    this.reporter = reporter;
    this.review = review;
    this.effects = effects;
    this.wake = wake;
  }

  /** Takes finished effects and starts due ones; true when anything changed. */
  boolean step(Instant now, Submits gate) {
    boolean progress = drain(now, gate);
    List<OutboxEntry> pending = store.transaction(tx -> tx.outbox().pending(WINDOW, now));
    Set<Long> busy = new HashSet<>();
    for (OutboxEntry e : pending) {
      if (busy.contains(e.buildsetId())) {
        continue; // a buildset's entries go out one at a time, in order
      }
      if (inFlight.contains(e.id())) {
        busy.add(e.buildsetId());
        continue;
      }
      Optional<Buildset> s = store.queries().buildset(e.buildsetId());
      if (s.isEmpty()) {
        markDelivered(e, now); // nothing left to report on
        progress = true;
        continue;
      }
      if (e.kind() == OutboxKind.SUBMIT) {
        Optional<ChangeRef> wanted = gate.wanted(s.get());
        if (wanted.isEmpty()) {
          markDelivered(
              e, now); // the change left the queue (or merged) meanwhile: nothing to submit
          progress = true;
          continue;
        }
        ChangeRef c = wanted.get();
        start(e, s.get(), "submit " + c, () -> review.submit(c));
      } else {
        List<Build> builds = store.transaction(tx -> tx.builds().ofBuildset(e.buildsetId()));
        start(
            e,
            s.get(),
            "report "
                + e.kind()
                + " of buildset "
                + e.buildsetId()
                + " ("
                + s.get().project()
                + ")",
            () -> reporter.report(e, s.get(), builds));
      }
      progress |= drain(now, gate);
      if (inFlight.contains(e.id())) {
        busy.add(e.buildsetId()); // not done yet (under way, or waiting to be tried again)
      }
    }
    return progress;
  }

  private <T> void start(
      OutboxEntry e, Buildset s, String what, java.util.function.Supplier<T> work) {
    inFlight.add(e.id());
    effects.call(
        s.connection(),
        what,
        work,
        r -> {
          done.add(new Done(e, s, r));
          wake.run();
        });
  }

  private boolean drain(Instant now, Submits gate) {
    boolean progress = false;
    List<Done> taken = new ArrayList<>();
    Done d;
    while ((d = done.poll()) != null) {
      taken.add(d);
    }
    for (Done x : taken) {
      progress = true;
      OutboxEntry e = x.entry();
      String conn = x.buildset().connection();
      switch (x.result()) {
        case Calls.Ok<?> ok when ok.value() instanceof ReviewSystem.SubmitResult r -> {
          effects.health().succeeded(conn, now);
          store.transaction(
              tx -> {
                gate.answered(tx, x.buildset(), r, now);
                tx.outbox().markDelivered(e.id(), now);
                return null;
              });
          inFlight.remove(e.id());
        }
        case Calls.Ok<?> ok when Boolean.TRUE.equals(ok.value()) -> {
          effects.health().succeeded(conn, now);
          markDelivered(e, now);
        }
        case Calls.Ok<?> ok -> retry(e, "the reporter asked to try again later", now);
        case Calls.Failed<?> f -> {
          effects.failed(
              conn,
              e.kind()
                  + " of buildset "
                  + e.buildsetId()
                  + " ("
                  + x.buildset().project()
                  + x.buildset().change().map(c -> " change " + c).orElse("")
                  + "), attempt "
                  + (e.attempts() + 1)
                  + "; retried",
              f,
              now);
          retry(e, String.valueOf(f.error().getMessage()), now);
        }
      }
    }
    return progress;
  }

  /** Puts the entry back until after its backoff (the store counts the attempts). */
  private void retry(OutboxEntry e, String error, Instant now) {
    Instant notBefore = now.plus(effects.backoff().delay(e.attempts() + 1, e.id()));
    String why = error.length() > 500 ? error.substring(0, 500) + "..." : error;
    store.transaction(
        tx -> {
          tx.outbox().defer(e.id(), notBefore, why);
          return null;
        });
    inFlight.remove(e.id());
  }

  private void markDelivered(OutboxEntry e, Instant now) {
    store.transaction(
        tx -> {
          tx.outbox().markDelivered(e.id(), now);
          return null;
        });
    inFlight.remove(e.id());
  }
}
