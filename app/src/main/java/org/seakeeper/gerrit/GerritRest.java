package org.seakeeper.gerrit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.seakeeper.core.effect.Outage;

/**
 * A small client of Gerrit's REST API: JSON in and out, HTTP basic auth on {@code /a/...} (or
 * anonymous without a user), Gerrit's {@code )]}'} prefix stripped. Never looks at Gerrit's
 * version. Thread-safe.
 *
 * <p>Every call ends within its {@link Timeouts}: connecting within {@code connect}, the whole
 * exchange (headers and body) within {@code request}. What ends a call is classified here, at the
 * edge:
 *
 * <ul>
 *   <li>Gerrit's explicit answer to the request, a 4xx other than 408 and 429 (404 not found, 409
 *       conflict, 403 forbidden, ...): {@link HttpError}, a checked exception the caller decides on
 *       (for a submit, a refusal; for a look-up, "not found").
 *   <li>Anything else that is not a 2xx with a readable body: refused or reset connections,
 *       timeouts, 5xx, 408, 429, 1xx/3xx, an unreadable body, an interrupt: {@link Outage}
 *       (unchecked, naming the connection), infrastructure trouble that is never a verdict.
 * </ul>
 */
public final class GerritRest {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final String XSSI = ")]}'";
  private final String connection;
  private final String base;
  private final String authorization;
  private final Timeouts timeouts;
  // HTTP/1.1: the JDK client's default (HTTP/2) asks every plain-http request to upgrade to h2c
  // (extra headers Gerrit ignores); connections are kept alive and reused either way.
  private final HttpClient http;

  /**
   * How long a call to Gerrit may take: {@code connect} to open a connection (REST, git over HTTP,
   * SSH), {@code request} for a whole REST exchange and for each read of a git fetch (and SSH
   * authentication and channel opening). Server config: {@code connect_timeout}, {@code
   * request_timeout} of a gerrit connection.
   */
  public record Timeouts(Duration connect, Duration request) {
    public static final Timeouts DEFAULT =
        new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(20));

    public Timeouts {
      if (connect.isNegative() || connect.isZero() || request.isNegative() || request.isZero()) {
        throw new IllegalArgumentException(
            "timeouts must be positive: " + connect + ", " + request);
      }
    }

    /** The request timeout in whole seconds, at least 1 (JGit's transports count in seconds). */
    public int requestSeconds() {
      return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (request.toMillis() + 999) / 1000));
    }
  }

  /**
   * Gerrit's explicit answer to the request: a 4xx other than 408 and 429 (never thrown for other
   * statuses, which are an {@link Outage}).
   */
  public static final class HttpError extends IOException {
    private final int status;

    HttpError(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /**
   * @param baseUrl the Gerrit's URL ({@code http://host:port/}, a trailing slash is added)
   * @param user null for anonymous access
   */
  public GerritRest(String baseUrl, String user, String password) {
    this("gerrit", baseUrl, user, password, Timeouts.DEFAULT);
  }

  /**
   * @param connection the connection's name (for {@link Outage#connection()} and messages)
   * @param baseUrl the Gerrit's URL ({@code http://host:port/}, a trailing slash is added)
   * @param user null for anonymous access
   */
  public GerritRest(
      String connection, String baseUrl, String user, String password, Timeouts timeouts) {
    this.connection = connection;
    this.timeouts = timeouts;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeouts.connect())
            .build();
    String b = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    this.base = user == null ? b : b + "a/";
    this.authorization =
        user == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  public JsonNode get(String path) throws HttpError {
    return send("GET", path, null);
  }

  public JsonNode post(String path, String json) throws HttpError {
    return send("POST", path, json);
  }

  public JsonNode put(String path, String json) throws HttpError {
    return send("PUT", path, json);
  }

  /** Whether a GET answers 2xx now (for waiting until a server is up). */
  public boolean tryGet(String path) {
    try {
      get(path);
      return true;
    } catch (IOException | Outage e) {
      return false;
    }
  }

  /**
   * Whether an HTTP status is Gerrit's explicit answer (a 4xx other than 408 and 429), not an
   * outage.
   */
  public static boolean explicit(int status) {
    return status / 100 == 4 && status != 408 && status != 429;
  }

  private JsonNode send(String method, String path, String json) throws HttpError {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(timeouts.request());
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    b.header("Accept", "application/json");
    if (json != null) {
      b.header("Content-Type", "application/json; charset=UTF-8");
    }
    b.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    String what = method + " " + base + path;
    HttpResponse<String> r;
    // The request timeout of the JDK client ends with the headers; the future's covers the body
    // too.
    CompletableFuture<HttpResponse<String>> f =
        http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    try {
      r = f.get(timeouts.request().toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new Outage(connection, what + ": interrupted", e);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new Outage(
          connection, what + ": no answer within " + timeouts.request().toMillis() + " ms", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof java.net.http.HttpConnectTimeoutException) {
        throw new Outage(
            connection,
            what + ": no connection within " + timeouts.connect().toMillis() + " ms",
            cause);
      }
      if (cause instanceof java.net.http.HttpTimeoutException) {
        throw new Outage(
            connection,
            what + ": no answer within " + timeouts.request().toMillis() + " ms",
            cause);
      }
      throw new Outage(connection, what + ": " + cause, cause);
    }
    String body = r.body() == null ? "" : r.body();
    int status = r.statusCode();
    if (status / 100 != 2) {
      String message = what + ": HTTP " + status + ": " + abbreviate(body.strip());
      if (explicit(status)) {
        throw new HttpError(status, message);
      }
      throw new Outage(connection, message);
    }
    if (body.startsWith(XSSI)) {
      body = body.substring(XSSI.length());
    }
    try {
      return body.isBlank() ? MissingNode.getInstance() : JSON.readTree(body);
    } catch (IOException e) {
      // a proxy's error page with a 200, a truncated answer: not Gerrit's word on anything
      throw new Outage(connection, what + ": unreadable answer: " + e.getMessage(), e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 500 ? s.substring(0, 500) + "..." : s;
  }

  /** The connection's name. */
  public String connection() {
    return connection;
  }

  public Timeouts timeouts() {
    return timeouts;
  }

  /** A path segment: project names may hold {@code /}, which Gerrit wants encoded. */
  public static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A JSON object of alternating keys and values. */
  public static String json(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    try {
      return JSON.writeValueAsString(m);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
