package org.seakeeper.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.seakeeper.core.build.Build;

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

  /** ISO-8601 in UTC ({@code 2026-01-31T12:00:00Z}), or null. */
  static String time(Optional<Instant> t) {
    return t.map(Instant::toString).orElse(null);
  }
}
