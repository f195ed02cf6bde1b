package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.web.WebFixture.error;
import static org.seakeeper.web.WebFixture.json;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.Tier;

class OpsAndErrorsTest {
  private final WebFixture web = new WebFixture();

  @AfterEach
  void stop() {
    web.close();
  }

  @Test
  void healthz_is_ok() throws Exception {
    var r = web.get("/healthz");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("status").asText()).isEqualTo("ok");
  }

  @Test
  void healthz_turns_503_with_the_reason_when_the_scheduler_is_not_healthy() throws Exception {
    assertThat(web.get("/healthz").statusCode()).isEqualTo(200);
    web.commands.unhealthy = java.util.Optional.of("the scheduler thread is gone");
    var r = web.get("/healthz");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r).path("reason").asText()).isEqualTo("the scheduler thread is gone");
  }

  @Test
  void status_is_the_suppliers_map() throws Exception {
    web.status.put("tiers_separated_by_uid", false);
    var n = json(web.get("/api/v1/status"));
    assertThat(n.path("version").asText()).isEqualTo("test");
    assertThat(n.path("tiers_separated_by_uid").asBoolean(true)).isFalse();
  }

  @Test
  void metrics_are_prometheus_text_with_the_scheduler_metrics() throws Exception {
    MicrometerSchedulerMetrics m = new MicrometerSchedulerMetrics(web.registry);
    m.eventReceived();
    m.eventReceived();
    m.buildStarted(Tier.UNTRUSTED, Duration.ofSeconds(3));
    m.buildFinished(BuildStatus.FAILURE, Duration.ofSeconds(42));
    m.gauges(4, 2);
    var r = web.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
    assertThat(r.body())
        .contains("seakeeper_events_received_total 2.0")
        .contains("seakeeper_build_queue_wait_seconds_count{tier=\"untrusted\"} 1")
        .contains("seakeeper_build_duration_seconds_sum{result=\"failure\"} 42.0")
        .contains("seakeeper_queue_length 4.0")
        .contains("seakeeper_executor_slots_in_use 2.0")
        .contains("seakeeper_web_log_streams 0.0");
  }

  @Test
  void metrics_show_each_connections_health_and_its_pending_effects() throws Exception {
    MicrometerSchedulerMetrics m = new MicrometerSchedulerMetrics(web.registry);
    org.seakeeper.core.effect.ConnectionHealth health =
        new org.seakeeper.core.effect.ConnectionHealth();
    java.time.Instant t = java.time.Instant.parse("2026-12-07T10:00:00Z");
    health.known("local", t);
    health.known("review", t);
    for (int i = 0; i < org.seakeeper.core.effect.ConnectionHealth.DOWN_AFTER; i++) {
      health.failed("review", "connection refused", t);
    }
    m.connections(health, java.util.List.of("local", "review"));
    m.effectsPending(
        () ->
            java.util.List.of(
                new org.seakeeper.core.store.Outbox.PendingCount(
                    "review", org.seakeeper.core.store.OutboxKind.SUBMIT, 2)),
        java.util.List.of("local", "review"));
    assertThat(web.get("/metrics").body())
        .contains("seakeeper_connection_up{connection=\"local\"} 1.0")
        .contains("seakeeper_connection_up{connection=\"review\"} 0.0")
        .contains("seakeeper_effects_pending{connection=\"review\",kind=\"submit\"} 2.0")
        .contains("seakeeper_effects_pending{connection=\"local\",kind=\"buildset-finished\"} 0.0");
  }

  @Test
  void unknown_routes_are_404_json() throws Exception {
    assertThat(error(web.get("/nope"), 404)).isEqualTo("not_found");
    assertThat(error(web.get("/api/v1/nope"), 404)).isEqualTo("not_found");
    assertThat(error(web.get("/api/v2/builds"), 404)).isEqualTo("not_found");
  }

  @Test
  void a_wrong_method_is_405_json() throws Exception {
    var r = web.send("DELETE", "/api/v1/builds/1", null);
    assertThat(error(r, 405)).isEqualTo("method_not_allowed");
    assertThat(error(web.send("GET", "/api/v1/trigger", null), 405))
        .isEqualTo("method_not_allowed");
    assertThat(error(web.send("PUT", "/api/v1/builds", "{}"), 405)).isEqualTo("method_not_allowed");
  }

  @Test
  void requests_jetty_rejects_get_json_errors_too() throws Exception {
    for (String request :
        new String[] {
          "GET /a%zz HTTP/1.1\r\nHost: x\r\n",
          "GET /builds HTTP/1.1\r\n",
          "GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n"
        }) {
      try (Socket s = new Socket("127.0.0.1", web.server.port())) {
        OutputStream out = s.getOutputStream();
        out.write((request + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(response)
            .as(request)
            .startsWith("HTTP/1.1 400")
            .containsIgnoringCase("Content-Type: application/json")
            .contains("\"error\":\"bad_request\"")
            .doesNotContain("<html");
      }
    }
  }

  @Test
  void the_server_stops_and_frees_its_port() throws Exception {
    int port = web.server.port();
    web.server.stop();
    web.server.stop();
    try (Socket s = new Socket()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000))
          .isInstanceOf(java.io.IOException.class);
    }
  }
}
