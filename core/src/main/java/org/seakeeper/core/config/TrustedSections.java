package org.seakeeper.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.model.ServerConfig;

/**
 * The trusted sections of one file as written: the server config, or the trusted config repo's file
 * (docs/contracts.md §2). {@code base_jobs} merge by name (a name defined in both files is an
 * error); {@code default_timeout}, {@code pipelines}, {@code gate} and {@code limits} are set in
 * one file only (both is an error). {@code images} come from the server file only; {@code secrets}
 * (encrypted to the server's public key) from the config repo's file only. Defaults apply only to
 * what neither file sets. Immutable.
 *
 * @param positions where each section or name was written (its key, like {@code "gate"}), to point
 *     problems of a merge at the config repo's file
 * @param secrets the config repo's encrypted secrets as written (never decrypted here)
 */
public record TrustedSections(
    Map<String, JobDecl> baseJobs,
    Map<String, String> images,
    Optional<Duration> defaultTimeout,
    Optional<ServerConfig.PipelineRules> pipelineRules,
    Optional<ServerConfig.Gate> gate,
    Optional<Limits> limits,
    Map<String, Pos> positions,
    List<ConfigSecretDecl> secrets) {
  /**
   * The operator's limits on what repo configs may ask for ({@code limits} in trusted config).
   *
   * @param jobsPerConfig most jobs one repo config may define after {@code matrix} expansion: 1 to
   *     {@link #MAX_JOBS_PER_CONFIG}, default {@link JobResolver#MAX_JOBS}
   */
  public record Limits(int jobsPerConfig) {
    /** The highest {@code jobs_per_config} an operator may set. */
    public static final int MAX_JOBS_PER_CONFIG = 10_000;

    public static final Limits DEFAULTS = new Limits(JobResolver.MAX_JOBS);

    public Limits {
      if (jobsPerConfig < 1 || jobsPerConfig > MAX_JOBS_PER_CONFIG) {
        throw new IllegalArgumentException(
            "jobsPerConfig must be between 1 and " + MAX_JOBS_PER_CONFIG + ": " + jobsPerConfig);
      }
    }
  }

  /**
   * The keys a trusted config repo's file may hold; every other server key stays in the server
   * file: connections, storage, executors, and {@code images}, which name host directories that
   * executors bind (the infrastructure operator's decision, fixed when executors start).
   */
  public static final List<String> KEYS =
      List.of("default_timeout", "base_jobs", "pipelines", "gate", "limits", "secrets");

  public static final TrustedSections EMPTY =
      new TrustedSections(
          Map.of(),
          Map.of(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Map.of(),
          List.of());

  public TrustedSections {
    baseJobs = Map.copyOf(baseJobs);
    images = Map.copyOf(images);
    positions = Map.copyOf(positions);
    secrets = List.copyOf(secrets);
  }

  /** Sections without secrets (the server file's). */
  public TrustedSections(
      Map<String, JobDecl> baseJobs,
      Map<String, String> images,
      Optional<Duration> defaultTimeout,
      Optional<ServerConfig.PipelineRules> pipelineRules,
      Optional<ServerConfig.Gate> gate,
      Optional<Limits> limits,
      Map<String, Pos> positions) {
    this(baseJobs, images, defaultTimeout, pipelineRules, gate, limits, positions, List.of());
  }

  /** The base jobs, images, default timeout and limits repo configs resolve against. */
  public TrustedContext context() {
    return new TrustedContext(
        false,
        baseJobs,
        images.keySet(),
        defaultTimeout.orElse(Duration.ofHours(1)),
        limitsOrDefaults().jobsPerConfig());
  }

  public Limits limitsOrDefaults() {
    return limits.orElse(Limits.DEFAULTS);
  }

  public ServerConfig.PipelineRules rules() {
    return pipelineRules.orElse(ServerConfig.PipelineRules.DEFAULTS);
  }

  public ServerConfig.Gate gateRules() {
    return gate.orElse(ServerConfig.Gate.DEFAULTS);
  }

  /**
   * The server file's sections plus the config repo's; every conflict and every broken base job of
   * {@code repo} is a problem at its position in the repo's file. Empty when there is an error.
   */
  public static Optional<TrustedSections> merge(
      TrustedSections server, TrustedSections repo, Problems p) {
    Map<String, JobDecl> jobs = new LinkedHashMap<>(server.baseJobs);
    Map<String, Pos> at = new LinkedHashMap<>(repo.positions);
    repo.baseJobs.forEach(
        (name, d) -> {
          if (jobs.putIfAbsent(name, d) != null) {
            p.error(
                d.namePos(),
                "base job '"
                    + name
                    + "' is already defined in the server config; define it in one place");
          }
        });
    Map<String, String> images = server.images; // host paths: the server file's only (see KEYS)
    Optional<Duration> timeout =
        single("default_timeout", server.defaultTimeout, repo.defaultTimeout, repo, p);
    Optional<ServerConfig.PipelineRules> rules =
        single("pipelines", server.pipelineRules, repo.pipelineRules, repo, p);
    Optional<ServerConfig.Gate> gate = single("gate", server.gate, repo.gate, repo, p);
    Optional<Limits> limits = single("limits", server.limits, repo.limits, repo, p);
    TrustedSections merged =
        new TrustedSections(
            jobs,
            images,
            timeout,
            rules,
            gate,
            limits,
            at,
            repo.secrets); // the server file has none
    repo.baseJobs.values().forEach(d -> merged.checkBaseJob(d, p));
    return p.hasErrors() ? Optional.empty() : Optional.of(merged);
  }

  private static <T> Optional<T> single(
      String key, Optional<T> server, Optional<T> repo, TrustedSections r, Problems p) {
    if (server.isPresent() && repo.isPresent()) {
      p.error(
          r.pos(key),
          "'"
              + key
              + "' is already set in the server config; set it in one place (the server file or the"
              + " config repo)");
      return server;
    }
    return server.or(() -> repo);
  }

  private Pos pos(String key) {
    return positions.getOrDefault(key, Pos.START);
  }

  /**
   * A base job of the config repo's file must resolve here: what it extends exists (and is a base
   * job, without a cycle) and its image is registered. Repo configs find the rest when they use it.
   */
  private void checkBaseJob(JobDecl d, Problems p) {
    if (d.image() != null && !context().knowsImage(d.image().value())) {
      p.error(
          d.image().pos(),
          "base job '"
              + d.name()
              + "' uses image '"
              + d.image().value()
              + "', which is not registered"
              + p.hint(d.image().value(), images.keySet()));
    }
    Set<String> seen = new HashSet<>();
    List<String> path = new ArrayList<>();
    JobDecl cur = d;
    while (cur != null && cur.extendsName() != null) {
      path.add(cur.name());
      if (!seen.add(cur.name())) {
        p.error(d.extendsName().pos(), "extends cycle: " + String.join(" -> ", path));
        return;
      }
      String parent = cur.extendsName().value();
      JobDecl next = baseJobs.get(parent);
      if (next == null) {
        p.error(
            d.extendsName().pos(),
            "base job '"
                + d.name()
                + "' extends unknown base job '"
                + parent
                + "'"
                + p.hint(parent, baseJobs.keySet()));
        return;
      }
      cur = next;
    }
  }
}
