package org.seakeeper.core.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.seakeeper.core.model.PipelineName;

/**
 * Cross-references of a repo config: {@code needs} targets and cycles, pipeline entries, needs
 * across pipelines, secrets in check and jobs that never run. One instance per file.
 */
final class ConfigChecks {
  private final Map<String, JobDecl> decls;

  /** Every job name of the file, including jobs too broken to have a decl. */
  private final Set<String> declared;

  private final List<JobResolver.Resolved> resolved;
  private final Problems p;

  /** Declared name (matrix base) to the resolved instance names. */
  private final Map<String, List<String>> instances = new LinkedHashMap<>();

  private final Map<String, JobResolver.Resolved> byName = new HashMap<>();

  ConfigChecks(
      Map<String, JobDecl> decls,
      Set<String> declared,
      List<JobResolver.Resolved> resolved,
      Problems p) {
    this.decls = decls;
    this.declared = declared;
    this.resolved = resolved;
    this.p = p;
    for (JobResolver.Resolved r : resolved) {
      instances.computeIfAbsent(r.baseName(), k -> new ArrayList<>()).add(r.job().name());
      byName.put(r.job().name(), r);
    }
  }

  /** Runs every check and returns each pipeline's job instance names. */
  Map<PipelineName, List<String>> check(
      Map<PipelineName, List<Located<String>>> pipelines, boolean pipelinesDeclared) {
    Map<String, Set<String>> graph = needsGraph();
    reportNeedsCycles(graph);
    Map<PipelineName, List<String>> out = new EnumMap<>(PipelineName.class);
    Set<String> used = new HashSet<>();
    for (Map.Entry<PipelineName, List<Located<String>>> e : pipelines.entrySet()) {
      PipelineName pipeline = e.getKey();
      Map<String, Pos> listed = new LinkedHashMap<>();
      for (Located<String> entry : e.getValue()) {
        String name = entry.value();
        if (name.startsWith(".")) {
          p.error(
              entry.pos(),
              "job '"
                  + name
                  + "' is a template (its name starts with '.') and cannot be in a pipeline");
          continue;
        }
        List<String> names = targets(name);
        if (names == null) {
          if (declared.contains(name)) {
            continue; // the job has problems of its own, already reported
          }
          p.error(
              entry.pos(),
              "pipeline '"
                  + pipeline.id()
                  + "' names unknown job '"
                  + name
                  + "'"
                  + p.hint(name, decls.keySet()));
          continue;
        }
        if (listed.containsKey(names.getFirst())) {
          p.warning(
              entry.pos(),
              "job '" + name + "' is listed twice in pipeline '" + pipeline.id() + "'");
          continue;
        }
        names.forEach(n -> listed.put(n, entry.pos()));
      }
      for (Map.Entry<String, Pos> job : listed.entrySet()) {
        // Matrix instances share their declaration: name the job as written, report once.
        JobResolver.Resolved r = byName.get(job.getKey());
        for (String need : graph.getOrDefault(job.getKey(), Set.of())) {
          if (!listed.containsKey(need)) {
            String needName = byName.get(need).baseName();
            report(
                job.getValue(),
                "job '"
                    + r.baseName()
                    + "' needs '"
                    + needName
                    + "', which is not in pipeline '"
                    + pipeline.id()
                    + "' (needs across pipelines are not allowed)");
          }
        }
        if (pipeline == PipelineName.CHECK && !r.job().secrets().isEmpty()) {
          String from =
              r.secretsFrom().equals(r.baseName())
                  ? ""
                  : " (inherited from '" + r.secretsFrom() + "')";
          report(
              job.getValue(),
              "job '"
                  + r.baseName()
                  + "' has secrets "
                  + r.job().secrets()
                  + from
                  + " but is in pipeline 'check', which runs untrusted code and never gets"
                  + " secrets");
        }
      }
      used.addAll(listed.keySet());
      out.put(pipeline, List.copyOf(listed.keySet()));
    }
    if (pipelinesDeclared) {
      reportUnused(used);
    }
    return out;
  }

