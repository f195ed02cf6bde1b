package org.seakeeper.core.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.ChangeResolver;
import org.seakeeper.core.gate.DependencyGraph;
import org.seakeeper.core.gate.DependsOn;

/**
 * A change's open dependencies, transitively: its {@code Depends-On} footers and its parent commit
 * when that is an open change's current patch set, then theirs. Merged dependencies are met and
 * left out. Stateless; reads through {@link RepoAccess} and {@link ChangeResolver}.
 */
final class DependencyWalk {
  /** Most changes one walk visits: a bigger web of dependencies is refused. */
  static final int MAX_CHANGES = 100;

  private DependencyWalk() {}

  /** The outcome. A closed set. */
  sealed interface Outcome {}

  /** The open dependencies, each before its dependents (the change itself is not listed). */
  record Open(List<ChangeRef> dependencies) implements Outcome {}

  /** A footer cannot be resolved, is ambiguous, or the dependencies form a cycle. */
  record Problem(String detail) implements Outcome {}

  static String key(ChangeRef c) {
    return c.connection() + "/" + c.project() + "/" + c.change();
  }

  static Outcome of(RepoAccess repos, ChangeResolver resolver, ChangeRef root) {
    try {
      return walk(repos, resolver, root);
    } catch (org.seakeeper.core.effect.Outage e) {
      throw e; // the review system did not answer: asked again later, never a verdict
    } catch (RuntimeException e) {
      // An adapter that failed unexpectedly must not stop the scheduler: the change says why.
      return new Problem("cannot resolve the dependencies of " + root + ": " + e);
    }
  }

  private static Outcome walk(RepoAccess repos, ChangeResolver resolver, ChangeRef root) {
    DependencyGraph<String> graph = new DependencyGraph<String>().node(key(root));
    Map<String, ChangeRef> byKey = new HashMap<>();
    byKey.put(key(root), root);
    Deque<ChangeRef> todo = new ArrayDeque<>(List.of(root));
    List<String> problems = new ArrayList<>();
    while (!todo.isEmpty()) {
      ChangeRef c = todo.poll();
      Optional<RepoAccess.CommitMeta> meta;
      try {
        meta = repos.meta(c.repo(), c.commit());
      } catch (RepoAccess.RepoAccessException e) {
        return new Problem("cannot read the commit message of " + c + ": " + e.getMessage());
      }
      if (meta.isEmpty()) {
        continue;
      }
      List<ChangeRef> deps = new ArrayList<>();
      DependsOn.Parsed parsed = DependsOn.parse(meta.get().message());
      parsed.problems().forEach(p -> problems.add(c + ": " + p));
      for (DependsOn.Ref ref : parsed.refs()) {
        switch (resolver.resolve(c.connection(), ref)) {
          case ChangeResolver.Found f -> {
            if (!f.change().merged()) {
              deps.add(f.change().change());
            }
          }
          case ChangeResolver.NotFound n ->
              problems.add(c + ": Depends-On: " + ref.raw() + ": " + n.why());
          case ChangeResolver.Ambiguous a ->
              problems.add(
                  c
                      + ": Depends-On: "
                      + ref.raw()
                      + " matches several changes, name one by its URL: "
                      + String.join(", ", a.candidates()));
        }
      }
      if (!meta.get().parents().isEmpty()) {
        resolver
            .openChangeAt(c.repo(), meta.get().parents().getFirst())
            .filter(p -> !p.sameChange(c))
            .ifPresent(deps::add);
      }
      for (ChangeRef d : deps) {
        graph.depends(key(c), key(d));
        if (byKey.putIfAbsent(key(d), d) == null) {
          if (byKey.size() > MAX_CHANGES) {
            return new Problem(root + " has more than " + MAX_CHANGES + " open dependencies");
          }
          todo.add(d);
        }
      }
    }
    if (!problems.isEmpty()) {
      return new Problem(String.join("\n", problems));
    }
    Optional<List<String>> cycle = graph.cycle();
    if (cycle.isPresent()) {
      return new Problem(
          "dependency cycle: "
              + cycle.get().stream()
                  .map(k -> byKey.get(k).toString())
                  .collect(Collectors.joining(" -> "))
              + " (Depends-On footers or parent changes)");
    }
    return new Open(graph.orderFrom(key(root)).stream().map(byKey::get).toList());
  }
}
