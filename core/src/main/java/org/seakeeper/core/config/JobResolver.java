package org.seakeeper.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.model.Job;
import org.seakeeper.core.model.When;

/**
 * Applies {@code extends} (local jobs and trusted base jobs) and expands {@code matrix}.
 * One instance per config file; not thread-safe.
 */
final class JobResolver {
  /** A job after resolution, with what the checks need to point at the file. */
  record Resolved(String baseName, Pos namePos, List<Located<String>> needs, Job job) {}

  private final Map<String, JobDecl> decls;
  private final Map<String, String> globalVariables;
  private final TrustedContext ctx;
  private final Problems problems;
  private final Set<Set<String>> reportedCycles = new HashSet<>();

  JobResolver(Map<String, JobDecl> decls, Map<String, String> globalVariables, TrustedContext ctx, Problems problems) {
    this.decls = decls;
    this.globalVariables = globalVariables;
    this.ctx = ctx;
    this.problems = problems;
  }

  List<Resolved> resolveAll() {
    List<Resolved> out = new ArrayList<>();
    for (JobDecl d : decls.values()) {
      if (d.name().startsWith(".")) {
        continue; // a template: only ever a parent of other jobs, so it needs no 'run' of its own
      }
      Optional<Chain> chain = chain(d);
      if (chain.isEmpty()) {
        continue;
      }
      out.addAll(expand(d, chain.get()));
    }
    return out;
  }

  /** The decl and its ancestors, nearest first, plus why it cannot run here (if so). */
  private record Chain(List<JobDecl> decls, Optional<String> unavailable) {}

  private Optional<Chain> chain(JobDecl start) {
    List<JobDecl> chain = new ArrayList<>();
    List<String> names = new ArrayList<>();
    JobDecl cur = start;
    while (true) {
      chain.add(cur);
      names.add(cur.name());
      Located<String> ext = cur.extendsName();
      if (ext == null) {
        return Optional.of(new Chain(chain, Optional.empty()));
      }
      String parent = ext.value();
      if (names.contains(parent)) {
        reportCycle(names.subList(names.indexOf(parent), names.size()), parent);
        return Optional.empty();
      }
      if (parent.contains("/")) {
        JobDecl base = ctx.baseJobs().get(parent);
        if (base != null) {
          cur = base;
          continue;
        }
        if (ctx.offline()) {
          if (cur == start) {
            problems.warning(ext.pos(), "base job '" + parent + "' comes from the server's trusted config and is unknown offline (pass --config); 'run' skips this job");
          }
          return Optional.of(new Chain(chain, Optional.of("extends base job '" + parent + "', unknown offline (pass --config)")));
        }
        if (cur == start) {
          problems.error(ext.pos(), "unknown base job '" + parent + "'" + Suggest.hint(parent, ctx.baseJobs().keySet()));
        }
        return Optional.empty();
      }
      JobDecl next = decls.get(parent);
      if (next == null) {
        if (cur == start) {
          problems.error(ext.pos(), "job '" + cur.name() + "' extends unknown job '" + parent + "'" + Suggest.hint(parent, decls.keySet()));
        }
        return Optional.empty();
      }
      cur = next;
    }
  }

  private void reportCycle(List<String> cycle, String closing) {
    if (!reportedCycles.add(new HashSet<>(cycle))) {
      return;
    }
    JobDecl first = cycle.stream().map(decls::get).min((a, b) -> a.namePos().compareTo(b.namePos())).orElseThrow();
    int i = cycle.indexOf(first.name());
    List<String> path = new ArrayList<>(cycle.subList(i, cycle.size()));
    path.addAll(cycle.subList(0, i));
    path.add(first.name());
    problems.error(first.extendsName().pos(), "extends cycle: " + String.join(" -> ", path));
  }

  private <T> T first(List<JobDecl> chain, java.util.function.Function<JobDecl, T> f) {
    for (JobDecl d : chain) {
      T v = f.apply(d);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private List<Resolved> expand(JobDecl d, Chain c) {
    List<JobDecl> chain = c.decls();
    Optional<String> unavailable = c.unavailable();
    Located<String> run = first(chain, JobDecl::run);
    if (run == null && unavailable.isEmpty()) {
      problems.error(d.namePos(), "job '" + d.name() + "' has no 'run' script" + (chain.size() > 1 ? " (none to inherit either)" : ""));
      return List.of();
    }
    Located<String> image = first(chain, JobDecl::image);
    String imageName = image == null ? TrustedContext.HOST_IMAGE : image.value();
    if (!ctx.knowsImage(imageName)) {
      if (ctx.offline()) {
        if (image != null && d.image() == image) {
          problems.warning(image.pos(), "image '" + imageName + "' is registered on the server and unknown offline (pass --config); 'run' skips this job");
        }
        unavailable = unavailable.or(() -> Optional.of("image '" + imageName + "' is unknown offline (pass --config)"));
      } else {
        if (d.image() == image) {
          problems.error(image.pos(), "unknown image '" + imageName + "'" + Suggest.hint(imageName, ctx.images()));
        }
        return List.of();
      }
    }
    Map<String, String> vars = new LinkedHashMap<>(globalVariables);
    for (int i = chain.size() - 1; i >= 0; i--) {
      if (chain.get(i).variables() != null) {
        vars.putAll(chain.get(i).variables());
      }
    }
    Located<Duration> timeout = first(chain, JobDecl::timeout);
    Located<Integer> retries = first(chain, JobDecl::retries);
    List<Located<String>> needs = orEmpty(first(chain, JobDecl::needs));
    When when = first(chain, JobDecl::when);
    String description = first(chain, JobDecl::description);
    Located<Map<String, List<String>>> matrix = first(chain, JobDecl::matrix);
    List<Resolved> out = new ArrayList<>();
    for (Map<String, String> combo : combinations(matrix == null ? Map.of() : matrix.value())) {
      Map<String, String> v = new LinkedHashMap<>(vars);
      v.putAll(combo);
      String name = combo.isEmpty() ? d.name() : d.name() + "[" + String.join(",", combo.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()) + "]";
      Job job =
          new Job(
              name,
              run == null ? "" : run.value(),
              timeout == null ? ctx.defaultTimeout() : timeout.value(),
              imageName,
              needs.stream().map(Located::value).toList(),
              orEmpty(first(chain, JobDecl::artifacts)).stream().map(Located::value).toList(),
              orEmpty(first(chain, JobDecl::secrets)).stream().map(Located::value).toList(),
              v,
              retries == null ? 0 : retries.value(),
              when == null ? When.ALWAYS : when,
              description == null ? "" : description,
              unavailable);
      out.add(new Resolved(d.name(), d.namePos(), needs, job));
    }
    return out;
  }

  private static <T> List<T> orEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }

  static List<Map<String, String>> combinations(Map<String, List<String>> axes) {
    List<Map<String, String>> out = new ArrayList<>();
    out.add(new LinkedHashMap<>());
    for (Map.Entry<String, List<String>> axis : axes.entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> partial : out) {
        for (String value : axis.getValue()) {
          Map<String, String> m = new LinkedHashMap<>(partial);
          m.put(axis.getKey(), value);
          next.add(m);
        }
      }
      out = next;
    }
    return out;
  }
}
