package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.web.WebFixture.error;
import static org.seakeeper.web.WebFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.scheduler.SchedulerCommands.CommandResult;

/** The admin API of quarantined events: list, retry, drop; and the quarantine gauge. */
class QuarantineApiTest {
  private final WebFixture web = new WebFixture();

  @AfterEach
  void stop() {
    web.close();
  }

  /** An inbox event of change {@code change}, set aside {@code seconds} after T0. */
  private long quarantined(String change, int seconds, String reason) {
    return web.store.transaction(
        tx -> {
          long id =
              tx.inbox()
                  .add(
                      new TriggerEvent.ChangeProposed(
                          "review",
                          "core",
                          "main",
                          change,
                          "1",
                          "c0ffee" + change,
                          "refs/changes/" + change + "/1"),
                      WebFixture.T0)
                  .orElseThrow()
                  .id();
          tx.inbox().quarantine(id, reason, WebFixture.T0.plusSeconds(seconds));
          return id;
        });
  }

  private java.net.http.HttpResponse<String> getAsAdmin(String path) throws Exception {
    return web.send("GET", path, null, "Authorization", "Bearer " + WebFixture.TOKEN);
  }

  @Test
  void the_list_needs_the_admin_token_and_shows_the_latest_first_with_reasons() throws Exception {
    long first = quarantined("A", 10, "applying it failed 3 times: IllegalStateException: boom");
    long second = quarantined("B", 20, "preparing it failed 3 times: OutOfMemoryError");
    assertThat(error(web.send("GET", "/api/v1/events/quarantined", null), 401))
        .isEqualTo("unauthorized");
    var r = getAsAdmin("/api/v1/events/quarantined");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode n = json(r);
    assertThat(n.path("count").asLong()).isEqualTo(2);
    JsonNode events = n.path("events");
    assertThat(events.size()).isEqualTo(2);
    assertThat(events.get(0).path("id").asText()).isEqualTo(Long.toString(second));
    assertThat(events.get(0).path("connection").asText()).isEqualTo("review");
    assertThat(events.get(0).path("project").asText()).isEqualTo("core");
    assertThat(events.get(0).path("type").asText()).isEqualTo("ChangeProposed");
    assertThat(events.get(0).path("quarantined_at").asText())
        .isEqualTo(WebFixture.T0.plusSeconds(20).toString());
    assertThat(events.get(0).path("reason").asText())
        .isEqualTo("preparing it failed 3 times: OutOfMemoryError");
    assertThat(events.get(1).path("id").asText()).isEqualTo(Long.toString(first));

    JsonNode one = json(getAsAdmin("/api/v1/events/quarantined?limit=1"));
    assertThat(one.path("count").asLong()).isEqualTo(2);
    assertThat(one.path("events").size()).isEqualTo(1);
    assertThat(error(getAsAdmin("/api/v1/events/quarantined?limit=0"), 400))
        .isEqualTo("bad_request");
    assertThat(error(getAsAdmin("/api/v1/events/quarantined?limit=x"), 400))
        .isEqualTo("bad_request");
  }

  @Test
  void retry_and_drop_need_the_admin_token_and_go_to_the_scheduler() throws Exception {
    for (String path : List.of("/api/v1/events/5/retry", "/api/v1/events/5/drop")) {
      assertThat(error(web.send("POST", path, null), 401)).as(path).isEqualTo("unauthorized");
      assertThat(error(web.send("POST", path, null, "Authorization", "Bearer wrong"), 401))
          .isEqualTo("unauthorized");
    }
    assertThat(web.commands.calls).isEmpty();
    web.commands.next = CommandResult.accepted("event 5 is back in the inbox", 0);
    var retried = web.post("/api/v1/events/5/retry", null);
    assertThat(retried.statusCode()).isEqualTo(202);
    assertThat(json(retried).path("message").asText()).isEqualTo("event 5 is back in the inbox");
    web.commands.next = CommandResult.done("event 6 dropped", 0);
    assertThat(web.post("/api/v1/events/6/drop", null).statusCode()).isEqualTo(200);
    assertThat(web.commands.calls)
        .containsExactly("retry event 5 by admin", "drop event 6 by admin");
  }

  @Test
  void refusals_are_json_with_the_scheduler_reason() throws Exception {
    web.commands.next = CommandResult.refused(404, "not_found", "no event 9");
    var unknown = web.post("/api/v1/events/9/retry", null);
    assertThat(error(unknown, 404)).isEqualTo("not_found");
    assertThat(json(unknown).path("message").asText()).isEqualTo("no event 9");
    web.commands.next =
        CommandResult.refused(
            409, "not_quarantined", "event 3 is not quarantined (already processed)");
    var conflict = web.post("/api/v1/events/3/drop", null);
    assertThat(error(conflict, 409)).isEqualTo("not_quarantined");
    assertThat(json(conflict).path("message").asText()).contains("already processed");
    int asked = web.commands.calls.size();
    assertThat(error(web.post("/api/v1/events/abc/drop", null), 404)).isEqualTo("not_found");
    assertThat(web.commands.calls).as("not asked for a malformed id").hasSize(asked);
  }

  @Test
  void the_gauge_counts_quarantined_events() throws Exception {
    quarantined("A", 1, "boom");
    quarantined("B", 2, "boom");
    MicrometerSchedulerMetrics m = new MicrometerSchedulerMetrics(web.registry);
    m.quarantined(() -> web.store.queries().quarantinedCount());
    assertThat(web.get("/metrics").body()).contains("seakeeper_events_quarantined 2.0");
  }

  @Test
  void the_status_summary_has_the_count_and_the_latest_few() {
    for (int i = 0; i < QuarantineJson.IN_STATUS + 2; i++) {
      quarantined("C" + i, i, "reason " + i);
    }
    var s = QuarantineJson.summary(web.store.queries(), QuarantineJson.IN_STATUS);
    assertThat(s.get("count")).isEqualTo((long) QuarantineJson.IN_STATUS + 2);
    @SuppressWarnings("unchecked")
    List<java.util.Map<String, Object>> latest =
        (List<java.util.Map<String, Object>>) s.get("latest");
    assertThat(latest).hasSize(QuarantineJson.IN_STATUS);
    assertThat(latest.get(0).get("reason")).isEqualTo("reason " + (QuarantineJson.IN_STATUS + 1));
    assertThat(QuarantineJson.summary(web.store.queries().publicView(), 5).get("count"))
        .isEqualTo(0L);
  }
}
