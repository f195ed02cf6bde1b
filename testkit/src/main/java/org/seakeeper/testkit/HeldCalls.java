package org.seakeeper.testkit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.seakeeper.core.effect.Calls;

/**
 * Calls for scenario tests: run at once on the caller's thread, except calls to a connection the
 * test holds (a service that hangs), which wait until the test releases them or lets them time out.
 * Thread-safe.
 */
public final class HeldCalls implements Calls {
  private record Held<T>(Call<T> call, Consumer<Result<T>> done) {
    void run() {
      done.accept(Calls.run(call));
    }

    void timeOut() {
      done.accept(Result.timedOut(call));
    }
  }

  private final Set<String> held = new HashSet<>();
  private final Set<String> heldAbout = new HashSet<>();
  private final List<Held<?>> waiting = new ArrayList<>();

  /** From now on, calls to {@code connection} hang until released. */
  public synchronized void hold(String connection) {
    held.add(connection);
  }

  /**
   * From now on, calls whose description contains {@code text} (e.g. {@code "of hostile)"}: the
   * preparation of a project's events) hang until released by {@link #releaseAbout}.
   */
  public synchronized void holdAbout(String text) {
    heldAbout.add(text);
  }

  /** The calls held by {@link #holdAbout} with this text run now, later ones at once. */
  public void releaseAbout(String text) {
    List<Held<?>> out;
    synchronized (this) {
      heldAbout.remove(text);
      out = waiting.stream().filter(h -> h.call().what().contains(text)).toList();
      waiting.removeAll(out);
    }
    for (Held<?> h : out) {
      h.run();
    }
  }

  /** Calls waiting now. */
  public synchronized int waiting() {
    return waiting.size();
  }

  /** The connection answers again: its waiting calls run now, later ones at once. */
  public void release(String connection) {
    for (Held<?> h : take(connection, true)) {
      h.run();
    }
  }

  /**
   * The waiting calls of {@code connection} reach their deadline (outages); later ones still hang.
   */
  public void timeOut(String connection) {
    for (Held<?> h : take(connection, false)) {
      h.timeOut();
    }
  }

  private synchronized List<Held<?>> take(String connection, boolean unhold) {
    if (unhold) {
      held.remove(connection);
    }
    List<Held<?>> out =
        waiting.stream().filter(h -> h.call().connection().equals(connection)).toList();
    waiting.removeAll(out);
    return out;
  }

  @Override
  public <T> void start(Call<T> call, Consumer<Result<T>> done) {
    synchronized (this) {
      if (held.contains(call.connection())
          || heldAbout.stream().anyMatch(t -> call.what().contains(t))) {
        waiting.add(new Held<>(call, done));
        return;
      }
    }
    done.accept(Calls.run(call));
  }
}
