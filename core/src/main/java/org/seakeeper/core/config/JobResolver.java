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
 * Applies {@code extends} (local jobs and trusted base jobs) and expands {@code matrix}. One
 * instance per config file; not thread-safe.
 */
final class JobResolver {
  /**
   * A job after resolution, with what the checks need to point at the file.
   *
   * @param secretsFrom the job that declares the secrets this one gets (itself or an ancestor)
   */
  record Resolved(
      String baseName, Pos namePos, List<Located<String>> needs, String secretsFrom, Job job) {}

  /** Most levels of {@code extends} from a job to its furthest ancestor (as in GitLab CI). */
  static final int MAX_EXTENDS = 10;

  private final Map<String, JobDecl> decls;

  /** Every job name of the file, including jobs too broken to have a decl. */
  private final Set<String> declared;

  private final Map<String, String> globalVariables;
  private final TrustedContext ctx;
  private final Problems problems;
  private final Set<Set<String>> reportedCycles = new HashSet<>();

  /** Most variables, needs, artifacts and secrets of all resolved jobs together. */
  static final long MAX_EXPANDED = 100_000;

  /**
   * Most jobs one config may define, after {@code matrix} expansion: every job of a pipeline
   * becomes a build, and anyone can push a config (1,500 jobs of a 64-value matrix would queue
   * 96,000 builds). Past it the config is an error at the job that crossed it. The default: the
   * operator may set another in trusted config ({@code limits.jobs_per_config}, {@link
   * TrustedContext#maxJobs}).
   */
  public static final int MAX_JOBS = 500;

  private long expanded;
  private boolean overBudget;
  private boolean tooManyJobs;

