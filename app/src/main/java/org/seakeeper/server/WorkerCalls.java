package org.seakeeper.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.seakeeper.core.effect.Calls;

/**
 * The server's {@link Calls}: each call runs on its own virtual thread; a call that has not
 * answered by its deadline is abandoned (interrupted, and its result, should it still come, is
 * dropped) and reported as timed out. The scheduler's thread never waits on one. Thread-safe.
 */
public final class WorkerCalls implements Calls, AutoCloseable {
  private final ExecutorService workers =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("call-", 0).factory());
  private final ScheduledExecutorService deadlines =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("call-deadlines").unstarted(r));

  @Override
  public <T> void start(Call<T> call, Consumer<Result<T>> done) {
    AtomicBoolean answered = new AtomicBoolean();
    Future<?> running =
        workers.submit(
            () -> {
              Result<T> r = Calls.run(call);
              if (answered.compareAndSet(false, true)) {
                done.accept(r);
              }
            });
    deadlines.schedule(
        () -> {
          if (answered.compareAndSet(false, true)) {
            running.cancel(true);
            done.accept(Result.timedOut(call));
          }
        },
        call.timeout().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    deadlines.shutdownNow();
    workers.shutdownNow();
  }
}
