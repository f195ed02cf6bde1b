package org.seakeeper.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.seakeeper.core.model.Cron;
import org.seakeeper.core.model.RefNames;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads the server config (docs/contracts.md §3), collecting every problem; an empty file gives the
 * built-in defaults. Also yields the {@link TrustedContext} repo configs are checked against.
 * Stateless and thread-safe.
 */
public final class ServerConfigParser {
  static final List<String> TOP =
      List.of(
          "data_dir",
          "http",
          "admin_token_file",
          "executors",
          "repos",
          "connections",
          "store",
          "default_timeout",
          "images",
          "base_jobs",
          "pipelines",
          "gate",
          "limits",
          "config_repo",
          "secrets",
          "protected_refs",
          "dependency_cache",
          "provenance",
          "channels",
          "auth",
          "private_projects",
          "retention",
          "artifacts");
  static final List<String> CONFIG_REPO = List.of("connection", "project", "branch", "path");
  static final List<String> HTTP = List.of("port", "bind", "public_url");
  static final List<String> POOL =
      List.of("max_parallel", "memory", "pids", "network", "dependency_cache");
  static final List<String> LIMITS = List.of("jobs_per_config");
  static final List<String> STORE = List.of("type", "url", "user", "password_file", "password");
  static final Pattern MEMORY = Pattern.compile("(\\d{1,6})([kmg])", Pattern.CASE_INSENSITIVE);

  /**
   * The outcome: config, trusted context and the file's trusted sections as written (to merge a
   * config repo's with) when there is no error, and every problem.
   */
  public record Result(
      Optional<ServerConfig> config,
      Optional<TrustedContext> trusted,
      Optional<TrustedSections> sections,
      List<Problem> problems) {
    public Result {
      problems = List.copyOf(problems);
    }
  }

  /**
   * The outcome of reading a trusted config repo's file.
   *
   * @param read what could be read, even with errors (to find more problems in one pass)
   */
  public record SectionsResult(TrustedSections read, List<Problem> problems) {
    public SectionsResult {
      problems = List.copyOf(problems);
    }

    /** The sections when the file has no error. */
    public Optional<TrustedSections> sections() {
      return problems.stream().anyMatch(Problem::isError) ? Optional.empty() : Optional.of(read);
    }
  }

  private ServerConfigParser() {}

  public static Result parse(byte[] bytes) {
    Problems p = new Problems();
    Optional<Node> root = bytes.length == 0 ? Optional.empty() : YamlLoader.load(bytes, p);
    if (p.hasErrors()) {
      return new Result(Optional.empty(), Optional.empty(), Optional.empty(), p.sorted());
    }
    Builder b = new Builder(p, false);
    root.filter(n -> !Nodes.isNull(n))
        .flatMap(n -> Nodes.mapping(n, "the server config", p))
        .ifPresent(b::read);
    if (p.hasErrors()) {
      return new Result(Optional.empty(), Optional.empty(), Optional.empty(), p.sorted());
    }
    ServerConfig c = b.build();
    TrustedContext t =
        new TrustedContext(
            false, b.baseJobs, c.images().keySet(), c.defaultTimeout(), b.limits.jobsPerConfig());
    return new Result(Optional.of(c), Optional.of(t), Optional.of(b.sections()), p.sorted());
  }

  /**
   * Reads a trusted config repo's file (docs/contracts.md §2): only the trusted sections ({@link
   * TrustedSections#KEYS}); connections, storage, executors and the like stay in the server file.
   * An empty file holds no sections.
   */
  public static SectionsResult parseSections(byte[] bytes) {
    Problems p = new Problems();
    Optional<Node> root = bytes.length == 0 ? Optional.empty() : YamlLoader.load(bytes, p);
    if (p.hasErrors()) {
      return new SectionsResult(TrustedSections.EMPTY, p.sorted());
    }
    Builder b = new Builder(p, true);
    root.filter(n -> !Nodes.isNull(n))
        .flatMap(n -> Nodes.mapping(n, "the trusted config", p))
        .ifPresent(b::read);
    return new SectionsResult(b.sections(), p.sorted());
  }

