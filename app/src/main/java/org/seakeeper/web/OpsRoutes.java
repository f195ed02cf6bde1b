package org.seakeeper.web;

import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Operations endpoints: {@code /healthz}, {@code /metrics} (Prometheus text) and {@code
 * /api/v1/status}.
 */
final class OpsRoutes {
  private final PrometheusMeterRegistry registry;
  private final Supplier<Map<String, Object>> status;

  private final Supplier<java.util.Optional<String>> unhealthy;

  OpsRoutes(
      PrometheusMeterRegistry registry,
      Supplier<Map<String, Object>> status,
      Supplier<java.util.Optional<String>> unhealthy) {
    this.registry = registry;
    this.status = status;
    this.unhealthy = unhealthy;
  }

  void install(RoutesConfig routes) {
    routes.get(
        "/healthz",
        ctx -> {
          java.util.Optional<String> why = unhealthy.get();
          if (why.isPresent()) {
            ctx.status(503).json(Map.of("status", "unhealthy", "reason", why.get()));
          } else {
            ctx.json(Map.of("status", "ok"));
          }
        });
    routes.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
    routes.get("/api/v1/status", ctx -> ctx.json(status.get()));
  }
}
