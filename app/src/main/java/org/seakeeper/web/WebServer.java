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
  private final AccessSettings accessSettings;
  private final Links links;
  private final LogStreams streams;
  private Javalin app;
  private boolean used;
  private org.seakeeper.artifact.ArtifactDesk artifacts;

  /** Empty: who is looking is asked of the access policy (login, tokens, roles). */
  private java.util.function.Function<io.javalin.http.Context, Viewer> viewers = null;

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

  /**
   * A server that also takes embargoed changes ({@code /api/v1/embargoed}), with people, roles and
   * audit from {@code access}. Whatever desk is given, build reads without the security role use
   * {@link BuildQueries#publicView()}.
   */
  public WebServer(Services services, EmbargoDesk embargoes, AccessSettings access) {
    this.services = Objects.requireNonNull(services);
    this.embargoes = Objects.requireNonNull(embargoes);
    this.accessSettings = Objects.requireNonNull(access);
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
              ErrorHandling.install(config, links);
              SecurityHeaders.install(config);
              Access access = new Access(services.adminToken(), accessSettings);
              config.routes.beforeMatched(WebServer::guarded);
              config.routes.after(access::afterRequest);
              // Reads without the security role never see unpublished embargoed builds
              // (docs/contracts.md §6), nor anyone's private projects without a role on them (§9).
              BuildQueries everything = services.queries();
              BuildQueries open = everything.publicView();
              java.util.function.Function<io.javalin.http.Context, BuildQueries> view =
                  ctx -> {
                    org.seakeeper.core.access.Identity who = access.identify(ctx);
                    var policy = access.policy();
                    boolean embargoed =
                        policy
                            .decide(
                                who,
                                org.seakeeper.core.access.Action.READ_EMBARGOED,
                                org.seakeeper.core.access.Target.NONE)
                            .allowed();
                    return VisibleBuilds.of(embargoed ? everything : open, policy.hiddenFrom(who));
                  };
              new ApiRoutes(view, services.logs(), links, streams).install(config.routes);
              new CommandRoutes(services.commands(), access, links, services.queries())
                  .install(config.routes);
              new EmbargoRoutes(embargoes, access, links).install(config.routes);
              new SecretRoutes(services.secrets(), access).install(config.routes);
              new AuthRoutes(access, accessSettings.oidc(), links).install(config.routes);
              new AccessRoutes(access, links).install(config.routes);
              new TokenPages(access, links).install(config.routes);
              new AuditPage(access, links).install(config.routes);
              new ArtifactRoutes(artifacts, access, view, links).install(config.routes);
              new OpsRoutes(services.metrics(), services.status(), services.commands()::unhealthy)
                  .install(config.routes);
              java.util.function.Function<io.javalin.http.Context, Viewer> who =
                  viewers != null ? viewers : access::viewer;
              new PageRoutes(view, services.logs(), links, services.status(), who)
                  .install(config.routes);
              // the secrets page first: /projects/<project> would match its path too
              new SecretsPage(services.secrets(), access, links, services.status())
                  .install(config.routes);
              new ProjectPage(access, view, links, services.status(), who).install(config.routes);
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

  /**
   * Refuses (500, before the handler) a state-changing route that carries no policy {@link Guard}:
   * a route added without asking the policy fails closed.
   */
  private static void guarded(io.javalin.http.Context ctx) {
    if (Access.safe(ctx.method().name())) {
      return;
    }
    if (ctx.routeRoles().stream().noneMatch(r -> r instanceof Guard)) {
      throw new ApiError(
          500,
          "internal_error",
          "This route changes state but names no policy action; it is refused until it does.");
    }
  }

  /** Every route: method, path and the policy action of those that change state. */
  public synchronized java.util.List<RouteInfo> routes() {
    if (app == null) {
      throw new IllegalStateException("not started");
    }
    java.util.Set<String> methods =
        java.util.Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .filter(e -> methods.contains(e.endpoint.method.name()))
        .map(
            e -> {
              io.javalin.security.Roles roles =
                  e.endpoint.metadata(io.javalin.security.Roles.class);
              java.util.Optional<org.seakeeper.core.access.Action> action =
                  roles == null
                      ? java.util.Optional.empty()
                      : roles.getRoles().stream()
                          .filter(r -> r instanceof Guard)
                          .map(r -> ((Guard) r).action())
                          .flatMap(java.util.Optional::stream)
                          .findFirst();
              boolean self = roles != null && roles.getRoles().contains(Guard.SELF);
              return new RouteInfo(e.endpoint.method.name(), e.endpoint.path, action, self);
            })
        .toList();
  }

  /**
   * One route of the server.
   *
   * @param action the policy action guarding it (state-changing routes)
   * @param selfGuarded a login-flow route that checks and audits by itself
   */
  public record RouteInfo(
      String method,
      String path,
      java.util.Optional<org.seakeeper.core.access.Action> action,
      boolean selfGuarded) {}

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
