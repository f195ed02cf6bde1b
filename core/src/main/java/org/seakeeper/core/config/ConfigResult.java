package org.seakeeper.core.config;

import java.util.List;
import java.util.Optional;
import org.seakeeper.core.model.RepoConfig;

/**
 * The outcome of reading a repo config: the config when there is no error, and every problem
 * (warnings may come with a valid config). Immutable.
 */
public record ConfigResult(Optional<RepoConfig> config, List<Problem> problems) {
  public ConfigResult {
    problems = List.copyOf(problems);
    if (config.isPresent() && problems.stream().anyMatch(Problem::isError)) {
      throw new IllegalArgumentException("a config with errors must not be used");
    }
  }

  public boolean valid() {
    return config.isPresent();
  }
}
