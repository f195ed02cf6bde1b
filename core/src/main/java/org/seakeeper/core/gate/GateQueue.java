package org.seakeeper.core.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A dependent (gate) queue after Zuul's design: approved changes in order; each is tested on the
 * speculative state of its branch plus every change ahead of it that is not failing, all in
 * parallel up to a window that grows by one on each success and halves on each failure (never below
 * {@link #MIN_WINDOW}). An item whose test failed while changes ahead of it are still undecided is
 * only <em>failing</em> ({@link #markFailing}): the items behind it are re-tested without it, and
 * it is re-tested itself if something ahead of it changes (the failure may have come from a change
 * ahead); it fails for good ({@link #fail}) only at the head. Pure and steppable: the scheduler
 * tells it what happened and asks what to (re)build.
 *
 * <p>Not thread-safe: confined to the scheduler thread.
 */
public final class GateQueue {
  public static final int MIN_WINDOW = 3;
  public static final int DEFAULT_WINDOW = 20;

  private final String name;
  private final List<Item> items = new ArrayList<>();
  private int window;

  /**
   * One queue entry: the change and the generation of its current test run. The generation grows
   * each time the item must be re-tested (something ahead of it changed), so results of an older
   * run are recognised as stale. {@code failing}: its current run failed, but the verdict waits
   * until it reaches the head; the items behind it are tested without it meanwhile.
   */
  public record Item(ChangeRef change, int generation, boolean failing) {
    public Item(ChangeRef change, int generation) {
      this(change, generation, false);
    }
  }

  public GateQueue(String name) {
    this(name, DEFAULT_WINDOW);
  }

  public GateQueue(String name, int window) {
    this.name = name;
    this.window = Math.max(MIN_WINDOW, window);
  }

  public String name() {
    return name;
  }

  public int window() {
    return window;
  }

  public List<Item> items() {
    return List.copyOf(items);
  }

  /** Adds a change at the end; a change already queued (any patch set) is refused. */
  public boolean enqueue(ChangeRef c) {
    if (position(c).isPresent()) {
      return false;
    }
    items.add(new Item(c, 0));
    return true;
  }

  /**
   * The changes ahead of {@code c} that are not failing, in queue order: what its speculative state
   * merges first.
   */
  public List<ChangeRef> ahead(ChangeRef c) {
    int i =
        position(c).orElseThrow(() -> new IllegalArgumentException(c + " is not in queue " + name));
    return items.subList(0, i).stream().filter(it -> !it.failing()).map(Item::change).toList();
  }

  /** The items that may be tested now (the first {@code window}). */
  public List<Item> active() {
    return List.copyOf(items.subList(0, Math.min(window, items.size())));
  }

  public Optional<Item> head() {
    return items.isEmpty() ? Optional.empty() : Optional.of(items.getFirst());
  }

  /**
   * The item's test failed for good: it leaves the queue and every item behind it is re-tested
   * without it (their generation grows), unless it was failing, in which case they already are.
   * Returns the items to re-test.
   */
  public List<Item> fail(ChangeRef c) {
    int i = position(c).orElseThrow();
    Item gone = items.remove(i);
    window = Math.max(MIN_WINDOW, window / 2);
    return gone.failing() ? List.of() : resetFrom(i);
  }

  /**
   * The item's test failed while it is not the head: it stays, failing, until it reaches the head
   * or something ahead of it changes; every item behind it is re-tested without it. Returns the
   * items to re-test.
   */
  public List<Item> markFailing(ChangeRef c) {
    int i = position(c).orElseThrow();
    Item it = items.get(i);
    if (it.failing()) {
      return List.of();
    }
    items.set(i, new Item(it.change(), it.generation(), true));
    return resetFrom(i + 1);
  }

  /** The head passed and was submitted: it leaves; nothing behind needs a re-test. */
  public void merged(ChangeRef c) {
    int i = position(c).orElseThrow();
    if (i != 0) {
      throw new IllegalStateException(c + " is not at the head of " + name);
    }
    items.removeFirst();
    window++;
  }

  /**
   * Removes a change without a verdict (new patch set, abandoned, dequeued by an admin, or the
   * branch moved under it): the items behind it are re-tested, unless it was failing (they are
   * tested without it already). Empty when it was not queued.
   */
  public List<Item> remove(ChangeRef c) {
    Optional<Integer> i = position(c);
    if (i.isEmpty()) {
      return List.of();
    }
    Item gone = items.remove((int) i.get());
    return gone.failing() ? List.of() : resetFrom(i.get());
  }

  /** Moves a change to the head (an admin's promote); every item is re-tested. */
  public List<Item> promote(ChangeRef c) {
    int i = position(c).orElseThrow();
    Item it = items.remove(i);
    items.addFirst(it);
    return resetFrom(0);
  }

  /** Every item is re-tested (e.g. a submit failed because the branch moved). */
  public List<Item> resetAll() {
    return resetFrom(0);
  }

  /** Whether a result of {@code generation} for {@code c} is still the current one. */
  public boolean current(ChangeRef c, int generation) {
    return position(c).map(i -> items.get(i).generation() == generation).orElse(false);
  }

  private List<Item> resetFrom(int from) {
    List<Item> out = new ArrayList<>();
    for (int i = from; i < items.size(); i++) {
      Item next = new Item(items.get(i).change(), items.get(i).generation() + 1, false);
      items.set(i, next);
      out.add(next);
    }
    return out;
  }

  private Optional<Integer> position(ChangeRef c) {
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).change().sameChange(c)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }
}
