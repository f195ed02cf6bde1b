package org.seakeeper.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.app.Wiring;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.config.TrustedSections;
import org.seakeeper.core.effect.Backoff;
import org.seakeeper.core.effect.ConnectionHealth;
import org.seakeeper.core.effect.EffectPorts;
import org.seakeeper.core.executor.TierExecutors;
import org.seakeeper.core.gate.GatePorts;
import org.seakeeper.core.gate.GateSettings;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.report.Reporter;
import org.seakeeper.core.scheduler.RepoAccess;
import org.seakeeper.core.scheduler.Scheduler;
import org.seakeeper.core.scheduler.SchedulerPorts;
import org.seakeeper.core.scheduler.SchedulerSettings;
import org.seakeeper.core.scheduler.TierPolicy;
import org.seakeeper.core.scheduler.TrustedConfig;
import org.seakeeper.core.scheduler.TrustedConfigSource;
import org.seakeeper.core.secret.SecretStore;
import org.seakeeper.core.store.LogStore;
import org.seakeeper.core.store.Store;
import org.seakeeper.gerrit.GerritConnection;
import org.seakeeper.gerrit.GerritEndpoint;
import org.seakeeper.gerrit.GerritRepoAccess;
import org.seakeeper.gerrit.GerritReporter;
import org.seakeeper.git.EmbargoRepos;
import org.seakeeper.git.JGitRepoAccess;
import org.seakeeper.git.LocalGitConnection;
import org.seakeeper.sandbox.BubblewrapExecutor;
import org.seakeeper.sandbox.HostUsers;
import org.seakeeper.sandbox.SandboxProbe;
import org.seakeeper.sandbox.SandboxSettings;
import org.seakeeper.secrets.SecretAdmin;
import org.seakeeper.store.FileLogStore;
import org.seakeeper.store.Stores;
import org.seakeeper.web.MicrometerSchedulerMetrics;
import org.seakeeper.web.WebServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Seakeeper server: store, connections, scheduler loop, executor and web, started in
 * order and stopped in reverse. Built only by {@link #start}; close to stop.
 */
public final class ServerRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerRuntime.class);
  private final List<AutoCloseable> parts = new ArrayList<>();
  private WebServer web;
  private Path adminTokenFile;
  private Store store;
  private TrustedConfigSource trustedSource;
  private final List<GerritConnection> gerritConnections = new ArrayList<>();
  private EffectPorts effects;

  /**
   * Longest a network call may take before it is abandoned (an outage, retried). Generous on
   * purpose: the adapters' own connect and read timeouts end a hung connection much sooner, and a
   * first fetch of a big repository may legitimately take minutes.
   */
  static final Duration CALL_TIMEOUT = Duration.ofMinutes(10);

  private ServerRuntime() {}

  /** Starts everything; on failure stops what was started and throws with a clear message. */
  public static ServerRuntime start(ServerConfig cfg, Clock clock) throws IOException {
    return start(cfg, clock, new LogReporter());
  }

  /** As {@link #start(ServerConfig, Clock)} with another reporter (tests inject faults here). */
  public static ServerRuntime start(ServerConfig cfg, Clock clock, Reporter reporter)
      throws IOException {
    return start(
        cfg,
        new TrustedContext(false, Map.of(), cfg.images().keySet(), cfg.defaultTimeout()),
        clock,
        reporter);
  }

  /**
   * As {@link #start(ServerConfig, TrustedSections, Clock, Reporter)} with the file's base jobs
   * only.
   */
  public static ServerRuntime start(
      ServerConfig cfg, TrustedContext trusted, Clock clock, Reporter reporter) throws IOException {
    return start(cfg, sectionsOf(cfg, trusted), clock, reporter);
  }

  /**
   * Starts everything with the trusted sections parsed from the same file (base jobs, and what the
   * file set); on failure stops what was started and throws with a clear message.
   */
  public static ServerRuntime start(
      ServerConfig cfg, TrustedSections trusted, Clock clock, Reporter reporter)
      throws IOException {
    ServerRuntime rt = new ServerRuntime();
    try {
      rt.startParts(cfg, trusted, clock, reporter);
      return rt;
    } catch (IOException | RuntimeException e) {
      rt.close();
      throw e;
    }
  }

  private void startParts(ServerConfig cfg, TrustedSections trusted, Clock clock, Reporter reporter)
      throws IOException {
    Path dataDir = Path.of(cfg.dataDir()).toAbsolutePath().normalize();
    Files.createDirectories(dataDir);
    adminTokenFile =
        cfg.adminTokenFile() == null
            ? dataDir.resolve("admin-token")
            : Path.of(cfg.adminTokenFile()).toAbsolutePath();
    String token = AdminToken.loadOrCreate(adminTokenFile);

    org.seakeeper.secrets.KeyFileSealer sealer = org.seakeeper.secrets.SecretKeys.sealer(cfg);
    org.seakeeper.store.JdbiStore sqlStore = Stores.open(cfg.store(), dataDir);
    store = sqlStore;
    parts.add(store);
    SecretStore secrets = sqlStore.secrets(sealer, clock);
    LogStore logs = new FileLogStore(dataDir);

    Map<String, Map<String, Path>> repoPaths = new LinkedHashMap<>();
    Map<String, GerritEndpoint> gerrits = new LinkedHashMap<>();
    Map<String, Path> gerritDirs = new LinkedHashMap<>();
    List<RepoRef> projects = new ArrayList<>();
    for (ServerConfig.Connection c : cfg.connections()) {
      if ("gerrit".equals(c.type())) {
        gerrits.put(c.name(), GerritEndpoint.of(c));
        gerritDirs.put(c.name(), LocalGitConnection.stateDir(dataDir, c.name()));
        // periodic runs: "*" is expanded to Gerrit's code projects once, at start
        gerrits
            .get(c.name())
            .periodicProjects(LOG::warn)
            .forEach(p -> projects.add(new RepoRef(c.name(), p)));
        continue;
      }
      Map<String, Path> m = new LinkedHashMap<>();
      for (ServerConfig.Repo r : c.repos()) {
        m.put(r.name(), Path.of(r.path()).toAbsolutePath().normalize());
        projects.add(new RepoRef(c.name(), r.name()));
      }
      repoPaths.put(c.name(), m);
    }
    GerritRepoAccess gerritRepos = new GerritRepoAccess(gerrits, gerritDirs);
    EmbargoRepos embargoRepos = new EmbargoRepos(dataDir.resolve("embargo").resolve("repos"));
    RepoAccess repos =
        new RoutedRepoAccess(new JGitRepoAccess(repoPaths), gerritRepos, embargoRepos);
    Reporter routed =
        new RoutedReporter(
            gerrits.keySet(),
            new GerritReporter(gerrits, cfg.http().publicUrl(), clock, reportStart(cfg)),
            reporter);

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // The built-in dependency cache (docs/contracts.md §8): each job gets a socket of its own.
    Optional<org.seakeeper.app.BuiltInCache> depCache =
        org.seakeeper.app.BuiltInCache.start(
            cfg.dependencyCache(),
            dataDir.resolve("deps"),
            org.seakeeper.app.BuiltInCache.offTiers(Optional.of(cfg)),
            registry);
    depCache.ifPresent(parts::add);
    org.seakeeper.sandbox.CacheAccess cacheAccess =
        depCache
            .<org.seakeeper.sandbox.CacheAccess>map(c -> c)
            .orElse(org.seakeeper.sandbox.CacheAccess.NONE);
    // One executor per tier, each with its own work directory and host user (docs/contracts.md §1).
    Map<Tier, BubblewrapExecutor> executors = new EnumMap<>(Tier.class);
    for (Tier t : Tier.values()) {
      BubblewrapExecutor executor =
          Wiring.bubblewrap(
              Optional.of(cfg),
              t,
              SandboxSettings.defaultWorkRoot().resolve(t.id()),
              dataDir.resolve("artifacts"),
              w -> LOG.warn("sandbox ({}): {}", t.id(), w),
              cacheAccess);
      parts.add(executor);
      executors.put(t, executor);
      SandboxProbe.check(executor, t);
    }

    SchedulerLoop loop = new SchedulerLoop();
    Map<Tier, Integer> slots = new EnumMap<>(Tier.class);
    cfg.executors().forEach((t, p) -> slots.put(t, p.maxParallel()));
    TrustedConfigLog trustedLog = new TrustedConfigLog(dataDir);
    // The config repo's secrets are decrypted with the server's key pair when its file is loaded;
    // the scheduler looks them up under the admin's store, which wins (LayeredSecretStore).
    org.seakeeper.secrets.RsaKeyFile serverKey = org.seakeeper.secrets.SecretKeys.serverKey(cfg);
    trustedSource =
        new TrustedConfigSource(
            trusted,
            cfg.configRepo(),
            repos,
            trustedLog.remembered(),
            trustedLog,
            new org.seakeeper.secrets.ConfigSecretCipher(serverKey));
    TrustedConfigSource source = trustedSource;
    SecretStore lookup =
        new org.seakeeper.core.secret.LayeredSecretStore(secrets, () -> source.current().secrets());
    TrustedConfig initial = trustedSource.current();
    SchedulerSettings settings =
        new SchedulerSettings(
            slots,
            initial.context(),
            tierPolicy(cfg).withReleaseTags(initial.releaseTags()),
            initial.periodic(),
            projects);
    // Network calls run away from the scheduler's thread, each with a deadline (decide, then act).
    WorkerCalls calls = new WorkerCalls();
    parts.add(calls);
    effects =
        new EffectPorts(
            calls, CALL_TIMEOUT, Backoff.DEFAULT, new LogIncidents(), new ConnectionHealth());
    for (ServerConfig.Connection c : cfg.connections()) {
      effects.health().known(c.name(), clock.instant());
    }
    MicrometerSchedulerMetrics metrics = new MicrometerSchedulerMetrics(registry);
    List<String> connectionNames =
        cfg.connections().stream().map(ServerConfig.Connection::name).toList();
    metrics.connections(effects.health(), connectionNames);
    Store counted = store;
    metrics.effectsPending(
        () -> counted.transaction(tx -> tx.outbox().pendingCounts()), connectionNames);
    metrics.quarantined(() -> counted.queries().quarantinedCount());
    // Artifacts kept by digest, provenance signed by a key outside data_dir (docs/contracts.md
    // §10).
    org.seakeeper.artifact.ProvenanceKeys provenanceKeys =
        org.seakeeper.artifact.ProvenanceKeys.of(cfg);
    // Contents under data_dir by default, or in an S3-compatible bucket (ADR 0006).
    org.seakeeper.artifact.ArtifactBlobs blobs;
    if (cfg.artifacts().s3().isPresent()) {
      org.seakeeper.artifact.S3Blobs s3 =
          org.seakeeper.artifact.S3Blobs.of(cfg.artifacts().s3().get());
      parts.add(s3);
      blobs = s3;
    } else {
      blobs =
          new org.seakeeper.artifact.FileBlobs(
              dataDir.resolve("artifacts").resolve("blobs"),
              org.seakeeper.artifact.FileBlobs.DEFAULT_RESERVE);
    }
    // Promotions into a channel with a deploy webhook are handed over to it, signed (HMAC-SHA256).
    org.seakeeper.artifact.DeployWebhooks webhooks =
        org.seakeeper.artifact.DeployWebhooks.of(
            cfg.channels(),
            sqlStore.artifacts(),
            URI.create(cfg.http().publicUrl()),
            clock,
            org.seakeeper.artifact.DeployWebhooks.DEFAULT_BACKOFF,
            Duration.ofSeconds(10),
            LOG::warn);
    parts.add(webhooks);
    // Keeping and promoting read a digest's content; retention deletes one: never both at once.
    java.util.concurrent.locks.ReadWriteLock artifactContents =
        new java.util.concurrent.locks.ReentrantReadWriteLock();
    org.seakeeper.artifact.ArtifactDesk artifactDesk =
        new org.seakeeper.artifact.ArtifactDesk(
            sqlStore.artifacts(),
            blobs,
            provenanceKeys,
            URI.create(cfg.http().publicUrl()),
            cfg.channels(),
            clock,
            Optional.of(webhooks),
            artifactContents);
    Scheduler scheduler =
        new Scheduler(
            new SchedulerPorts(
                    store, repos, TierExecutors.of(executors), logs, routed, metrics, lookup)
                .withEffects(effects)
                .withArtifacts(
                    new org.seakeeper.artifact.ServerArtifactKeeper(
                        dataDir.resolve("artifacts"),
                        blobs,
                        sqlStore.artifacts(),
                        provenanceKeys.signer(),
                        URI.create(cfg.http().publicUrl()),
                        clock,
                        LOG::warn,
                        artifactContents)),
            gatePorts(gerrits, gerritRepos),
            settings,
            trustedSource,
            clock,
            loop::wake);
    // Retention: old artifacts of each tier go, what the channels keep stays.
    parts.add(
        new org.seakeeper.artifact.Retention(
                sqlStore.artifacts(),
                blobs,
                cfg.retention(),
                cfg.channels(),
                clock,
                artifactContents,
                LOG::info)
            .start());
    scheduler.recover();
    loop.start(scheduler);
    parts.add(loop);

    InboxSink sink = new InboxSink(store, clock, loop::wake);
    for (ServerConfig.Connection c : cfg.connections()) {
      if (gerrits.containsKey(c.name())) {
        GerritConnection conn =
            new GerritConnection(gerrits.get(c.name()), gerritDirs.get(c.name()), sink, clock);
        conn.start();
        parts.add(conn);
        gerritConnections.add(conn);
        continue;
      }
      LocalGitConnection conn =
          new LocalGitConnection(
              c.name(), c.repos(), dataDir.resolve("connections").resolve(c.name()), sink);
      conn.start();
      parts.add(conn);
    }

    WebServer.Services services =
        new WebServer.Services(
            store.queries(),
            logs,
            loop,
            () -> token,
            URI.create(cfg.http().publicUrl()),
            registry,
            () -> status(cfg, loop, store),
            new SecretAdmin(cfg, secrets, serverKey));
    EmbargoService embargoes =
        new EmbargoService(
            store,
            embargoRepos,
            (c, p) -> served(repoPaths, gerrits, gerritRepos, repos, c, p),
            clock,
            loop::wake);
    web =
        new WebServer(services, embargoes, AccessWiring.settings(cfg, sqlStore, clock))
            .artifacts(artifactDesk)
            .start(cfg.http().bind(), cfg.http().port());
    parts.add(web);
  }

  /**
   * The repository an embargoed change of (connection, project) is based on: the served repo or
   * Gerrit mirror.
   */
  private static Optional<Path> served(
      Map<String, Map<String, Path>> local,
      Map<String, GerritEndpoint> gerrits,
      GerritRepoAccess gerritRepos,
      RepoAccess repos,
      String connection,
      String project) {
    if (gerrits.containsKey(connection)) {
      repos.resolve(
          new RepoRef(connection, project),
          "HEAD"); // brings the mirror up to date (throws for a project it does not serve)
      return Optional.of(gerritRepos.mirrorPath(new RepoRef(connection, project)));
    }
    return Optional.ofNullable(local.getOrDefault(connection, Map.of()).get(project));
  }

  /**
   * Which events start which pipeline in which tier: the release tag pattern, the protected
   * branches, the projects each connection serves, and each tier's network.
   */
  static TierPolicy tierPolicy(ServerConfig cfg) {
    Map<String, ServerConfig.Connection> byName = new LinkedHashMap<>();
    cfg.connections().forEach(c -> byName.put(c.name(), c));
    Map<Tier, Boolean> network = new EnumMap<>(Tier.class);
    cfg.executors().forEach((t, p) -> network.put(t, p.network().orElse(t.networkByDefault())));
    return new TierPolicy(
        Glob.of(cfg.pipelineRules().releaseTags()),
        cfg.pipelineRules().protectedRefs().stream().map(Glob::of).toList(),
        (connection, project) -> {
          ServerConfig.Connection c = byName.get(connection);
          if (c == null) {
            return false;
          }
          return "gerrit".equals(c.type())
              ? c.serves(project)
              : c.repos().stream().anyMatch(r -> r.name().equals(project));
        },
        network);
  }

  /** Gerrit connections with {@code report_start: true}: a message when a buildset starts. */
  static Set<String> reportStart(ServerConfig cfg) {
    return cfg.connections().stream()
        .filter(c -> "gerrit".equals(c.type()) && "true".equals(c.settings().get("report_start")))
        .map(ServerConfig.Connection::name)
        .collect(java.util.stream.Collectors.toSet());
  }

  /** The trusted gate rules, with shared queues turned into project → queue. */
  static GateSettings gateSettings(ServerConfig.Gate g) {
    return TrustedConfig.gateSettings(g);
  }

  /**
   * The trusted sections of a config known only as parsed values: what differs from the defaults
   * counts as set (the CLI passes the parser's sections instead, which know what the file set).
   */
  static TrustedSections sectionsOf(ServerConfig cfg, TrustedContext trusted) {
    return new TrustedSections(
        trusted.baseJobs(),
        cfg.images(),
        Optional.of(cfg.defaultTimeout()).filter(d -> !d.equals(Duration.ofHours(1))),
        Optional.of(cfg.pipelineRules())
            .filter(r -> !r.equals(ServerConfig.PipelineRules.DEFAULTS)),
        Optional.of(cfg.gate()).filter(g -> !g.equals(ServerConfig.Gate.DEFAULTS)),
        Optional.of(new TrustedSections.Limits(trusted.maxJobs()))
            .filter(l -> !l.equals(TrustedSections.Limits.DEFAULTS)),
        Map.of());
  }

  /** Gating needs a review system: only Gerrit connections have one (docs/contracts.md §4). */
  private static GatePorts gatePorts(Map<String, GerritEndpoint> gerrits, GerritRepoAccess access) {
    return gerrits.isEmpty()
        ? GatePorts.NONE
        : org.seakeeper.gerrit.GerritGate.ports(access, gerrits);
  }

  /**
   * Each connection's health for {@code GET /api/v1/status}: up, degraded or down, since when, the
   * last error, the effects (reports, submits) waiting for it.
   */
  private Map<String, Object> connectionHealth() {
    Map<String, Object> out = new LinkedHashMap<>();
    effects
        .health()
        .all()
        .forEach(
            (name, h) -> {
              Map<String, Object> c = new LinkedHashMap<>();
              c.put("state", h.state().id());
              c.put("since", h.since().toString());
              c.put("failures_in_a_row", h.failuresInARow());
              c.put("last_error", h.lastError().orElse(null));
              Map<String, Long> pending = new LinkedHashMap<>();
              store.transaction(tx -> tx.outbox().pendingCounts()).stream()
                  .filter(p -> p.connection().equals(name))
                  .forEach(p -> pending.put(p.kind().id(), p.count()));
              c.put("effects_pending", pending);
              out.put(name, c);
            });
    return out;
  }

  private Map<String, Object> status(ServerConfig cfg, SchedulerLoop loop, Store store) {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> tiers = new LinkedHashMap<>();
    cfg.executors()
        .forEach(
            (t, p) ->
                tiers.put(
                    t.id(),
                    Map.of(
                        "max_parallel",
                        p.maxParallel(),
                        "network",
                        t != Tier.UNTRUSTED && p.network().orElse(t.networkByDefault()),
                        "host_user",
                        HostUsers.isRoot()
                            ? HostUsers.userName(t)
                            : System.getProperty("user.name"))));
    m.put("tiers", tiers);
    m.put("tiers_separated_by_uid", HostUsers.isRoot());
    if (!HostUsers.isRoot()) {
      m.put(
          "warning",
          "Seakeeper runs as an ordinary user: every tier runs as that user (inside bubblewrap's"
              + " user namespace); tiers are not separated by uid");
    }
    if (trustedSource.repo().isPresent()) {
      m.put("trusted_config_repo", trustedSource.status());
    }
    Map<org.seakeeper.core.build.BuildStatus, Long> visible =
        store.queries().publicView().countByStatus(); // no embargoed builds (docs/contracts.md §6)
    m.put("running", visible.getOrDefault(org.seakeeper.core.build.BuildStatus.RUNNING, 0L));
    m.put("queues", loop.gateQueues());
    // Events set aside after failing again and again (docs/server.md, "Quarantined events").
    m.put(
        "quarantined_events",
        org.seakeeper.web.QuarantineJson.summary(
            store.queries(), org.seakeeper.web.QuarantineJson.IN_STATUS));
    Map<String, Long> counts = new LinkedHashMap<>();
    visible.forEach((k, v) -> counts.put(k.id(), v));
    m.put("builds_by_status", counts);
    Map<String, Object> health = connectionHealth();
    m.put(
        "connections",
        cfg.connections().stream()
            .map(
                c ->
                    Map.of(
                        "name",
                        c.name(),
                        "type",
                        c.type(),
                        "projects",
                        "gerrit".equals(c.type())
                            ? c.projects()
                            : c.repos().stream().map(ServerConfig.Repo::name).toList(),
                        "health",
                        health.getOrDefault(c.name(), Map.of()),
                        "url", // the review system's web address, for the pages' links back
                        c.settings().getOrDefault("url", "")))
            .toList());
    return m;
  }

  public int port() {
    return web.port();
  }

  /** Waits until every Gerrit connection streams events (caught up); false on timeout. */
  public boolean awaitGerritStreaming(Duration limit) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    for (GerritConnection c : gerritConnections) {
      if (!c.awaitStreaming(Duration.ofNanos(Math.max(0, end - System.nanoTime())))) {
        return false;
      }
    }
    return true;
  }

  public Path adminTokenFile() {
    return adminTokenFile;
  }

  @Override
  public void close() {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", parts.get(i).getClass().getSimpleName(), e.toString());
      }
    }
    parts.clear();
  }
}