  /** Parses "512m", "4g" into bytes. */
  public static Optional<Long> memory(String s) {
    var m = MEMORY.matcher(s.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    int shift =
        switch (Character.toLowerCase(m.group(2).charAt(0))) {
          case 'k' -> 10;
          case 'm' -> 20;
          default -> 30;
        };
    return Optional.of(n << shift);
  }

  private static final class Builder {
    final Problems p;
    String dataDir = "./data";
    ServerConfig.Http http = new ServerConfig.Http(8080, "127.0.0.1", "http://127.0.0.1:8080/");
    String adminTokenFile = null;
    final Map<Tier, ServerConfig.Pool> executors = new EnumMap<>(Tier.class);
    final List<ServerConfig.Connection> connections = new ArrayList<>();
    ServerConfig.Store store =
        new ServerConfig.Store("h2", Optional.empty(), Optional.empty(), Optional.empty());
    Duration defaultTimeout = Duration.ofHours(1);
    ServerConfig.PipelineRules rules = ServerConfig.PipelineRules.DEFAULTS;
    ServerConfig.Gate gate = ServerConfig.Gate.DEFAULTS;
    TrustedSections.Limits limits = TrustedSections.Limits.DEFAULTS;
    ServerConfig.Secrets secrets = ServerConfig.Secrets.DEFAULTS;
    ServerConfig.DependencyCache dependencyCache = ServerConfig.DependencyCache.DEFAULTS;
    final ArtifactSectionsParser artifactSections;
    final Map<String, String> images = new LinkedHashMap<>();
    Map<String, JobDecl> baseJobs = new LinkedHashMap<>();
    Optional<ServerConfig.ConfigRepo> configRepo = Optional.empty();
    List<ConfigSecretDecl> configSecrets = List.of();
    final boolean sectionsOnly;
    Node authNode = null;
    ServerConfig.Auth auth = ServerConfig.Auth.NONE;
    final java.util.Set<String> privateProjects = new java.util.LinkedHashSet<>();

    /** Where each top-level key was written (see {@link TrustedSections#positions}). */
    final Map<String, Pos> positions = new LinkedHashMap<>();

    Builder(Problems p, boolean sectionsOnly) {
      this.p = p;
      this.artifactSections = new ArtifactSectionsParser(p);
      this.sectionsOnly = sectionsOnly;
      for (Tier t : Tier.values()) {
        executors.put(
            t,
            new ServerConfig.Pool(t == Tier.PRIVILEGED ? 1 : 2, 4L << 30, 4096, Optional.empty()));
      }
    }

    void read(MappingNode m) {
      List<ServerConfig.Repo> shorthand = new ArrayList<>();
      Node configRepoNode = null;
      for (Nodes.Entry e : Nodes.entries(m, p)) {
        Node v = e.value();
        if (sectionsOnly && !TrustedSections.KEYS.contains(e.key())) {
          p.error(
              e.keyPos(),
              (TOP.contains(e.key())
                      ? "'" + e.key() + "' belongs in the server config file only"
                      : "unknown key '"
                          + e.key()
                          + "'"
                          + Suggest.hint(e.key(), TrustedSections.KEYS))
                  + "; the trusted config repo holds "
                  + TrustedSections.KEYS);
          continue;
        }
        positions.put(e.key(), e.keyPos());
        switch (e.key()) {
          case "data_dir" -> Nodes.string(v, "'data_dir'", p).ifPresent(s -> dataDir = s);
          case "http" -> http(v);
          case "admin_token_file" ->
              Nodes.string(v, "'admin_token_file'", p).ifPresent(s -> adminTokenFile = s);
          case "executors" -> executors(v);
          case "repos" -> shorthand.addAll(repos(v, "'repos'"));
          case "connections" -> connections(v);
          case "store" -> store(v);
          case "default_timeout" ->
              Nodes.scalarText(v, "'default_timeout'", p)
                  .ifPresent(
                      s ->
                          Durations.parse(s)
                              .filter(d -> !d.isZero())
                              .ifPresentOrElse(
                                  d -> defaultTimeout = d,
                                  () ->
                                      p.error(
                                          Nodes.pos(v),
                                          "bad duration '"
                                              + s
                                              + "' for 'default_timeout': write it like 90s, 10m or"
                                              + " 1h30m")));
          case "images" -> images(v);
          case "pipelines" -> pipelineRules(v);
          case "gate" -> gate(v);
          case "limits" -> limits(v);
          case "secrets" -> {
            if (sectionsOnly) {
              configSecrets = ConfigSecretsParser.parse(v, p);
            } else {
              secrets(v);
            }
          }
          case "protected_refs" -> protectedRefs(v);
          case "dependency_cache" -> dependencyCache = DependencyCacheParser.builtIn(v, p);
          case "provenance" -> artifactSections.provenance(v);
          case "channels" -> artifactSections.channels(v);
          case "retention" -> artifactSections.retention(v);
          case "artifacts" -> artifactSections.artifacts(v);
          case "base_jobs" -> baseJobs = RepoConfigParser.jobs(v, p, true);
          case "config_repo" -> configRepoNode = v;
          case "auth" -> authNode = v;
          case "private_projects" -> privateProjects.addAll(AuthParser.privateProjects(v, p));
          default ->
              p.error(
                  e.keyPos(),
                  "unknown key '"
                      + e.key()
                      + "'"
                      + Suggest.hint(e.key(), TOP)
                      + "; expected one of "
                      + TOP);
        }
      }
      baseJobs
          .values()
          .forEach(
              d -> {
                if (d.extendsName() != null && !d.extendsName().value().contains("/")) {
                  p.error(
                      d.extendsName().pos(),
                      "base job '"
                          + d.name()
                          + "' extends '"
                          + d.extendsName().value()
                          + "': base jobs may only extend other base jobs (names with '/'), never a"
                          + " repo's own jobs");
                }
              });
      if (!shorthand.isEmpty() && connections.stream().anyMatch(c -> c.name().equals("local"))) {
        p.error(
            Nodes.pos(m),
            "'repos' is the shorthand for the connection named 'local', and 'connections' defines"
                + " 'local' too");
      } else if (!shorthand.isEmpty()) {
        connections.addFirst(new ServerConfig.Connection("local", "git", shorthand, Map.of()));
      }
      if (configRepoNode != null) {
        configRepo = ConfigRepoParser.parse(configRepoNode, connections, p);
      }
      if (!sectionsOnly) {
        auth = AuthParser.parse(authNode, privateProjects, p);
      }
    }

    /** The trusted sections as written (defaults left out). */
    TrustedSections sections() {
      return new TrustedSections(
          baseJobs,
          images,
          opt("default_timeout", defaultTimeout),
          opt("pipelines", rules),
          opt("gate", gate),
          opt("limits", limits),
          positions,
          configSecrets);
    }

    private <T> Optional<T> opt(String key, T value) {
      return positions.containsKey(key) ? Optional.of(value) : Optional.empty();
    }

    void http(Node v) {
      Nodes.mapping(v, "'http'", p)
          .ifPresent(
              m -> {
                int port = http.port();
                String bind = http.bind();
                String url = null;
                for (Nodes.Entry e : Nodes.entries(m, p)) {
                  switch (e.key()) {
                    case "port" -> {
                      Optional<Integer> n = Nodes.integer(e.value(), "'http.port'", p);
                      if (n.isPresent() && (n.get() < 1 || n.get() > 65535)) {
                        p.error(Nodes.pos(e.value()), "'http.port' must be between 1 and 65535");
                      }
                      port = n.filter(x -> x > 0 && x < 65536).orElse(port);
                    }
                    case "bind" -> bind = Nodes.string(e.value(), "'http.bind'", p).orElse(bind);
                    case "public_url" ->
                        url = Nodes.string(e.value(), "'http.public_url'", p).orElse(null);
                    default -> unknown(e, "http", HTTP);
                  }
                }
                http =
                    new ServerConfig.Http(
                        port, bind, url != null ? url : "http://" + bind + ":" + port + "/");
              });
    }

    void executors(Node v) {
      Nodes.mapping(v, "'executors'", p)
          .ifPresent(
              m -> {
                for (Nodes.Entry e : Nodes.entries(m, p)) {
                  Optional<Tier> tier =
                      java.util.Arrays.stream(Tier.values())
                          .filter(t -> t.id().equals(e.key()))
                          .findFirst();
                  if (tier.isEmpty()) {
                    p.error(
                        e.keyPos(),
                        "unknown tier '"
                            + e.key()
                            + "'"
                            + Suggest.hint(e.key(), List.of("untrusted", "trusted", "privileged"))
                            + "; tiers are untrusted, trusted, privileged");
                    continue;
                  }
                  executors.put(tier.get(), pool(e.value(), executors.get(tier.get()), e.key()));
                }
              });
    }

    ServerConfig.Pool pool(Node v, ServerConfig.Pool d, String tier) {
      Optional<MappingNode> m = Nodes.mapping(v, "'executors." + tier + "'", p);
      if (m.isEmpty()) {
        return d;
      }
      int max = d.maxParallel();
      long mem = d.memoryBytes();
      int pids = d.pidsMax();
      Optional<Boolean> net = d.network();
      Optional<String> cache = d.dependencyCache();
      boolean cacheOff = d.dependencyCacheOff();
      for (Nodes.Entry e : Nodes.entries(m.get(), p)) {
        String what = "'executors." + tier + "." + e.key() + "'";
        switch (e.key()) {
          case "max_parallel" ->
              max = Nodes.integer(e.value(), what, p).filter(n -> positive(n, e, what)).orElse(max);
          case "memory" ->
              mem =
                  Nodes.scalarText(e.value(), what, p)
                      .flatMap(
                          s ->
                              memory(s)
                                  .or(
                                      () -> {
                                        p.error(
                                            Nodes.pos(e.value()),
                                            "bad size '"
                                                + s
                                                + "' for "
                                                + what
                                                + ": write it like 512m or 4g");
                                        return Optional.empty();
                                      }))
                      .orElse(mem);
          case "pids" ->
              pids =
                  Nodes.integer(e.value(), what, p).filter(n -> positive(n, e, what)).orElse(pids);
          case "network" -> {
            if ("untrusted".equals(tier)) {
              p.error(
                  e.keyPos(),
                  "the untrusted tier never has a network (docs/contracts.md §1: no network except"
                      + " an allow-listed cache)");
            } else {
              net =
                  Optional.of(
                      Boolean.parseBoolean(Nodes.scalarText(e.value(), what, p).orElse("true")));
            }
          }
          case "dependency_cache" -> {
            if (Nodes.isScalar(e.value())) {
              Optional<String> b = Nodes.scalarText(e.value(), what, p);
              if (b.isPresent() && b.get().equals("false")) {
                cacheOff = true;
              } else if (b.isPresent() && !b.get().equals("true")) {
                p.error(
                    Nodes.pos(e.value()),
                    what
                        + " is false (no cache for this tier), true (the built-in cache) or"
                        + " {socket: PATH} (an operator's own cache), not '"
                        + b.get()
                        + "'");
              }
            } else {
              cache = dependencyCache(e, what);
            }
          }
          default -> unknown(e, "executors." + tier, POOL);
        }
      }
      return new ServerConfig.Pool(max, mem, pids, net, cache, cacheOff);
    }

    /**
     * {@code {socket: /absolute/path.sock}}: the unix socket of an allow-listed dependency cache.
     */
    Optional<String> dependencyCache(Nodes.Entry e, String what) {
      Optional<MappingNode> m = Nodes.mapping(e.value(), what, p);
      if (m.isEmpty()) {
        return Optional.empty();
      }
      Optional<String> socket = Optional.empty();
      boolean seen = false;
      for (Nodes.Entry c : Nodes.entries(m.get(), p)) {
        seen |= c.key().equals("socket");
        if (!c.key().equals("socket")) {
          unknown(c, what.substring(1, what.length() - 1), List.of("socket"));
          continue;
        }
        socket = Nodes.string(c.value(), what.substring(0, what.length() - 1) + ".socket'", p);
        if (socket.isPresent() && !socket.get().startsWith("/")) {
          p.error(
              Nodes.pos(c.value()),
              "the dependency cache socket must be an absolute path, not '" + socket.get() + "'");
          socket = Optional.empty();
        }
      }
      if (!seen) {
        p.error(
            Nodes.pos(e.value()),
            what + " needs 'socket': the absolute path of the cache's unix socket");
      }
      return socket;
    }

    boolean positive(int n, Nodes.Entry e, String what) {
      if (n < 1) {
        p.error(Nodes.pos(e.value()), what + " must be at least 1");
        return false;
      }
      return true;
    }

    List<ServerConfig.Repo> repos(Node v, String what) {
      List<ServerConfig.Repo> out = new ArrayList<>();
      Nodes.list(v, what, p)
          .ifPresent(
              items -> {
                for (Node item : items) {
                  Nodes.mapping(item, "each item of " + what, p)
                      .ifPresent(
                          m -> {
                            String name = null;
                            String path = null;
                            boolean hidden = false;
                            for (Nodes.Entry e : Nodes.entries(m, p)) {
                              switch (e.key()) {
                                case "name" ->
                                    name = Nodes.string(e.value(), "'name'", p).orElse(null);
                                case "path" ->
                                    path = Nodes.string(e.value(), "'path'", p).orElse(null);
                                case "private" ->
                                    hidden =
                                        AuthParser.bool(e.value(), "'private'", p).orElse(false);
                                default -> unknown(e, "a repo", List.of("name", "path", "private"));
                              }
                            }
                            if (name == null || path == null) {
                              p.error(Nodes.pos(item), "a repo needs a 'name' and a 'path'");
                            } else {
                              out.add(new ServerConfig.Repo(name, path));
                              if (hidden) {
                                privateProjects.add(name);
                              }
                            }
                          });
                }
              });
      return out;
    }

    void connections(Node v) {
      Nodes.list(v, "'connections'", p)
          .ifPresent(
              items -> {
                for (Node item : items) {
                  Nodes.mapping(item, "each connection", p)
                      .flatMap(m -> ConnectionParser.parse(item, m, p, v2 -> repos(v2, "'repos'")))
                      .ifPresent(
                          c -> {
                            if (connections.stream().anyMatch(o -> o.name().equals(c.name()))) {
                              p.error(
                                  Nodes.pos(item),
                                  "connection '"
                                      + c.name()
                                      + "' is defined twice; connection names must be unique");
                            } else if (c.name()
                                .equals(org.seakeeper.core.event.TriggerEvent.EMBARGOED)) {
                              p.error(
                                  Nodes.pos(item),
                                  "the connection name '"
                                      + c.name()
                                      + "' is reserved for embargoed builds; choose another name");
                            } else {
                              connections.add(c);
                            }
                          });
                }
              });
    }

    void store(Node v) {
      Nodes.mapping(v, "'store'", p)
          .ifPresent(
              m -> {
                Map<String, String> s = new LinkedHashMap<>();
                for (Nodes.Entry e : Nodes.entries(m, p)) {
                  if (STORE.contains(e.key())) {
                    Nodes.string(e.value(), "'store." + e.key() + "'", p)
                        .ifPresent(x -> s.put(e.key(), x));
                  } else {
                    unknown(e, "store", STORE);
                  }
                }
                String type = s.getOrDefault("type", "h2");
                if (!List.of("h2", "postgresql").contains(type)) {
                  p.error(
                      Nodes.pos(v),
                      "store type '" + type + "' is not supported: use h2 or postgresql");
                } else if ("postgresql".equals(type) && !s.containsKey("url")) {
                  p.error(Nodes.pos(v), "a postgresql store needs a 'url' (jdbc:postgresql://...)");
                }
                store =
                    new ServerConfig.Store(
                        type,
                        Optional.ofNullable(s.get("url")),
                        Optional.ofNullable(s.get("user")),
                        Optional.ofNullable(s.get("password_file")));
              });
    }

    void images(Node v) {
      Nodes.mapping(v, "'images'", p)
          .ifPresent(
              m -> {
                for (Nodes.Entry e : Nodes.entries(m, p)) {
                  if ("host".equals(e.key())) {
                    p.error(e.keyPos(), "image 'host' is built in and cannot be redefined");
                    continue;
                  }
                  if (!JobDeclParser.IMAGE.matcher(e.key()).matches()) {
                    p.error(
                        e.keyPos(),
                        "bad image name '"
                            + e.key()
                            + "': use lower-case letters, digits, '.', '_', '-' and '/'");
                    continue;
                  }
                  Nodes.mapping(e.value(), "image '" + e.key() + "'", p)
                      .ifPresent(
                          im -> {
                            for (Nodes.Entry ie : Nodes.entries(im, p)) {
                              if ("path".equals(ie.key())) {
                                Nodes.string(ie.value(), "'path' of image '" + e.key() + "'", p)
                                    .ifPresent(
                                        path -> {
                                          if (!path.startsWith("/")) {
                                            p.error(
                                                Nodes.pos(ie.value()),
                                                "the path of image '"
                                                    + e.key()
                                                    + "' must be absolute");
                                          } else {
                                            images.put(e.key(), path);
                                          }
                                        });
                              } else {
                                unknown(ie, "image '" + e.key() + "'", List.of("path"));
                              }
                            }
                          });
                }
              });
    }

    void unknown(Nodes.Entry e, String where, List<String> keys) {
      p.unknownKey(e, where, keys);
    }

    void pipelineRules(Node v) {
      Nodes.mapping(v, "'pipelines'", p)
          .ifPresent(
              m -> {
                String cron = rules.periodicCron();
                String tags = rules.releaseTags();
                for (Nodes.Entry e : Nodes.entries(m, p)) {
                  switch (e.key()) {
                    case "periodic" ->
                        cron =
                            rule(
                                e,
                                "cron",
                                cron,
                                s -> Cron.parse(s).isPresent(),
                                "a five-field cron in UTC like '0 3 * * *', or @daily");
                    case "release" ->
                        tags = rule(e, "tags", tags, s -> !s.isBlank(), "a tag glob like 'v*'");
                    default ->
                        p.error(
                            e.keyPos(),
                            "no rules for pipeline '"
                                + e.key()
                                + "' here; rules exist for periodic (cron) and release (tags)");
                  }
                }
                rules = new ServerConfig.PipelineRules(cron, tags, rules.protectedRefs());
              });
    }

    /** Full ref globs of the protected branches: each under refs/heads/, a valid ref name. */
    void protectedRefs(Node v) {
      Nodes.list(v, "'protected_refs'", p)
          .ifPresent(
              items -> {
                List<String> refs = new ArrayList<>();
                for (Node item : items) {
                  Nodes.string(item, "each item of 'protected_refs'", p)
                      .ifPresent(
                          s -> {
                            Optional<String> bad = RefNames.problem(s.replace("*", "x"));
                            if (!s.startsWith("refs/heads/") || s.equals("refs/heads/")) {
                              p.error(
                                  Nodes.pos(item),
                                  "protected ref '"
                                      + s
                                      + "' must be a full branch name or glob like refs/heads/main"
                                      + " or refs/heads/stable/* (tags are protected by"
                                      + " pipelines.release.tags)");
                            } else if (bad.isPresent()) {
                              p.error(
                                  Nodes.pos(item),
                                  "protected ref '"
                                      + s
                                      + "' is not a valid ref name: "
                                      + bad.get());
                            } else {
                              refs.add(s);
                            }
                          });
                }
                if (items.isEmpty()) {
                  p.error(
                      Nodes.pos(v),
                      "'protected_refs' is empty: list at least one branch (leave the key out to"
                          + " protect every branch)");
                }
                rules =
                    new ServerConfig.PipelineRules(rules.periodicCron(), rules.releaseTags(), refs);
              });
    }

    private String rule(
        Nodes.Entry e,
        String key,
        String current,
        java.util.function.Predicate<String> ok,
        String expected) {
      String out = current;
      Optional<MappingNode> m = Nodes.mapping(e.value(), "'pipelines." + e.key() + "'", p);
      if (m.isEmpty()) {
        return out;
      }
      for (Nodes.Entry r : Nodes.entries(m.get(), p)) {
        if (!r.key().equals(key)) {
          unknown(r, "pipelines." + e.key(), List.of(key));
          continue;
        }
        Optional<String> s = Nodes.string(r.value(), "'pipelines." + e.key() + "." + key + "'", p);
        if (s.isPresent() && ok.test(s.get())) {
          out = s.get();
        } else if (s.isPresent()) {
          p.error(
              Nodes.pos(r.value()),
              "bad '" + e.key() + "." + key + "' value '" + s.get() + "': expected " + expected);
        }
      }
      return out;
    }

    void gate(Node v) {
      Nodes.mapping(v, "'gate'", p)
          .ifPresent(
              m -> {
                Map<String, Integer> approvals = gate.approvals();
                Map<String, List<String>> queues = new LinkedHashMap<>();
                int window = gate.window();
                for (Nodes.Entry e : Nodes.entries(m, p)) {
                  switch (e.key()) {
                    case "approvals" -> {
                      Map<String, Integer> a = new LinkedHashMap<>();
                      Nodes.mapping(e.value(), "'gate.approvals'", p)
                          .ifPresent(
                              am -> {
                                for (Nodes.Entry l : Nodes.entries(am, p)) {
                                  Nodes.integer(l.value(), "'gate.approvals." + l.key() + "'", p)
                                      .ifPresent(n -> a.put(l.key(), n));
                                }
                              });
                      approvals = a;
                    }
                    case "queues" ->
                        Nodes.mapping(e.value(), "'gate.queues'", p)
                            .ifPresent(
                                qm -> {
                                  for (Nodes.Entry q : Nodes.entries(qm, p)) {
                                    queues.put(
                                        q.key(),
                                        Nodes.strings(q.value(), "queue '" + q.key() + "'", p)
                                            .stream()
                                            .map(Located::value)
                                            .toList());
                                  }
                                });
                    case "window" ->
                        window =
                            Nodes.integer(e.value(), "'gate.window'", p)
                                .filter(n -> positive(n, e, "'gate.window'"))
                                .orElse(window);
                    default -> unknown(e, "gate", List.of("approvals", "queues", "window"));
                  }
                }
                Map<String, String> seen = new LinkedHashMap<>();
                queues.forEach(
                    (q, projects) ->
                        projects.forEach(
                            pr -> {
                              String before = seen.put(pr, q);
                              if (before != null) {
                                p.error(
                                    Nodes.pos(v),
                                    "project '"
                                        + pr
                                        + "' is in two gate queues: "
                                        + before
                                        + " and "
                                        + q);
                              }
                            }));
                gate = new ServerConfig.Gate(approvals, queues, window);
              });
    }

    /** {@code {jobs_per_config: N}}: the operator's caps on repo configs. */
    void limits(Node v) {
      Nodes.mapping(v, "'limits'", p)
          .ifPresent(
              m -> {
                int jobs = limits.jobsPerConfig();
                for (Nodes.Entry e : Nodes.entries(m, p)) {
                  if (!"jobs_per_config".equals(e.key())) {
                    p.error(
                        e.keyPos(),
                        "unknown key '"
                            + e.key()
                            + "' in limits"
                            + Suggest.hint(e.key(), LIMITS)
                            + "; expected "
                            + LIMITS);
                    continue;
                  }
                  int max = TrustedSections.Limits.MAX_JOBS_PER_CONFIG;
                  Optional<Integer> n = Nodes.integer(e.value(), "'limits.jobs_per_config'", p);
                  if (n.isPresent() && (n.get() < 1 || n.get() > max)) {
                    p.error(
                        Nodes.pos(e.value()),
                        "'limits.jobs_per_config' must be between 1 and "
                            + max
                            + ", found "
                            + n.get()
                            + " (default "
                            + JobResolver.MAX_JOBS
                            + ")");
                  } else if (n.isPresent()) {
                    jobs = n.get();
                  }
                }
                limits = new TrustedSections.Limits(jobs);
              });
    }

    void secrets(Node v) {
      if (v instanceof org.snakeyaml.engine.v2.nodes.SequenceNode) {
        p.error(
            Nodes.pos(v),
            "a list of encrypted secrets belongs in the trusted config repo's file, not in the"
                + " server config: here 'secrets' holds {key_file: PATH}, and an admin sets secrets"
                + " with: seakeeper secrets set --config SERVER_CONFIG PROJECT NAME");
        return;
      }
      Nodes.mapping(v, "'secrets'", p)
          .ifPresent(
              m -> {
                for (Nodes.Entry e : Nodes.entries(m, p)) {
                  if ("key_file".equals(e.key())) {
                    Nodes.string(e.value(), "'secrets.key_file'", p)
                        .ifPresent(
                            f -> {
                              if (f.isBlank()) {
                                p.error(
                                    Nodes.pos(e.value()),
                                    "'secrets.key_file' is empty: give the path of the key file"
                                        + " (outside data_dir)");
                              } else {
                                secrets = new ServerConfig.Secrets(Optional.of(f));
                              }
                            });
                  } else {
                    unknown(e, "secrets", List.of("key_file"));
                  }
                }
              });
    }

    ServerConfig build() {
      return new ServerConfig(
          dataDir,
          http,
          adminTokenFile,
          executors,
          connections,
          store,
          defaultTimeout,
          images,
          List.copyOf(baseJobs.keySet()),
          rules,
          gate,
          configRepo,
          secrets,
          dependencyCache,
          artifactSections.provenance,
          artifactSections.channels,
          artifactSections.retention,
          auth,
          artifactSections.artifacts);
    }
  }
}
