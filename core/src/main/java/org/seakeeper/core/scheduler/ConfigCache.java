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
import org.seakeeper.core.model.RepoRef;

/**
 * Repo configs of unfinished buildsets, read once per buildset and read again from the commit after
 * a restart (a commit's config never changes), against the trusted config in force. A commit of the
 * trusted config repo that is not merged is only validated, and its jobs are never handed out.
 * Parsed configs are also kept by the file's content (what its blob id names), as most commits of a
 * repository, and every speculative state of a gate queue, share one {@code .seakeeper.yaml}: the
 * file is still read per commit, the parse is not repeated ({@value #MAX_PARSED} contents kept,
 * least recently used dropped; all dropped when the trusted config in force changes). Confined to
 * the scheduler thread, except {@link #read(Trigger)}, which the calls that prepare events run on
 * workers (the parse cache is guarded).
 */
final class ConfigCache {
  static final int MAX_PARSED = 64;

  private final RepoAccess repos;
  private final TrustedConfigSource trusted;

  /** The trusted context the entries of {@link #parsed} were parsed against. */
  private TrustedContext parsedAgainst;

  private final Map<Long, RepoConfig> byBuildset = new HashMap<>();
  private final Map<ByteBuffer, ConfigResult> parsed =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, ConfigResult> eldest) {
          return size() > MAX_PARSED;
        }
      };

  /** Where the config file a buildset was planned from is kept (the store), by buildset id. */
  private final java.util.function.LongFunction<Optional<byte[]>> sources;

  ConfigCache(RepoAccess repos, TrustedConfigSource trusted) {
    this(repos, trusted, id -> Optional.empty());
  }

  ConfigCache(
      RepoAccess repos,
      TrustedConfigSource trusted,
      java.util.function.LongFunction<Optional<byte[]>> sources) {
    this.repos = repos;
    this.trusted = trusted;
    this.sources = sources;
  }

  /** A config as read: the outcome, and the file's bytes when there was one to plan from. */
  record Read(ConfigOutcome outcome, Optional<byte[]> source) {}

  /** The config a trigger's buildset is made from (see the class comment for the config repo). */
  ConfigOutcome read(Trigger t) {
    return readWithSource(t).outcome();
  }

  /**
   * {@link #read(Trigger)} with the file's bytes, which the buildset keeps (durable, see {@link
   * #job}).
   */
  Read readWithSource(Trigger t) {
    if (trusted.validateOnly(t.repo(), t.pipeline(), t.ref())) {
      return new Read(trusted.validate(t.repo(), t.commit()), Optional.empty());
    }
    if (trusted.isRepo(t.repo())) {
      Optional<ConfigOutcome.Checked> broken = trusted.brokenAt(t.repo(), t.commit());
      if (broken.isPresent()) {
        return new Read(broken.get(), Optional.empty());
      }
    }
    return readAt(t.repo(), t.commit());
  }

  ConfigOutcome read(RepoRef repo, String commit) {
    return readAt(repo, commit).outcome();
  }

  private Read readAt(RepoRef repo, String commit) {
    Optional<byte[]> bytes;
    try {
      bytes = repos.readFile(repo, commit, RepoConfigParser.FILE_NAME);
    } catch (RepoAccess.RepoAccessException e) {
      return new Read(new ConfigOutcome.Unreadable(e.getMessage()), Optional.empty());
    }
    if (bytes.isEmpty()) {
      return new Read(new ConfigOutcome.Missing(), Optional.empty());
    }
    return new Read(parsed(bytes.get()), bytes);
  }

  private ConfigOutcome parsed(byte[] bytes) {
    ConfigResult r = parse(bytes, trusted.current().context());
    return r.config()
        .<ConfigOutcome>map(ConfigOutcome.Valid::new)
        .orElseGet(() -> new ConfigOutcome.Invalid(r.problems()));
  }

  private synchronized ConfigResult parse(byte[] bytes, TrustedContext context) {
    if (context != parsedAgainst) {
      parsed.clear(); // base jobs, images or the default timeout changed: parse again
      parsedAgainst = context;
    }
    return parsed.computeIfAbsent(
        ByteBuffer.wrap(bytes), b -> RepoConfigParser.parse(bytes, context));
  }

  void remember(long buildsetId, RepoConfig config) {
    byBuildset.put(buildsetId, config);
  }

  void forget(long buildsetId) {
    byBuildset.remove(buildsetId);
  }

  Optional<Job> job(Build b, String name) {
    if (trusted.validateOnly(new RepoRef(b.connection(), b.project()), b.pipeline(), b.ref())) {
      return Optional.empty(); // a build of an unmerged trusted config repo commit never runs
    }
    RepoConfig c = byBuildset.get(b.buildsetId());
    if (c == null) {
      // After a restart: the file the buildset was planned from, kept in the store (no fetch);
      // buildsets from before it was kept read the commit again.
      Optional<byte[]> kept = sources.apply(b.buildsetId());
      ConfigOutcome again =
          kept.isPresent()
              ? parsed(kept.get())
              : read(new RepoRef(b.connection(), b.project()), b.commit());
      if (again instanceof ConfigOutcome.Valid v) {
        c = v.config();
        byBuildset.put(b.buildsetId(), c);
      } else {
        return Optional.empty();
      }
    }
    return Optional.ofNullable(c.jobs().get(name));
  }

  /** Why {@link #job} gave nothing for a build. */
  String whyNoJob(Build b) {
    return trusted.validateOnly(new RepoRef(b.connection(), b.project()), b.pipeline(), b.ref())
        ? "jobs of the trusted config repo run only after a change merges (post of "
            + trusted.repo().orElseThrow().branch()
            + "), never for "
            + b.ref()
        : "the job's definition could not be read again from commit " + b.commit();
  }

  int retries(Build b) {
    return b.job().flatMap(n -> job(b, n)).map(Job::retries).orElse(0);
  }
}
