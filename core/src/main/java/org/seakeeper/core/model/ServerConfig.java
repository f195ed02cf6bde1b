package org.seakeeper.core.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's trusted config (contracts §3), as far as the current code uses it. Immutable;
 * produced only by the server config parser when the file has no errors.
 *
 * @param images operator-registered root filesystems, by name
 * @param baseJobNames names of base jobs (the parsed declarations live in the trusted context)
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
    PipelineRules pipelineRules) {
  public ServerConfig {
    executors = Map.copyOf(executors);
    connections = List.copyOf(connections);
    images = Map.copyOf(images);
    baseJobNames = List.copyOf(baseJobNames);
  }

  /**
   * Trusted pipeline rules (contracts §1): when {@code periodic} runs (cron, UTC) and which tags
   * start {@code release} (a glob).
   */
  public record PipelineRules(String periodicCron, String releaseTags) {
    public static final PipelineRules DEFAULTS = new PipelineRules("0 3 * * *", "v*");
  }

  /** Where the web UI and API listen and the address links point to. */
  public record Http(int port, String bind, String publicUrl) {}

  /** An executor pool of one tier. */
  public record Pool(int maxParallel, long memoryBytes, int pidsMax, Optional<Boolean> network) {}

  /** A source of events: a local git connection or a Gerrit. */
  public record Connection(String name, String type, List<Repo> repos, Map<String, String> settings) {}

  /** A repository served by a local git connection. */
  public record Repo(String name, String path) {}

  /** The database. */
  public record Store(String type, Optional<String> url, Optional<String> user, Optional<String> passwordFile) {}
}