  /** The instance names a reference means (all instances of a matrix job), or null. */
  private List<String> targets(String name) {
    if (instances.containsKey(name)) {
      return instances.get(name);
    }
    if (byName.containsKey(name)) {
      return List.of(name);
    }
    return null;
  }

  private Map<String, Set<String>> needsGraph() {
    Map<String, Set<String>> graph = new LinkedHashMap<>();
    for (JobResolver.Resolved r : resolved) {
      Set<String> edges = new LinkedHashSet<>();
      for (Located<String> need : r.needs()) {
        List<String> t = targets(need.value());
        if (need.value().equals(r.baseName()) || need.value().equals(r.job().name())) {
          report(need.pos(), "job '" + r.baseName() + "' needs itself");
        } else if (t == null && need.value().startsWith(".") && declared.contains(need.value())) {
          report(
              need.pos(),
              "job '"
                  + r.baseName()
                  + "' needs template '"
                  + need.value()
                  + "', which never runs (templates are only extended)");
        } else if (t == null) {
          if (!declared.contains(need.value())) {
            report(
                need.pos(),
                "job '"
                    + r.baseName()
                    + "' needs unknown job '"
                    + need.value()
                    + "'"
                    + p.hint(need.value(), decls.keySet()));
          }
        } else {
          edges.addAll(t);
        }
      }
      graph.put(r.job().name(), edges);
    }
    return graph;
  }

  private final Set<String> reported = new HashSet<>();

  /** Matrix instances share their declaration, so report each place once. */
  private void report(Pos pos, String message) {
    if (reported.add(pos + message)) {
      p.error(pos, message);
    }
  }

  /**
   * Reports each cycle found by a depth-first walk. Iterative, as a hostile file may chain
   * thousands of jobs, deeper than the thread's stack.
   */
  private void reportNeedsCycles(Map<String, Set<String>> graph) {
    Set<String> done = new HashSet<>();
    for (String start : graph.keySet()) {
      if (done.contains(start)) {
        continue;
      }
      List<String> stack = new ArrayList<>();
      Map<String, Integer> onStack = new HashMap<>();
      Deque<Iterator<String>> next = new ArrayDeque<>();
      stack.add(start);
      onStack.put(start, 0);
      next.push(graph.getOrDefault(start, Set.of()).iterator());
      while (!next.isEmpty()) {
        if (!next.peek().hasNext()) {
          next.pop();
          String finished = stack.removeLast();
          onStack.remove(finished);
          done.add(finished);
          continue;
        }
        String m = next.peek().next();
        Integer at = onStack.get(m);
        if (at != null) {
          reportCycle(new ArrayList<>(stack.subList(at, stack.size())));
        } else if (!done.contains(m)) {
          onStack.put(m, stack.size());
          stack.add(m);
          next.push(graph.getOrDefault(m, Set.of()).iterator());
        }
      }
    }
  }

  private void reportCycle(List<String> cycle) {
    cycle.add(cycle.getFirst());
    JobResolver.Resolved from = byName.get(cycle.getFirst());
    String to = cycle.get(1);
    Pos at =
        from.needs().stream()
            .filter(l -> targets(l.value()) != null && targets(l.value()).contains(to))
            .map(Located::pos)
            .findFirst()
            .orElse(from.namePos());
    report(at, "needs cycle: " + String.join(" -> ", cycle));
  }

  private void reportUnused(Set<String> used) {
    Set<String> extended = new HashSet<>();
    decls
        .values()
        .forEach(
            d -> {
              if (d.extendsName() != null) {
                extended.add(d.extendsName().value());
              }
            });
    for (JobDecl d : decls.values()) {
      List<String> names = instances.getOrDefault(d.name(), List.of());
      boolean runs = names.stream().anyMatch(used::contains);
      if (!runs && !d.name().startsWith(".") && !extended.contains(d.name()) && !names.isEmpty()) {
        p.warning(
            d.namePos(),
            "job '"
                + d.name()
                + "' is in no pipeline and never runs (start its name with '.' to mark it a"
                + " template)");
      }
    }
  }
}
