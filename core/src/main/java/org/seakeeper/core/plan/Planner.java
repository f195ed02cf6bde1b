package org.seakeeper.core.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.model.Job;
import org.seakeeper.core.model.RepoConfig;

/**
 * Compiles one pipeline of a valid repo config into a {@link Plan}. Pure and thread-safe.
 *
 * <p>Jobs excluded by their {@code when} matchers are shown as skipped and their dependents run as
 * if they had passed (a "soft" need, as the matchers say the job is irrelevant). Jobs that cannot
 * run here (secrets unavailable, unknown base job or image offline) are skipped and so are their
 * dependents, which could not run meaningfully.
 */
public final class Planner {
  private Planner() {}

  public static Plan plan(RepoConfig config, PlanContext ctx) {
    List<String> names = config.jobsOf(ctx.pipeline());
    Set<String> selected = select(config, names, ctx.onlyJobs());
    List<PlannedJob> out = new ArrayList<>();
    Map<String, Job> jobs = config.jobs();
    Set<String> irrelevant = new LinkedHashSet<>();
    for (String n : names) {
      if (selected.contains(n)
          && jobs.get(n).when().excludes(ctx.branch(), ctx.changedFiles()).isPresent()) {
        irrelevant.add(n);
      }
    }
    for (String n : names) {
      if (!selected.contains(n)) {
        continue;
      }
      Job job = jobs.get(n);
      List<String> needs =
          job.needs().stream()
              .flatMap(x -> expand(config, names, x).stream())
              .filter(x -> !irrelevant.contains(x))
              .toList();
      Optional<String> skip = job.when().excludes(ctx.branch(), ctx.changedFiles());
      if (skip.isEmpty()) {
        skip = job.unavailable();
      }
      if (skip.isEmpty() && !job.secrets().isEmpty() && !ctx.secretsAvailable()) {
        skip = Optional.of("needs secrets " + job.secrets() + ", which are not available here");
      }
      out.add(new PlannedJob(job, needs, skip));
    }
    return new Plan(ctx.pipeline(), ctx.tier(), ctx.tier().networkByDefault(), out);
  }

  /** A need names a job or all instances of a matrix job. */
  private static List<String> expand(RepoConfig config, List<String> pipelineJobs, String need) {
    if (pipelineJobs.contains(need)) {
      return List.of(need);
    }
    return pipelineJobs.stream().filter(n -> n.startsWith(need + "[")).toList();
  }

  private static Set<String> select(RepoConfig config, List<String> names, Set<String> only) {
    if (only.isEmpty()) {
      return new LinkedHashSet<>(names);
    }
    Set<String> out = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    for (String o : only) {
      todo.addAll(expand(config, names, o));
    }
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (names.contains(n) && out.add(n)) {
        for (String need : config.jobs().get(n).needs()) {
          todo.addAll(expand(config, names, need));
        }
      }
    }
    return out;
  }

  /** The requested names that are not jobs of the pipeline (for a clear usage error). */
  public static List<String> unknownJobs(RepoConfig config, PlanContext ctx) {
    List<String> names = config.jobsOf(ctx.pipeline());
    return ctx.onlyJobs().stream()
        .filter(o -> expand(config, names, o).isEmpty())
        .sorted()
        .toList();
  }
}