  JobResolver(
      Map<String, JobDecl> decls,
      Set<String> declared,
      Map<String, String> globalVariables,
      TrustedContext ctx,
      Problems problems) {
    this.decls = decls;
    this.declared = declared;
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
      List<Resolved> jobs = expand(d, chain.get());
      int maxJobs = ctx.maxJobs();
      if (out.size() + jobs.size() > maxJobs) {
        if (!tooManyJobs) {
          tooManyJobs = true;
          problems.error(
              d.namePos(),
              "the config defines more than "
                  + maxJobs
                  + " jobs (counting each 'matrix' combination), at job '"
                  + d.name()
                  + "'; the limit is "
                  + maxJobs
                  + ": use fewer jobs or smaller matrices");
        }
        continue;
      }
      out.addAll(jobs);
    }
    return out;
  }

  /** The decl and its ancestors, nearest first, plus why it cannot run here (if so). */
  private record Chain(List<JobDecl> decls, Optional<String> unavailable) {}

  private Optional<Chain> chain(JobDecl start) {
    List<JobDecl> chain = new ArrayList<>();
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    JobDecl cur = start;
    while (true) {
      chain.add(cur);
      names.add(cur.name());
      seen.add(cur.name());
      Located<String> ext = cur.extendsName();
      if (ext == null) {
        return Optional.of(new Chain(chain, Optional.empty()));
      }
      String parent = ext.value();
      if (chain.size() > MAX_EXTENDS) {
        // Stop here rather than walk on: a hostile file may chain thousands of jobs.
        problems.error(
            start.extendsName().pos(),
            "job '"
                + start.name()
                + "' has more than "
                + MAX_EXTENDS
                + " levels of 'extends' ("
                + String.join(" -> ", names)
                + " -> ...): use fewer");
        return Optional.empty();
      }
      if (seen.contains(parent)) {
        reportCycle(names.subList(names.indexOf(parent), names.size()), start);
        return Optional.empty();
      }
      if (parent.contains("/")) {
        JobDecl base = ctx.baseJobs().get(parent);
        if (base != null) {
          cur = base;
          continue;
        }
        if (ctx.offline()) {
          problems.warning(
              ext.pos(),
              "base job '"
                  + parent
                  + "' comes from the server's trusted config and is unknown offline (pass"
                  + " --config); 'run' skips this job");
          return Optional.of(
              new Chain(
                  chain,
                  Optional.of(
                      "extends base job '" + parent + "', unknown offline (pass --config)")));
        }
        if (isLocal(cur)) {
          problems.error(
              ext.pos(),
              "unknown base job '" + parent + "'" + problems.hint(parent, ctx.baseJobs().keySet()));
        } else {
          problems.error(
              start.extendsName().pos(),
              "base job '"
                  + cur.name()
                  + "' extends unknown base job '"
                  + parent
                  + "' (a problem of the server's trusted config)");
        }
        return Optional.empty();
      }
      if (!isLocal(cur)) {
        // A trusted base job never inherits from a repo's own (untrusted) jobs.
        problems.error(
            start.extendsName().pos(),
            "base job '"
                + cur.name()
                + "' extends '"
                + parent
                + "', which is not a base job (a problem of the server's trusted config)");
        return Optional.empty();
      }
      JobDecl next = decls.get(parent);
      if (next == null) {
        if (!isLocal(cur)) {
          problems.error(
              start.extendsName().pos(),
              "base job '"
                  + cur.name()
                  + "' extends '"
                  + parent
                  + "', which is not a base job (a problem of the server's trusted config)");
        } else if (!declared.contains(parent)) {
          problems.error(
              ext.pos(),
              "job '"
                  + cur.name()
                  + "' extends unknown job '"
                  + parent
                  + "'"
                  + problems.hint(parent, decls.keySet()));
        }
        return Optional.empty();
      }
      cur = next;
    }
  }

  /**
   * Whether a job is this file's own (not a base job of trusted config): only its positions are in
   * this file. Problems of an ancestor are reported for every job that meets them (Problems keeps
   * one copy), as templates are never resolved on their own.
   */
  private boolean isLocal(JobDecl d) {
    return decls.get(d.name()) == d;
  }

  /** Reports a cycle once, at the 'extends' of its first job in this file. */
  private void reportCycle(List<String> cycle, JobDecl start) {
    if (!reportedCycles.add(new HashSet<>(cycle))) {
      return;
    }
    // Base jobs of trusted config may take part in a cycle, but only this file's jobs can be
    // pointed at.
    JobDecl first =
        cycle.stream()
            .map(decls::get)
            .filter(d -> d != null)
            .min((a, b) -> a.namePos().compareTo(b.namePos()))
            .orElse(null);
    int i = first == null ? 0 : cycle.indexOf(first.name());
    List<String> path = new ArrayList<>(cycle.subList(i, cycle.size()));
    path.addAll(cycle.subList(0, i));
    path.add(path.getFirst());
    problems.error(
        (first == null ? start : first).extendsName().pos(),
        "extends cycle: " + String.join(" -> ", path));
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
      problems.error(
          d.namePos(),
          "job '"
              + d.name()
              + "' has no 'run' script"
              + (chain.size() > 1 ? " (none to inherit either)" : ""));
      return List.of();
    }
    Located<String> image = first(chain, JobDecl::image);
    String imageName = image == null ? TrustedContext.HOST_IMAGE : image.value();
    if (!ctx.knowsImage(imageName)) {
      // The image may come from a base job, whose position is in the server's config.
      boolean local =
          chain.stream().filter(x -> x.image() != null).findFirst().map(this::isLocal).orElse(true);
      Pos at = local ? image.pos() : d.extendsName().pos();
      if (ctx.offline()) {
        problems.warning(
            at,
            "image '"
                + imageName
                + "' is registered on the server and unknown offline (pass --config); 'run' skips"
                + " this job");
        unavailable =
            unavailable.or(
                () -> Optional.of("image '" + imageName + "' is unknown offline (pass --config)"));
      } else {
        problems.error(
            at, "unknown image '" + imageName + "'" + problems.hint(imageName, ctx.images()));
        return List.of();
      }
    }
    List<Located<String>> needs = orEmpty(first(chain, JobDecl::needs));
    List<Located<String>> artifacts = orEmpty(first(chain, JobDecl::artifacts));
    List<Located<String>> secrets = orEmpty(first(chain, JobDecl::secrets));
    Located<Map<String, List<String>>> matrix = first(chain, JobDecl::matrix);
    List<Map<String, String>> combos = combinations(matrix == null ? Map.of() : matrix.value());
    long size =
        globalVariables.size()
            + needs.size()
            + artifacts.size()
            + secrets.size()
            + combos.getFirst().size();
    for (JobDecl x : chain) {
      size += x.variables() == null ? 0 : x.variables().size();
    }
    if (!spend(d, size * combos.size())) {
      return List.of();
    }
    Map<String, String> vars = new LinkedHashMap<>(globalVariables);
    for (int i = chain.size() - 1; i >= 0; i--) {
      if (chain.get(i).variables() != null) {
        vars.putAll(chain.get(i).variables());
      }
    }
    Located<Duration> timeout = first(chain, JobDecl::timeout);
    Located<Integer> retries = first(chain, JobDecl::retries);
    Located<Integer> depth = first(chain, JobDecl::checkoutDepth);
    When when = first(chain, JobDecl::when);
    String description = first(chain, JobDecl::description);
    String secretsFrom =
        chain.stream()
            .filter(x -> x.secrets() != null)
            .map(JobDecl::name)
            .findFirst()
            .orElse(d.name());
    List<Resolved> out = new ArrayList<>();
    for (Map<String, String> combo : combos) {
      Map<String, String> v = new LinkedHashMap<>(vars);
      v.putAll(combo);
      String name =
          combo.isEmpty()
              ? d.name()
              : d.name()
                  + "["
                  + String.join(
                      ",",
                      combo.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                  + "]";
      Job job =
          new Job(
              name,
              run == null ? "" : run.value(),
              timeout == null ? ctx.defaultTimeout() : timeout.value(),
              imageName,
              needs.stream().map(Located::value).toList(),
              artifacts.stream().map(Located::value).toList(),
              secrets.stream().map(Located::value).toList(),
              v,
              retries == null ? 0 : retries.value(),
              depth == null ? Job.DEFAULT_CHECKOUT_DEPTH : depth.value(),
              when == null ? When.ALWAYS : when,
              description == null ? "" : description,
              unavailable);
      out.add(new Resolved(d.name(), d.namePos(), needs, secretsFrom, job));
    }
    return out;
  }

  /**
   * Counts the entries resolution copies into jobs; false past {@link #MAX_EXPANDED} (reported
   * once). 'extends', 'matrix' and top-level 'variables' multiply a small file into a huge one.
   */
  private boolean spend(JobDecl d, long size) {
    expanded += size;
    if (expanded <= MAX_EXPANDED) {
      return true;
    }
    if (!overBudget) {
      overBudget = true;
      problems.error(
          d.namePos(),
          "the jobs expand to more than "
              + MAX_EXPANDED
              + " variables, needs, artifacts and secrets in all (through 'extends', 'matrix' and"
              + " top-level 'variables'); refusing to read them");
    }
    return false;
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
