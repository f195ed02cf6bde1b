package org.seakeeper.core.config;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.model.Job;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.RepoConfig;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads a {@code .seakeeper.yaml} into a {@link RepoConfig}, collecting every problem.
 *
 * <p>The entry point of the config language: bytes in, config and problems out. Never throws for
 * bad input. Stateless and thread-safe.
 */
public final class RepoConfigParser {
  /** The file every repo declares its CI in, at its root. */
  public static final String FILE_NAME = ".seakeeper.yaml";

  /** Keys allowed at the top of the file. */
  public static final List<String> TOP_KEYS = List.of("jobs", "pipelines", "variables");

  private RepoConfigParser() {}

  public static ConfigResult parse(byte[] bytes, TrustedContext ctx) {
    Problems p = new Problems();
    Optional<RepoConfig> config = YamlLoader.load(bytes, p).flatMap(root -> fromNode(root, ctx, p));
    return new ConfigResult(p.hasErrors() ? Optional.empty() : config, p.sorted());
  }

  private static Optional<RepoConfig> fromNode(Node root, TrustedContext ctx, Problems p) {
    if (Nodes.isNull(root)) {
      p.error(Pos.START, "file is empty: declare your jobs under 'jobs:'");
      return Optional.empty();
    }
    Optional<MappingNode> top = Nodes.mapping(root, "the file", p);
    if (top.isEmpty()) {
      return Optional.empty();
    }
    Node jobsNode = null;
    Node pipelinesNode = null;
    Map<String, String> globalVariables = Map.of();
    Set<String> misspelt = new HashSet<>(); // top-level keys the user evidently meant
    for (Nodes.Entry e : Nodes.entries(top.get(), p)) {
      switch (e.key()) {
        case "jobs" -> jobsNode = e.value();
        case "pipelines" -> pipelinesNode = e.value();
        case "variables" -> globalVariables = JobDeclParser.variables(e.value(), "'variables'", p);
        case "secrets" ->
            p.error(
                e.keyPos(),
                "a project's "
                    + FILE_NAME
                    + " cannot define secrets: they are defined in the trusted config repo's file"
                    + " (encrypted with seakeeper secrets encrypt) or by an admin (seakeeper"
                    + " secrets set); a job only names them, e.g. secrets: [token]");
        default -> {
          Suggest.closest(e.key(), TOP_KEYS).ifPresent(misspelt::add);
          p.error(
              e.keyPos(),
              "unknown top-level key '"
                  + e.key()
                  + "'"
                  + Suggest.hint(e.key(), TOP_KEYS)
                  + "; expected one of "
                  + TOP_KEYS);
        }
      }
    }
    if (jobsNode == null) {
      if (!misspelt.contains("jobs")) {
        p.error(Nodes.pos(root), "no 'jobs:': declare at least one job");
      }
      return Optional.empty();
    }
    Map<String, JobDecl> decls = jobs(jobsNode, p);
    Set<String> declared = declaredNames(jobsNode, decls);
    List<JobResolver.Resolved> resolved =
        new JobResolver(decls, declared, globalVariables, ctx, p).resolveAll();
    if (pipelinesNode == null && !misspelt.contains("pipelines")) {
      p.warning(
          Nodes.pos(root),
          "no 'pipelines:': no job will run (add e.g. 'pipelines: {check: [build]}')");
    }
    Map<PipelineName, List<Located<String>>> pipelines = pipelines(pipelinesNode, p);
    boolean pipelinesRead =
        pipelinesNode != null
            && (Nodes.isNull(pipelinesNode) || pipelinesNode instanceof MappingNode);
    Map<PipelineName, List<String>> expanded =
        new ConfigChecks(decls, declared, resolved, p).check(pipelines, pipelinesRead);
    if (p.hasErrors()) {
      return Optional.empty();
    }
    Map<String, Job> jobs = new LinkedHashMap<>();
    resolved.forEach(r -> jobs.put(r.job().name(), r.job()));
    return Optional.of(new RepoConfig(jobs, expanded));
  }

  /** Reads the {@code jobs:} mapping of a repo config. */
  public static Map<String, JobDecl> jobs(Node jobsNode, Problems p) {
    return jobs(jobsNode, p, false);
  }

  /** Reads a mapping of jobs; base jobs of trusted config have names like {@code base/java}. */
  static Map<String, JobDecl> jobs(Node jobsNode, Problems p, boolean baseJobs) {
    Map<String, JobDecl> decls = new LinkedHashMap<>();
    Optional<MappingNode> jm = Nodes.mapping(jobsNode, baseJobs ? "'base_jobs'" : "'jobs'", p);
    if (jm.isEmpty()) {
      return decls;
    }
    List<Nodes.Entry> entries = Nodes.entries(jm.get(), p);
    if (entries.isEmpty() && !baseJobs) {
      p.error(Nodes.pos(jobsNode), "'jobs' is empty: declare at least one job");
    }
    for (Nodes.Entry e : entries) {
      if (baseJobs && !JobDeclParser.BASE_JOB_NAME.matcher(e.key()).matches()) {
        p.error(
            e.keyPos(),
            "bad base job name '"
                + e.key()
                + "': base jobs are named like 'base/java' (a '/' tells them from a repo's own"
                + " jobs)");
        continue;
      }
      if (!baseJobs && !JobDeclParser.JOB_NAME.matcher(e.key()).matches()) {
        p.error(
            e.keyPos(),
            "bad job name '" + e.key() + "': use up to 64 letters, digits, '.', '_' and '-'");
        continue;
      }
      if (Nodes.isNull(e.value())) {
        p.error(e.keyPos(), "job '" + e.key() + "' is empty: give it a 'run:' script");
        continue;
      }
      Nodes.mapping(e.value(), "job '" + e.key() + "'", p)
          .ifPresent(m -> decls.put(e.key(), JobDeclParser.parse(e.key(), e.keyPos(), m, p)));
    }
    return decls;
  }

  /**
   * Every name written under {@code jobs:}, including jobs too broken to read (so that naming them
   * elsewhere is not reported again as an unknown job).
   */
  private static Set<String> declaredNames(Node jobsNode, Map<String, JobDecl> decls) {
    Set<String> out = new HashSet<>(decls.keySet());
    if (jobsNode instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k) {
          out.add(k.getValue());
        }
      }
    }
    return out;
  }

  private static Map<PipelineName, List<Located<String>>> pipelines(Node node, Problems p) {
    Map<PipelineName, List<Located<String>>> out = new EnumMap<>(PipelineName.class);
    if (node == null || Nodes.isNull(node)) {
      return out;
    }
    Nodes.mapping(node, "'pipelines'", p)
        .ifPresent(
            m -> {
              for (Nodes.Entry e : Nodes.entries(m, p)) {
                Optional<PipelineName> name = PipelineName.parse(e.key());
                if (name.isEmpty()) {
                  p.error(
                      e.keyPos(),
                      "unknown pipeline '"
                          + e.key()
                          + "'"
                          + Suggest.hint(e.key(), PipelineName.ids())
                          + "; pipelines are "
                          + String.join(", ", PipelineName.ids()));
                  continue;
                }
                out.put(
                    name.get(),
                    Nodes.isNull(e.value())
                        ? List.of()
                        : Nodes.strings(e.value(), "pipeline '" + e.key() + "'", p));
              }
            });
    return out;
  }
}
