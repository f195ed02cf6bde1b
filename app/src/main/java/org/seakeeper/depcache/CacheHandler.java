package org.seakeeper.depcache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.seakeeper.core.depcache.CachePaths;
import org.seakeeper.core.depcache.CacheRequest;
import org.seakeeper.core.depcache.CacheRequest.NpmPackument;
import org.seakeeper.core.depcache.CacheRequest.PypiProject;
import org.seakeeper.core.depcache.Ecosystem;
import org.seakeeper.core.depcache.NpmNames;
import org.seakeeper.core.depcache.PypiIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's HTTP side: refuses what is not a GET/HEAD of a path in the grammar, or that names a
 * host other than the cache's own (absolute-form requests for other hosts, foreign Host headers),
 * then answers from {@link ReadThrough}, rewriting npm packuments and PyPI pages so their links
 * point into the cache. Counts every request in the metrics.
 */
final class CacheHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger("org.seakeeper.depcache");
  private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]");

  /** What a listener stands for: its tier, budget and label (a job id, or the tier's name). */
  record Context(boolean trusted, Budget budget, String label) {}

  private final ReadThrough readThrough;
  private final CacheMetrics metrics;
  private final DependencyCacheConfig config;
  private final Map<Connector, Context> contexts;
  private final Set<String> allowedHosts;
  private final ObjectMapper json = new ObjectMapper();

  CacheHandler(
      ReadThrough readThrough,
      CacheMetrics metrics,
      DependencyCacheConfig config,
      Map<Connector, Context> contexts) {
    this.readThrough = readThrough;
    this.metrics = metrics;
    this.config = config;
    this.contexts = contexts;
    java.util.HashSet<String> hosts = new java.util.HashSet<>(LOOPBACK_NAMES);
    config.publicBase().map(u -> u.getHost().toLowerCase(Locale.ROOT)).ifPresent(hosts::add);
    this.allowedHosts = Set.copyOf(hosts);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    try {
      serve(request, response);
      callback.succeeded();
    } catch (Throwable t) {
      LOG.warn("serving {} failed: {}", request.getHttpURI().getPath(), t.toString());
      callback.failed(t);
    }
    return true;
  }

  private void serve(Request request, Response response) throws IOException {
    Context context = contexts.get(request.getConnectionMetaData().getConnector());
    if (context == null) {
      send(response, 503, "listener closed");
      return;
    }
    String method = request.getMethod();
    String path = request.getHttpURI().getPath();
    String accept = request.getHeaders().get(HttpHeader.ACCEPT);
    String host = request.getHeaders().get(HttpHeader.HOST);
    CachePaths.Parsed parsed = CachePaths.parse(method, path, accept);
    String label =
        parsed instanceof CachePaths.Refused r
            ? r.ecosystem().map(Ecosystem::label).orElse(CacheMetrics.NONE)
            : ((CachePaths.Accepted) parsed).request().ecosystem().label();
    Optional<String> foreign = foreignHost(request, host);
    if (foreign.isPresent()) {
      refuse(response, context, label, 400, foreign.get(), method, path);
      return;
    }
    if (parsed instanceof CachePaths.Refused r) {
      refuse(response, context, label, r.status(), r.reason(), method, path);
      return;
    }
    CacheRequest wanted = ((CachePaths.Accepted) parsed).request();
    if (!configured(wanted.ecosystem())) {
      refuse(response, context, label, 404, "no upstream configured for " + label, method, path);
      return;
    }
    ReadThrough.Asker who =
        new ReadThrough.Asker(context.trusted(), context.budget(), context.label());
    ReadThrough.Answer answer = readThrough.obtain(wanted, who);
    boolean head = "HEAD".equals(method);
    switch (answer) {
      case ReadThrough.Problem p -> {
        metrics.request(label, p.result());
        send(response, p.status(), p.message());
      }
      case ReadThrough.Found found -> {
        long sent;
        try (FileStore.Opened file = found.file()) {
          sent =
              switch (wanted) {
                case NpmPackument p -> sendBytes(response, head, packument(p, file, host), p);
                case PypiProject p -> sendPage(response, head, p, file, accept);
                default -> sendFile(response, head, file, contentType(wanted));
              };
        }
        metrics.request(label, who.missed ? "miss" : "hit");
        if (!who.missed) {
          metrics.bytes(wanted.ecosystem(), "cache", sent);
        }
      }
    }
  }

  /** Why the request names a host that is not the cache (absolute-form, foreign Host), if so. */
  private Optional<String> foreignHost(Request request, String hostHeader) {
    String line = RequestLineTracking.target(request.getConnectionMetaData());
    if (line != null && !line.startsWith("/")) {
      return Optional.of("only origin-form requests are served: no proxying, no CONNECT");
    }
    if (hostHeader == null) {
      return Optional.empty();
    }
    String host = hostOnly(hostHeader);
    if (!allowedHosts.contains(host)) {
      return Optional.of("Host " + hostHeader + " is not this cache");
    }
    String target = request.getHttpURI().getHost();
    if (target != null && !hostOnly(target).equals(host)) {
      return Optional.of("absolute-form requests (proxying) are refused");
    }
    return Optional.empty();
  }

  private static String hostOnly(String hostPort) {
    String h = hostPort.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 ? h.substring(0, end + 1) : h;
    }
    if (h.indexOf(':') != h.lastIndexOf(':')) {
      return "[" + h + "]";
    }
    int colon = h.indexOf(':');
    return colon >= 0 ? h.substring(0, colon) : h;
  }

  private boolean configured(Ecosystem ecosystem) {
    return switch (ecosystem) {
      case MAVEN -> !config.maven().isEmpty();
      case NPM -> config.npm().isPresent();
      case PYPI -> config.pypi().isPresent();
    };
  }

  private void refuse(
      Response response,
      Context context,
      String ecosystem,
      int status,
      String reason,
      String method,
      String path)
      throws IOException {
    metrics.request(ecosystem, "refused");
    LOG.info("refused {} {} from {}: {}", method, printable(path), context.label(), reason);
    send(response, status, reason);
  }

  private static String printable(String s) {
    if (s == null) {
      return "(none)";
    }
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
      if (b.length() > 300) {
        return b + "...";
      }
    }
    return b.toString();
  }

  private byte[] packument(NpmPackument p, FileStore.Opened file, String hostHeader)
      throws IOException {
    JsonNode tree = json.readTree(file.readAll());
    if (tree instanceof ObjectNode root && root.get("versions") instanceof ObjectNode versions) {
      String base =
          config
              .publicBase()
              .map(u -> u.toString().endsWith("/") ? u.toString() : u + "/")
              .orElse("http://" + (hostHeader == null ? "127.0.0.1" : hostHeader.strip()) + "/");
      List<String> names = new ArrayList<>();
      versions.fieldNames().forEachRemaining(names::add);
      for (String version : names) {
        JsonNode v = versions.get(version);
        if (!NpmNames.validVersion(version) || !(v instanceof ObjectNode vo)) {
          versions.remove(version);
          continue;
        }
        if (vo.get("dist") instanceof ObjectNode dist) {
          dist.put(
              "tarball",
              base
                  + "npm/"
                  + p.name()
                  + "/-/"
                  + new CacheRequest.NpmTarball(p.name(), version).fileName());
        }
      }
    }
    return json.writeValueAsBytes(tree);
  }

  private long sendBytes(Response response, boolean head, byte[] body, NpmPackument p)
      throws IOException {
    response.setStatus(200);
    response
        .getHeaders()
        .put(
            HttpHeader.CONTENT_TYPE,
            p.abbreviated() ? "application/vnd.npm.install-v1+json" : "application/json");
    response.getHeaders().put(HttpHeader.VARY, "Accept");
    return write(response, head, body);
  }

  private long sendPage(
      Response response, boolean head, PypiProject p, FileStore.Opened file, String accept)
      throws IOException {
    List<PypiIndex.Link> links = readThrough.pypiLinks(p, file.readAll());
    boolean wantsJson = PypiIndex.wantsJson(accept);
    byte[] body =
        (wantsJson ? PypiIndex.json(p.project(), links) : PypiIndex.html(p.project(), links))
            .getBytes(StandardCharsets.UTF_8);
    response.setStatus(200);
    response
        .getHeaders()
        .put(
            HttpHeader.CONTENT_TYPE,
            wantsJson ? "application/vnd.pypi.simple.v1+json" : "text/html; charset=utf-8");
    response.getHeaders().put(HttpHeader.VARY, "Accept");
    return write(response, head, body);
  }

  private static long write(Response response, boolean head, byte[] body) throws IOException {
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    if (head) {
      return 0;
    }
    try (OutputStream out = Content.Sink.asOutputStream(response)) {
      out.write(body);
    }
    return body.length;
  }

  private static long sendFile(
      Response response, boolean head, FileStore.Opened file, String contentType)
      throws IOException {
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, file.size());
    if (head) {
      return 0;
    }
    file.channel().position(0);
    try (OutputStream out = Content.Sink.asOutputStream(response)) {
      return Channels.newInputStream(file.channel()).transferTo(out);
    }
  }

  private static String contentType(CacheRequest request) {
    String key = request.storeKey();
    if (key.endsWith(".jar")) {
      return "application/java-archive";
    }
    if (key.endsWith(".pom") || key.endsWith(".xml")) {
      return "text/xml";
    }
    if (key.endsWith(".sha1")
        || key.endsWith(".md5")
        || key.endsWith(".sha256")
        || key.endsWith(".sha512")) {
      return "text/plain";
    }
    if (key.endsWith(".metadata")) {
      return "text/plain; charset=utf-8";
    }
    return "application/octet-stream";
  }

  static void send(Response response, int status, String message) throws IOException {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    write(response, false, (message + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
