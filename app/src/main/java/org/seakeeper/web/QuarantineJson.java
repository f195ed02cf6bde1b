package org.seakeeper.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.QuarantinedEvent;

/**
 * Quarantined events as JSON, for {@code GET /api/v1/events/quarantined} and {@code GET
 * /api/v1/status}. Stateless.
 */
public final class QuarantineJson {
  /** How many of the latest quarantined events {@code GET /api/v1/status} shows. */
  public static final int IN_STATUS = 5;

  private QuarantineJson() {}

  /** One quarantined event: which event, of what, when and why it was set aside. */
  public static Map<String, Object> event(QuarantinedEvent q) {
    TriggerEvent e = q.event().event();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", Long.toString(q.eventId()));
    m.put("connection", q.connection());
    m.put("project", e.project());
    m.put("type", e.getClass().getSimpleName());
    m.put("received_at", q.event().receivedAt().toString());
    m.put("quarantined_at", q.at().toString());
    m.put("reason", q.reason());
    return m;
  }

  /** {@code {"count": n, "latest": [...]}}: the count and the {@code limit} latest. */
  public static Map<String, Object> summary(BuildQueries queries, int limit) {
    List<Map<String, Object>> latest =
        queries.quarantined(limit).stream().map(QuarantineJson::event).toList();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", queries.quarantinedCount());
    m.put("latest", latest);
    return m;
  }
}
