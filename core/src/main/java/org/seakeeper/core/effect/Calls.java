package org.seakeeper.core.effect;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs the scheduler's network calls (fetches, merges, submits, reviews, REST look-ups) away from
 * its thread: the scheduler decides and records, a call acts, and its {@link Result} comes back as
 * a value the scheduler processes on its own thread later. Every call has a deadline; a call that
 * does not answer in time is abandoned (its result is {@link Result#timedOut}), never waited on.
 * Thread-safe.
 */
public interface Calls {
  /**
   * One call: {@code work} runs on a worker; {@code connection} names whose service it talks to
   * (for health and logs), {@code what} says what it does (for logs and the status page).
   */
  record Call<T>(String connection, String what, Duration timeout, Supplier<T> work) {}

  /** What a call came back with. A closed set. */
  sealed interface Result<T> {
    /** A timeout as an outage of the call's connection. */
    static <T> Result<T> timedOut(Call<T> c) {
      return new Failed<>(
          new Outage(
              c.connection(), c.what() + ": no answer within " + c.timeout().toMillis() + " ms"));
    }
  }

  /** The call returned {@code value}. */
  record Ok<T>(T value) implements Result<T> {}

  /**
   * The call threw: an {@link Outage} (also a timeout) is infrastructure trouble, retried; anything
   * else is a bug or a broken adapter, logged with context.
   */
  record Failed<T>(RuntimeException error) implements Result<T> {
    public boolean outage() {
      return error instanceof Outage;
    }
  }

  /**
   * Starts {@code call}; {@code done} gets exactly one result, on any thread (it must only hand the
   * result over, e.g. queue it and wake the scheduler).
   */
  <T> void start(Call<T> call, Consumer<Result<T>> done);

  /**
   * Runs each call at once on the caller's thread: for {@code seakeeper run} and scenario tests.
   */
  Calls INLINE =
      new Calls() {
        @Override
        public <T> void start(Call<T> call, Consumer<Result<T>> done) {
          done.accept(run(call));
        }
      };

  /**
   * Runs a call here and now, turning whatever it throws into a result: an {@link Error} too (a
   * call that ran out of memory or stack on a change's input must still answer, or what waits for
   * it would wait forever).
   */
  static <T> Result<T> run(Call<T> call) {
    try {
      return new Ok<>(call.work().get());
    } catch (RuntimeException e) {
      return new Failed<>(e);
    } catch (Error e) {
      return new Failed<>(new IllegalStateException(call.what() + " failed: " + e, e));
    }
  }
}
