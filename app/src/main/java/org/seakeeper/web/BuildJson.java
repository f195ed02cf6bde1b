package org.seakeeper.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildRun;
import org.seakeeper.core.build.RunConfig;

/**
 * The build object of the REST API (docs/contracts.md §6): ids as strings, lower-case names, UTC
 * times.
 */
final class BuildJson {
  private BuildJson() {}

  static Map<String, Object> of(Build b, Links links) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", Long.toString(b.id()));
    m.put("buildset_id", Long.toString(b.buildsetId()));
    m.put("connection", b.connection());
    m.put("project", b.project());
    m.put("change", b.change().orElse(null));
    m.put("patchset", b.patchset().orElse(null));
    m.put("owner", b.owner().orElse(null));
    m.put("ref", b.ref());
    m.put("commit", b.commit());
    m.put("pipeline", b.pipeline().id());
    m.put("job", b.job().orElse(null));
    m.put("attempt", b.attempt());
    m.put("status", b.status().id());
    m.put("tier", b.tier().id());
    m.put("needs", b.needs());
    m.put("queued_at", time(Optional.of(b.queuedAt())));
    m.put("started_at", time(b.startedAt()));
    m.put("finished_at", time(b.finishedAt()));
    m.put("detail", b.detail());
    m.put("log_sha256", b.logSha256().orElse(null));
    m.put("log_url", links.apiLog(b.id()));
    m.put("web_url", links.webBuild(b.id()));
    return m;
  }

  /**
   * {@code build} with {@code run}: what the build was given when it started (issue 13), or null
   * when it never started. Secrets by name only; the job's config as it ran, bounded ({@link
   * RunConfig}).
   */
  static Map<String, Object> withRun(Map<String, Object> build, Optional<BuildRun> run) {
    build.put("run", run.map(BuildJson::run).orElse(null));
    return build;
  }

  private static Map<String, Object> run(BuildRun r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("secrets", r.secrets());
    m.put("network", r.network());
    m.put("image", r.image());
    m.put("timeout_seconds", r.timeout().toSeconds());
    m.put("checkout_depth", r.checkoutDepth());
    m.put("config", config(r.config()));
    return m;
  }

  /** The job's resolved config, with the keys of the repo config where it has them. */
  static Map<String, Object> config(RunConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("image", c.image());
    m.put("timeout_seconds", c.timeout().toSeconds());
    m.put("needs", c.needs());
    m.put("secrets", c.secrets());
    m.put("variables", c.variables());
    m.put("artifacts", c.artifacts());
    m.put("retries", c.retries());
    m.put("checkout_depth", c.checkoutDepth());
    Map<String, Object> when = new LinkedHashMap<>();
    when.put("branches", c.branches());
    when.put("files", c.files());
    when.put("ignore_files", c.ignoreFiles());
    m.put("when", when);
    m.put("description", c.description());
    m.put("script", c.script());
    m.put("cut", c.cut());
    return m;
  }

  /** ISO-8601 in UTC ({@code 2026-01-31T12:00:00Z}), or null. */
  static String time(Optional<Instant> t) {
    return t.map(Instant::toString).orElse(null);
  }
}
