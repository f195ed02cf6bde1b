package org.seakeeper.web;

import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.Supplier;

/** Operations endpoints: {@code /healthz}, {@code /metrics} (Prometheus text) and {@code /api/v1/status}. */
final class OpsRoutes {
  private final PrometheusMeterRegistry registry;
  private final Supplier<Map<String, Object>> status;

  OpsRoutes(PrometheusMeterRegistry registry, Supplier<Map<String, Object>> status) {
    this.registry = registry;
    this.status = status;
  }

  void install(RoutesConfig routes) {
    routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
    routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
    routes.get("/api/v1/status", ctx -> ctx.json(status.get()));
  }
}
