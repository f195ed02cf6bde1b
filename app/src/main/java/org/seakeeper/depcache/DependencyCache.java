package org.seakeeper.depcache;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.seakeeper.core.model.Tier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in read-through dependency cache (docs/contracts.md §8): Maven repositories under
 * {@code /maven/}, the npm registry under {@code /npm/}, a PyPI simple index under {@code
 * /pypi/simple/} (files under {@code /pypi/files/}), one Jetty server with any number of listeners.
 *
 * <p>A listener is a Unix domain socket or a TCP port, and stands for one tier: the tier of every
 * request is known from the socket it came through, never from the request. Untrusted listeners
 * have a {@link MissBudget}; their misses cannot evict files kept for trusted builds below the
 * configured floor. The intended use: one socket per untrusted job ({@link #openJob}), bound into
 * its sandbox and closed when the job ends (its budget goes with it); one shared socket or port for
 * trusted tiers ({@link #listenUnix}, {@link #listenTcp}).
 *
 * <pre>{@code
 * DependencyCache cache = new DependencyCache(DependencyCacheConfig.defaults(dir), registry);
 * cache.start();
 * Listener trusted = cache.listenUnix(runDir.resolve("deps-trusted.sock"), Tier.TRUSTED, MissBudget.UNLIMITED, "trusted");
 * try (Listener job = cache.openJob("build-42", Tier.UNTRUSTED, jobDir.resolve("deps.sock"), MissBudget.DEFAULT_UNTRUSTED_JOB)) {
 *   ... run the job with deps.sock bound in ...
 * }
 * cache.stop();
 * }</pre>
 */
public final class DependencyCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("org.seakeeper.depcache");

  /** What a listener's requests have cost so far: upstream fetches, bytes, misses refused. */
  public record Usage(long misses, long bytes, long refused) {}

  /** One socket or port of the cache, for one tier. Closing it stops accepting on it. */
  public interface Listener extends AutoCloseable {
    /** The tier every request through this listener is served as. */
    Tier tier();

    /** The Unix socket's path, for a socket listener. */
    Optional<Path> socket();

    /** The bound TCP port, for a TCP listener; -1 otherwise. */
    int port();

    /** {@code http://127.0.0.1:PORT/} for a TCP listener (the base of its paths). */
    Optional<URI> url();

    /** What this listener's requests have cost so far. */
    Usage usage();

    @Override
    void close();
  }

  private final DependencyCacheConfig config;
  private final CacheMetrics metrics;
  private final Clock clock;
  private final Map<Connector, CacheHandler.Context> contexts = new ConcurrentHashMap<>();
  private Server server;
  private ScheduledExecutorService timer;

  public DependencyCache(DependencyCacheConfig config, MeterRegistry registry) {
    this(config, registry, Clock.systemUTC());
  }

  /** With a clock for the metadata TTL (tests step it). */
  public DependencyCache(DependencyCacheConfig config, MeterRegistry registry, Clock clock) {
    this.config = config;
    this.metrics = new CacheMetrics(registry);
    this.clock = clock;
  }

  public DependencyCacheConfig config() {
    return config;
  }

  /** Opens the store (creating {@code dir}) and starts the server, with no listener yet. */
  public synchronized void start() throws IOException {
    if (server != null) {
      return;
    }
    FileStore store = new FileStore(config.dir(), config.maxSize(), config.trustedFloor());
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "depcache-timer");
              t.setDaemon(true);
              return t;
            });
    UpstreamClient upstream =
        new UpstreamClient(
            config.connectTimeout(), config.requestTimeout(), config.downloadTimeout(), timer);
    ReadThrough readThrough = new ReadThrough(config, store, upstream, metrics, clock);
    QueuedThreadPool pool = new QueuedThreadPool();
    pool.setName("depcache");
    pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    Server s = new Server(pool);
    s.setHandler(new CacheHandler(readThrough, metrics, config, contexts));
    s.setErrorHandler(new CountingErrorHandler(metrics));
    s.setStopTimeout(2_000);
    try {
      s.start();
    } catch (Exception e) {
      timer.shutdownNow();
      throw new IOException("the dependency cache could not start: " + e.getMessage(), e);
    }
    server = s;
    long[] usage = store.usage();
    LOG.info(
        "dependency cache at {}: {} bytes cached ({} kept for trusted builds), max {}",
        config.dir(),
        usage[0],
        usage[1],
        config.maxSize());
  }

  /** Stops every listener and the server. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    for (Connector c : server.getConnectors()) {
      contexts.remove(c);
    }
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("stopping the dependency cache: {}", e.getMessage());
    }
    timer.shutdownNow();
    server = null;
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Listens on a Unix domain socket at {@code socket} (replacing a stale socket file there) for
   * requests of {@code tier}. The socket file is made readable and writable by all: who may reach
   * it is decided by its directory and by which sandboxes it is bound into.
   */
  public Listener listenUnix(Path socket, Tier tier, MissBudget budget, String label)
      throws IOException {
    Server s = running();
    if (Files.exists(socket) && !Files.isRegularFile(socket) && !Files.isDirectory(socket)) {
      Files.delete(socket);
    }
    UnixDomainServerConnector connector =
        new UnixDomainServerConnector(s, new RequestLineTracking(httpConfiguration()));
    connector.setUnixDomainPath(socket);
    Listener listener = open(s, connector, tier, budget, label, Optional.of(socket));
    try {
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
    } catch (UnsupportedOperationException | IOException e) {
      LOG.warn("could not open the permissions of {}: {}", socket, e.getMessage());
    }
    return listener;
  }

  /**
   * Listens on a TCP port ({@code 0}: any free one) of {@code host} for requests of {@code tier}.
   */
  public Listener listenTcp(String host, int port, Tier tier, MissBudget budget, String label)
      throws IOException {
    Server s = running();
    ServerConnector connector =
        new ServerConnector(s, new RequestLineTracking(httpConfiguration()));
    connector.setHost(host);
    connector.setPort(port);
    return open(s, connector, tier, budget, label, Optional.empty());
  }

  /**
   * A job's own socket: requests through it are served as {@code tier}, and spend {@code budget}
   * (pass {@link MissBudget#UNLIMITED} for trusted tiers). Close it when the job ends; {@link
   * Listener#usage()} says what the job cost, and is logged on close.
   */
  public Listener openJob(String job, Tier tier, Path socket, MissBudget budget)
      throws IOException {
    return listenUnix(socket, tier, budget, job);
  }

  private Listener open(
      Server s,
      AbstractConnector connector,
      Tier tier,
      MissBudget budget,
      String label,
      Optional<Path> socket)
      throws IOException {
    CacheHandler.Context context =
        new CacheHandler.Context(tier != Tier.UNTRUSTED, new Budget(budget), label);
    contexts.put(connector, context);
    s.addConnector(connector);
    try {
      connector.start();
    } catch (Exception e) {
      contexts.remove(connector);
      s.removeConnector(connector);
      throw new IOException(
          "the dependency cache could not listen on "
              + socket.map(Path::toString).orElse("a TCP port")
              + ": "
              + e.getMessage(),
          e);
    }
    int port = connector instanceof ServerConnector sc ? sc.getLocalPort() : -1;
    return new Listener() {
      @Override
      public Tier tier() {
        return tier;
      }

      @Override
      public Optional<Path> socket() {
        return socket;
      }

      @Override
      public int port() {
        return port;
      }

      @Override
      public Optional<URI> url() {
        return port < 0
            ? Optional.empty()
            : Optional.of(URI.create("http://127.0.0.1:" + port + "/"));
      }

      @Override
      public Usage usage() {
        return context.budget().usage();
      }

      @Override
      public void close() {
        if (contexts.remove(connector) == null) {
          return;
        }
        try {
          connector.stop();
        } catch (Exception e) {
          LOG.warn("closing the cache listener of {}: {}", label, e.getMessage());
        }
        s.removeConnector(connector);
        socket.ifPresent(
            p -> {
              try {
                Files.deleteIfExists(p);
              } catch (IOException e) {
                // the directory may be gone already
              }
            });
        Usage u = usage();
        LOG.info(
            "cache listener of {} closed: {} misses, {} bytes from upstreams, {} misses refused",
            label,
            u.misses(),
            u.bytes(),
            u.refused());
      }
    };
  }

  private Server running() {
    synchronized (this) {
      if (server == null) {
        throw new IllegalStateException("the dependency cache is not started");
      }
      return server;
    }
  }

  /**
   * Lets every request line through to the cache's own grammar (which refuses and counts what is
   * ambiguous) instead of Jetty rejecting some of them uncounted.
   */
  private static HttpConfiguration httpConfiguration() {
    HttpConfiguration http = new HttpConfiguration();
    http.setUriCompliance(UriCompliance.UNSAFE);
    http.setHttpCompliance(HttpCompliance.from("RFC9110,MISMATCHED_AUTHORITY"));
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    return http;
  }

  /** Counts what Jetty itself rejects (unparseable requests) as refused. */
  private static final class CountingErrorHandler extends ErrorHandler {
    private final CacheMetrics metrics;

    CountingErrorHandler(CacheMetrics metrics) {
      this.metrics = metrics;
      setShowStacks(false);
    }

    @Override
    public java.nio.ByteBuffer badMessageError(
        int status, String reason, HttpFields.Mutable fields) {
      metrics.request(CacheMetrics.NONE, "refused");
      return super.badMessageError(status, reason, fields);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      Object status = request.getAttribute(ERROR_STATUS);
      if (status instanceof Integer code && code >= 400 && code < 500) {
        metrics.request(CacheMetrics.NONE, "refused");
      } else {
        metrics.request(CacheMetrics.NONE, "error");
      }
      return super.handle(request, response, callback);
    }
  }
}
