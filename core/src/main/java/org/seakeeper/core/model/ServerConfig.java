package org.seakeeper.core.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator's trusted config (docs/contracts.md §3), as far as the current code uses it.
 * Immutable; produced only by the server config parser when the file has no errors.
 *
 * @param images operator-registered root filesystems, by name
 * @param baseJobNames names of base jobs (the parsed declarations live in the trusted context)
 * @param configRepo the trusted config repo, when one is declared ({@code config_repo})
 * @param provenance the provenance signer's key files (docs/contracts.md §10)
 * @param channels the release channels artifacts are promoted into, in order (docs/contracts.md
 *     §10); none: nothing can be promoted
 */
public record ServerConfig(
    String dataDir,
    Http http,
    String adminTokenFile,
    Map<Tier, Pool> executors,
    List<Connection> connections,
    Store store,
    Duration defaultTimeout,
    Map<String, String> images,
    List<String> baseJobNames,
    PipelineRules pipelineRules,
    Gate gate,
    Optional<ConfigRepo> configRepo,
    Secrets secrets,
    DependencyCache dependencyCache,
    Provenance provenance,
    List<Channel> channels,
    Retention retention,
    Auth auth,
    Artifacts artifacts) {
  public ServerConfig {
    channels = List.copyOf(channels);
    java.util.Objects.requireNonNull(auth);
    executors = Map.copyOf(executors);
    connections = List.copyOf(connections);
    images = Map.copyOf(images);
    baseJobNames = List.copyOf(baseJobNames);
  }

  /**
   * People, roles and private projects (docs/contracts.md §9, docs/roles.md).
   *
   * @param oidc the OpenID provider people log in with; empty: no login, only tokens
   * @param grants roles from trusted config, one subject each ({@code who} lists are expanded)
   * @param privateProjects projects invisible (404) to anyone without a role on them
   * @param sessionTtl how long a login session lasts
   */
  public record Auth(
      Optional<Oidc> oidc,
      List<Grant> grants,
      java.util.Set<String> privateProjects,
      Duration sessionTtl) {
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(8);
    public static final Auth NONE =
        new Auth(Optional.empty(), List.of(), java.util.Set.of(), DEFAULT_SESSION_TTL);

    public Auth {
      grants = List.copyOf(grants);
      privateProjects = java.util.Set.copyOf(privateProjects);
    }
  }

  /**
   * An OpenID Connect provider (authorization code flow with PKCE).
   *
   * @param issuer the provider's issuer URL; its {@code /.well-known/openid-configuration} is read
   * @param clientSecretFile a file holding the client secret; empty: a public client (PKCE only)
   * @param groupsClaim the ID token claim listing the person's groups (default {@code groups})
   * @param userClaim the claim naming the person (default {@code preferred_username}, else {@code
   *     sub})
   */
  public record Oidc(
      String issuer,
      String clientId,
      Optional<String> clientSecretFile,
      String groupsClaim,
      String userClaim) {}

  /**
   * Trusted pipeline rules (docs/contracts.md §1): when {@code periodic} runs (cron, UTC), which
   * tags start {@code release} (a glob on the tag name), and which branches are protected refs
   * (globs on the full ref name; only their updates start {@code post} and {@code periodic}).
   */
  public record PipelineRules(String periodicCron, String releaseTags, List<String> protectedRefs) {
    /** Every branch is protected unless the operator lists some. */
    public static final List<String> ALL_BRANCHES = List.of("refs/heads/**");

    public static final PipelineRules DEFAULTS = new PipelineRules("0 3 * * *", "v*");

    public PipelineRules {
      protectedRefs = List.copyOf(protectedRefs);
    }

    public PipelineRules(String periodicCron, String releaseTags) {
      this(periodicCron, releaseTags, ALL_BRANCHES);
    }
  }

  /**
   * Trusted gate rules (docs/contracts.md §4): the approvals a change needs to enter the gate (with
   * a passed check), the queues projects share (queue name to projects), and the initial window.
   */
  public record Gate(
      Map<String, Integer> approvals, Map<String, List<String>> sharedQueues, int window) {
    public static final Gate DEFAULTS = new Gate(Map.of("Code-Review", 2), Map.of(), 20);

    public Gate {
      approvals = Map.copyOf(approvals);
      sharedQueues = Map.copyOf(sharedQueues);
    }
  }

  /**
   * Where secret values are encrypted at rest (docs/contracts.md §1, §5).
   *
   * @param keyFile the AES-256 key file, which must lie outside {@code data_dir}; empty: the
   *     default {@code $XDG_CONFIG_HOME/seakeeper/secrets.key} (else {@code
   *     ~/.config/seakeeper/secrets.key}), created on first use
   */
  /**
   * The provenance signer (docs/contracts.md §10): its Ed25519 key file (default beside the secrets
   * key file, outside {@code data_dir}), and the public keys of retired signing keys, published so
   * that what they signed stays verifiable.
   */
  public record Provenance(Optional<String> keyFile, List<String> retiredKeys) {
    public static final Provenance DEFAULTS = new Provenance(Optional.empty(), List.of());

    public Provenance {
      retiredKeys = List.copyOf(retiredKeys);
    }
  }

  /**
   * Where artifact contents are kept (ADR 0006): {@code file} ({@code data_dir/artifacts/blobs},
   * the default) or {@code s3}, an S3-compatible object store.
   */
  public record Artifacts(String store, Optional<S3> s3) {
    public static final Artifacts DEFAULTS = new Artifacts("file", Optional.empty());
  }

  /**
   * An S3-compatible bucket: path-style requests to {@code endpoint}, each content at the key
   * {@code prefix + sha256}; the access key id and the secret access key are read from files (never
   * written in the config).
   */
  public record S3(
      String endpoint,
      String region,
      String bucket,
      String prefix,
      String accessKeyFile,
      String secretKeyFile) {}

  /**
   * A release channel (docs/server.md, "Channels and promotion").
   *
   * @param from the channel an artifact must have been promoted into before (empty: any verified
   *     trusted or privileged artifact may enter)
   * @param requiresPassed {@code requires: passed}: the digest's latest promotion into {@code from}
   *     must have a passed deploy step (its webhook receiver, or whoever deployed it, reported
   *     {@code passed})
   * @param deploy the deploy hand-over: a webhook signed by the server, called on each promotion
   *     into this channel
   * @param keep how many of the latest distinct digests promoted into this channel retention keeps
   *     whatever their age (empty: every digest ever promoted into it)
   */
  public record Channel(
      String name,
      Optional<String> from,
      boolean requiresPassed,
      Optional<Webhook> deploy,
      Optional<Integer> keep) {
    public Channel {
      Objects.requireNonNull(name);
      Objects.requireNonNull(from);
      Objects.requireNonNull(deploy);
      Objects.requireNonNull(keep);
    }

    public Channel(String name, Optional<String> from) {
      this(name, from, false, Optional.empty(), Optional.empty());
    }
  }

  /**
   * A deploy webhook: where promotions are posted, and the file holding the HMAC-SHA256 key the
   * body is signed with (created, 0600, on first start when missing).
   */
  public record Webhook(String url, String secretFile) {}

  /**
   * How long kept artifacts stay (docs/server.md, "Retention"): per tier, the age after which a
   * record and, once no record names it, its content are deleted, unless a channel keeps the
   * digest; absent tiers keep everything. The sweep runs every {@code every}.
   */
  public record Retention(Map<Tier, Duration> maxAge, Duration every) {
    public static final Duration DEFAULT_EVERY = Duration.ofHours(1);
    public static final Retention KEEP_ALL = new Retention(Map.of(), DEFAULT_EVERY);

    public Retention {
      maxAge = Map.copyOf(maxAge);
      Objects.requireNonNull(every);
    }
  }

  public record Secrets(Optional<String> keyFile) {
    public static final Secrets DEFAULTS = new Secrets(Optional.empty());
  }

  /**
   * The built-in read-through dependency cache (docs/contracts.md §8), on unless the operator
   * writes {@code dependency_cache: false}.
   *
   * @param dir empty for {@code DATA_DIR/deps}
   * @param maven Maven repositories, tried in order
   */
  public record DependencyCache(
      boolean enabled,
      Optional<String> dir,
      long maxSizeBytes,
      List<String> maven,
      String npm,
      String pypi) {
    public static final long DEFAULT_MAX_SIZE = 20L << 30;
    public static final List<String> MAVEN_CENTRAL =
        List.of("https://repo.maven.apache.org/maven2/");
    public static final String NPM_REGISTRY = "https://registry.npmjs.org/";
    public static final String PYPI_SIMPLE = "https://pypi.org/simple/";
    public static final DependencyCache DEFAULTS =
        new DependencyCache(
            true, Optional.empty(), DEFAULT_MAX_SIZE, MAVEN_CENTRAL, NPM_REGISTRY, PYPI_SIMPLE);
    public static final DependencyCache OFF =
        new DependencyCache(
            false, Optional.empty(), DEFAULT_MAX_SIZE, MAVEN_CENTRAL, NPM_REGISTRY, PYPI_SIMPLE);

    public DependencyCache {
      maven = List.copyOf(maven);
    }
  }

  /** Where the web UI and API listen and the address links point to. */
  public record Http(int port, String bind, String publicUrl) {}

  /**
   * An executor pool of one tier.
   *
   * @param network empty for the tier's default (untrusted: never)
   * @param dependencyCache the unix socket of an operator's own dependency cache or proxy, bound
   *     into every job of the tier instead of the built-in cache (the CACHEDEPS seam); the only way
   *     out of an untrusted sandbox
   * @param dependencyCacheOff {@code dependency_cache: false}: this tier's jobs get no cache
   */
  public record Pool(
      int maxParallel,
      long memoryBytes,
      int pidsMax,
      Optional<Boolean> network,
      Optional<String> dependencyCache,
      boolean dependencyCacheOff) {
    public Pool(int maxParallel, long memoryBytes, int pidsMax, Optional<Boolean> network) {
      this(maxParallel, memoryBytes, pidsMax, network, Optional.empty(), false);
    }
  }

  /**
   * A source of events: a local git connection or a Gerrit.
   *
   * @param settings scalar keys as written ({@code url}, {@code user}, {@code http_password_file},
   *     {@code http_password})
   * @param projects the Gerrit projects served ({@code "*"} for all); empty for git connections
   * @param ssh where a Gerrit's {@code stream-events} is reached; empty for git connections
   */
  public record Connection(
      String name,
      String type,
      List<Repo> repos,
      Map<String, String> settings,
      List<String> projects,
      Optional<Ssh> ssh) {
    public Connection {
      repos = List.copyOf(repos);
      settings = Map.copyOf(settings);
      projects = List.copyOf(projects);
    }

    /** A connection without Gerrit parts (a git connection). */
    public Connection(String name, String type, List<Repo> repos, Map<String, String> settings) {
      this(name, type, repos, settings, List.of(), Optional.empty());
    }

    /** Whether this connection serves {@code project} ({@code "*"} serves every project). */
    public boolean serves(String project) {
      return projects.contains("*") || projects.contains(project);
    }
  }

  /** The SSH endpoint of a Gerrit and the private key of its CI account. */
  public record Ssh(String host, int port, String key) {}

  /**
   * The trusted config repo (docs/contracts.md §2): a served repo whose file {@code path} on {@code
   * branch}, as merged, holds more trusted sections. Proposed changes to it are validated, never
   * run.
   */
  public record ConfigRepo(String connection, String project, String branch, String path) {
    public static final String DEFAULT_BRANCH = "main";
    public static final String DEFAULT_PATH = "seakeeper.yaml";

    /** The full name of the branch whose tip is read. */
    public String ref() {
      return "refs/heads/" + branch;
    }
  }

  /** A repository served by a local git connection. */
  public record Repo(String name, String path) {}

  /** The database. */
  public record Store(
      String type, Optional<String> url, Optional<String> user, Optional<String> passwordFile) {}
}
