package org.seakeeper.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.scheduler.Scheduler;
import org.seakeeper.core.scheduler.SchedulerCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the scheduler on its own thread: it steps whenever something wakes it (an event, a job's
 * end, a command) and at least once a second (timers, periodic runs). Other threads reach the
 * scheduler only through {@link SchedulerCommands}, carried out on this thread. Thread-safe.
 */
public final class SchedulerLoop implements SchedulerCommands, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerLoop.class);
  private static final Runnable WAKE = () -> {};
  private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
  private volatile Scheduler scheduler;
  private volatile boolean stopping;
  private volatile Thread thread;

  /** The wake-up the scheduler and connections call; safe from any thread. */
  public void wake() {
    inbox.offer(WAKE);
  }

  /** Starts the loop thread on a scheduler that already recovered. */
  public synchronized void start(Scheduler s) {
    this.scheduler = s;
    thread = Thread.ofPlatform().name("scheduler").start(this::loop);
  }

  /** A pass that has run this long makes the server unhealthy (it may be wedged). */
  static final java.time.Duration PASS_OVERRUN = java.time.Duration.ofMinutes(2);

  /** When the pass under way started (0 between passes), by System.nanoTime(). */
  private volatile long passStartedAt;

  @Override
  public java.util.Optional<String> unhealthy() {
    Thread t = thread;
    if (t == null || stopping) {
      return java.util.Optional.empty();
    }
    if (!t.isAlive()) {
      return java.util.Optional.of("the scheduler thread is gone");
    }
    long started = passStartedAt;
    if (started != 0 && System.nanoTime() - started > PASS_OVERRUN.toNanos()) {
      return java.util.Optional.of(
          "a scheduler pass has run for more than " + PASS_OVERRUN.toMinutes() + " minutes");
    }
    return java.util.Optional.empty();
  }

  private void loop() {
    while (!stopping) {
      try {
        Runnable r = inbox.poll(1, TimeUnit.SECONDS);
        passStartedAt = System.nanoTime();
        while (r != null) {
          r.run();
          r = inbox.poll();
        }
        scheduler.runUntilIdle();
        passStartedAt = 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException | Error e) {
        // Anything, an OutOfMemoryError or a StackOverflowError included: the loop goes on.
        passStartedAt = 0;
        LOG.error("scheduler step failed; retrying in a second", e);
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private CommandResult onLoop(Supplier<CommandResult> work) {
    CompletableFuture<CommandResult> f = new CompletableFuture<>();
    inbox.offer(
        () -> {
          try {
            f.complete(work.get());
          } catch (RuntimeException e) {
            f.completeExceptionally(e);
          }
        });
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CommandResult.refused(503, "unavailable", "the server is shutting down");
    } catch (ExecutionException | TimeoutException e) {
      LOG.error("command failed", e);
      return CommandResult.refused(500, "internal", "the command failed; see the server log");
    }
  }

  @Override
  public CommandResult cancel(long buildId, String by) {
    return onLoop(() -> scheduler.cancel(buildId, by));
  }

  @Override
  public CommandResult retry(long buildId, String by) {
    return onLoop(() -> scheduler.retry(buildId, by));
  }

  @Override
  public CommandResult retryEvent(long eventId, String by) {
    return onLoop(() -> scheduler.retryEvent(eventId, by));
  }

  @Override
  public CommandResult dropEvent(long eventId, String by) {
    return onLoop(() -> scheduler.dropEvent(eventId, by));
  }

  @Override
  public CommandResult recheck(String connection, String project, String change, String by) {
    // a read of the store and an inbox insert: any thread may, like a trigger
    return scheduler.recheck(connection, project, change, by);
  }

  @Override
  public CommandResult trigger(
      String connection, String project, PipelineName pipeline, String ref, String by) {
    // Resolving the ref may ask the review system: done on the caller's thread, never the
    // scheduler's (a trigger only adds an event to the inbox, which any thread may do).
    try {
      return scheduler.trigger(connection, project, pipeline, ref, by);
    } catch (org.seakeeper.core.effect.Outage e) {
      return CommandResult.refused(
          503,
          "connection_unavailable",
          "connection "
              + e.connection()
              + " did not answer: "
              + e.getMessage()
              + "; try again later");
    }
  }

  @Override
  public CommandResult dequeue(String connection, String project, String change, String by) {
    return onLoop(() -> scheduler.dequeue(connection, project, change, by));
  }

  @Override
  public CommandResult enqueue(String connection, String project, String change, String by) {
    return onLoop(() -> scheduler.enqueue(connection, project, change, by));
  }

  @Override
  public CommandResult promote(String connection, String project, String change, String by) {
    return onLoop(() -> scheduler.promote(connection, project, change, by));
  }

  /** The gate queues, read on the scheduler's thread (empty when it does not answer in time). */
  public java.util.List<java.util.Map<String, Object>> gateQueues() {
    CompletableFuture<java.util.List<java.util.Map<String, Object>>> f = new CompletableFuture<>();
    inbox.offer(() -> f.complete(scheduler.gateStatus()));
    try {
      return f.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.List.of();
    } catch (ExecutionException | TimeoutException e) {
      return java.util.List.of();
    }
  }

  public int running() {
    Scheduler s = scheduler;
    return s == null ? 0 : s.runningCount();
  }

  @Override
  public synchronized void close() {
    stopping = true;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
