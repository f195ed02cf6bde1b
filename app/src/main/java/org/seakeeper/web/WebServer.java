package org.seakeeper.web;

import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.seakeeper.core.scheduler.SchedulerCommands;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.LogStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: the REST API under {@code /api/v1} (docs/contracts.md §6), the HTML pages,
 * {@code /healthz} and {@code /metrics}. Reads go to {@link BuildQueries} and {@link LogStore};
 * every change goes through {@link SchedulerCommands}. Every error a client sees is JSON.
 *
 * <pre>{@code
 * try (WebServer web = new WebServer(services).start("127.0.0.1", 0)) {
 *   int port = web.port();
 * }
 * }</pre>
 */
public final class WebServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

  /** The largest request body read (embargoed patches; every other body is small JSON). */
  static final long MAX_REQUEST_BYTES = 10L << 20;

  /**
   * What the server needs from the rest of Seakeeper.
   *
   * @param adminToken the current admin token (read on each request, so a rotated file applies)
   * @param publicUrl the URL users reach the server at; {@code web_url}/{@code log_url} build on it
   * @param status the body of {@code GET /api/v1/status}
   * @param secrets what {@code /api/v1/secrets} works on; null: this server has no secret store
   */
  public record Services(
      BuildQueries queries,
      LogStore logs,
      SchedulerCommands commands,
      Supplier<String> adminToken,
      URI publicUrl,
      PrometheusMeterRegistry metrics,
      Supplier<Map<String, Object>> status,
      org.seakeeper.secrets.SecretAdmin secrets) {
    /** Services without secrets ({@code /api/v1/secrets} answers 503). */
    public Services(
        BuildQueries queries,
        LogStore logs,
        SchedulerCommands commands,
        Supplier<String> adminToken,
        URI publicUrl,
        PrometheusMeterRegistry metrics,
        Supplier<Map<String, Object>> status) {
      this(queries, logs, commands, adminToken, publicUrl, metrics, status, null);
    }

    public Services {
      Objects.requireNonNull(queries);
      Objects.requireNonNull(logs);
      Objects.requireNonNull(commands);
      Objects.requireNonNull(adminToken);
      Objects.requireNonNull(publicUrl);
      Objects.requireNonNull(metrics);
      Objects.requireNonNull(status);
    }
  }

  private final Services services;
  private final EmbargoDesk embargoes;
  private final Links links;
  private final LogStreams streams;
  private Javalin app;
  private boolean used;
  private org.seakeeper.artifact.ArtifactDesk artifacts;

  private java.util.function.Function<io.javalin.http.Context, Viewer> viewers =
      ctx -> Viewer.ANONYMOUS;

  /** Who a page's request is, for which actions the pages draw (call before start). */
  public synchronized WebServer viewers(
      java.util.function.Function<io.javalin.http.Context, Viewer> who) {
    this.viewers = Objects.requireNonNull(who);
    return this;
  }

  /** Serves kept artifacts, provenance and promotion through {@code desk} (call before start). */
  public synchronized WebServer artifacts(org.seakeeper.artifact.ArtifactDesk desk) {
    this.artifacts = desk;
    return this;
  }

  public WebServer(Services services) {
    this(services, EmbargoDesk.NONE);
  }

  /**
   * A server that also takes embargoed changes ({@code /api/v1/embargoed}). Whatever desk is given,
   * build reads without the admin token use {@link BuildQueries#publicView()}.
   */
  public WebServer(Services services, EmbargoDesk embargoes) {
    this.services = Objects.requireNonNull(services);
    this.embargoes = Objects.requireNonNull(embargoes);
    this.links = new Links(services.publicUrl());
    this.streams = new LogStreams(services.queries(), services.logs(), services.metrics());
  }

  /**
   * Starts listening; {@code port} 0 picks a free port (see {@link #port()}). A server starts once.
   */
  public synchronized WebServer start(String bindAddress, int port) {
    if (used) {
      throw new IllegalStateException("a WebServer starts only once");
    }
    used = true;
    Javalin created =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.concurrency.useVirtualThreads = true;
              config.http.prefer405over404 = true;
              config.http.defaultContentType = "application/json";
              config.http.maxRequestSize =
                  MAX_REQUEST_BYTES; // an embargoed patch; bodies are read only after the token
              // check
              config.jsonMapper(new JavalinJackson(Json.MAPPER, true));
              ErrorHandling.install(config);
              SecurityHeaders.install(config);
              AdminAuth auth = new AdminAuth(services.adminToken());
              // Reads without the admin token never see unpublished embargoed builds
              // (docs/contracts.md §6).
              BuildQueries everything = services.queries();
              BuildQueries open = everything.publicView();
              java.util.function.Function<io.javalin.http.Context, BuildQueries> view =
                  ctx -> auth.sees(ctx) ? everything : open;
              new ApiRoutes(view, services.logs(), links, streams).install(config.routes);
              new CommandRoutes(services.commands(), auth, links, services.queries())
                  .install(config.routes);
              new EmbargoRoutes(embargoes, auth, links).install(config.routes);
              new SecretRoutes(services.secrets(), auth).install(config.routes);
              new ArtifactRoutes(artifacts, auth, view, links).install(config.routes);
              new OpsRoutes(services.metrics(), services.status(), services.commands()::unhealthy)
                  .install(config.routes);
              new PageRoutes(view, services.logs(), links, services.status(), viewers)
                  .install(config.routes);
            });
    created.start(bindAddress, port);
    app = created;
    LOG.info(
        "Web server listening on {}:{} (public URL {})",
        bindAddress,
        created.port(),
        services.publicUrl());
    return this;
  }

  /** The port actually bound (useful after starting on port 0). */
  public synchronized int port() {
    if (app == null) {
      throw new IllegalStateException("not started");
    }
    return app.port();
  }

  /** Stops the server; open log streams end. Safe to call twice. */
  public synchronized void stop() {
    if (app != null) {
      try {
        streams.stopAll(Duration.ofSeconds(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      app.stop();
      app = null;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
