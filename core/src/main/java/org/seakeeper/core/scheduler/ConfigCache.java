package org.seakeeper.core.scheduler;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.config.ConfigResult;
import org.seakeeper.core.config.RepoConfigParser;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.model.Job;
import org.seakeeper.core.model.RepoConfig;

/**
 * Repo configs of unfinished buildsets, read once per buildset and read again from the commit
 * after a restart (a commit's config never changes). Parsed configs are also kept by the file's
 * content (what its blob id names), as most commits of a repository, and every speculative state
 * of a gate queue, share one {@code .seakeeper.yaml}: the file is still read per commit, the
 * parse is not repeated ({@value #MAX_PARSED} contents kept, least recently used dropped).
 * Confined to the scheduler thread.
 */
final class ConfigCache {
  static final int MAX_PARSED = 64;

  private final RepoAccess repos;
  private final TrustedContext trusted;
  private final Map<Long, RepoConfig> byBuildset = new HashMap<>();
  private final Map<ByteBuffer, ConfigResult> parsed = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ByteBuffer, ConfigResult> eldest) {
      return size() > MAX_PARSED;
    }
  };

  ConfigCache(RepoAccess repos, TrustedContext trusted) {
    this.repos = repos;
    this.trusted = trusted;
  }

  ConfigOutcome read(String connection, String project, String commit) {
    Optional<byte[]> bytes;
    try {
      bytes = repos.readFile(connection, project, commit, RepoConfigParser.FILE_NAME);
    } catch (RepoAccess.RepoAccessException e) {
      return new ConfigOutcome.Unreadable(e.getMessage());
    }
    if (bytes.isEmpty()) {
      return new ConfigOutcome.Missing();
    }
    ConfigResult r = parsed.computeIfAbsent(ByteBuffer.wrap(bytes.get()), b -> RepoConfigParser.parse(bytes.get(), trusted));
    return r.config().<ConfigOutcome>map(ConfigOutcome.Valid::new).orElseGet(() -> new ConfigOutcome.Invalid(r.problems()));
  }

  void remember(long buildsetId, RepoConfig config) {
    byBuildset.put(buildsetId, config);
  }

  void forget(long buildsetId) {
    byBuildset.remove(buildsetId);
  }

  Optional<Job> job(Build b, String name) {
    RepoConfig c = byBuildset.get(b.buildsetId());
    if (c == null) {
      if (read(b.connection(), b.project(), b.commit()) instanceof ConfigOutcome.Valid v) {
        c = v.config();
        byBuildset.put(b.buildsetId(), c);
      } else {
        return Optional.empty();
      }
    }
    return Optional.ofNullable(c.jobs().get(name));
  }

  int retries(Build b) {
    return b.job().flatMap(n -> job(b, n)).map(Job::retries).orElse(0);
  }
}
