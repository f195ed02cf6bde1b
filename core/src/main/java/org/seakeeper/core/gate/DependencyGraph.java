package org.seakeeper.core.gate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Changes and what each depends on: a dependency order (dependencies first) or the cycle that
 * prevents one, named node by node. Pure; not thread-safe while being built.
 *
 * @param <N> a node (a change key); equality identifies it
 */
public final class DependencyGraph<N> {
  private final Map<N, Set<N>> edges = new LinkedHashMap<>();

  /** Records that {@code from} depends on {@code to} (both become nodes). */
  public DependencyGraph<N> depends(N from, N to) {
    edges.computeIfAbsent(from, k -> new LinkedHashSet<>()).add(to);
    edges.computeIfAbsent(to, k -> new LinkedHashSet<>());
    return this;
  }

  public DependencyGraph<N> node(N n) {
    edges.computeIfAbsent(n, k -> new LinkedHashSet<>());
    return this;
  }

  public Set<N> dependenciesOf(N n) {
    return Set.copyOf(edges.getOrDefault(n, Set.of()));
  }

  /**
   * The first cycle found, as its nodes in dependency order, closing on the first one again ({@code
   * [A, B, A]}: A depends on B, B on A); empty when the graph has none.
   */
  public Optional<List<N>> cycle() {
    Map<N, Integer> state = new LinkedHashMap<>(); // 1: on the path, 2: done
    for (N start : edges.keySet()) {
      List<N> path = new ArrayList<>();
      Optional<List<N>> c = visit(start, state, path);
      if (c.isPresent()) {
        return c;
      }
    }
    return Optional.empty();
  }

  private Optional<List<N>> visit(N n, Map<N, Integer> state, List<N> path) {
    Integer s = state.get(n);
    if (s != null && s == 2) {
      return Optional.empty();
    }
    if (s != null && s == 1) {
      List<N> cycle = new ArrayList<>(path.subList(path.indexOf(n), path.size()));
      cycle.add(n);
      return Optional.of(cycle);
    }
    state.put(n, 1);
    path.add(n);
    for (N d : edges.getOrDefault(n, Set.of())) {
      Optional<List<N>> c = visit(d, state, path);
      if (c.isPresent()) {
        return c;
      }
    }
    path.removeLast();
    state.put(n, 2);
    return Optional.empty();
  }

  /**
   * Every node reachable from {@code root} (without it), dependencies before their dependents; call
   * only when {@link #cycle()} is empty.
   */
  public List<N> orderFrom(N root) {
    List<N> out = new ArrayList<>();
    post(root, new LinkedHashSet<>(), out);
    out.remove(root);
    return out;
  }

  private void post(N n, Set<N> seen, List<N> out) {
    if (!seen.add(n)) {
      return;
    }
    for (N d : edges.getOrDefault(n, Set.of())) {
      post(d, seen, out);
    }
    out.add(n);
  }
}
