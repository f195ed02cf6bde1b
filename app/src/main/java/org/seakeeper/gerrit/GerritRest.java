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

/**
 * A small client of Gerrit's REST API: JSON in and out, HTTP basic auth on {@code /a/...} (or
 * anonymous without a user), Gerrit's {@code )]}'} prefix stripped. Never looks at Gerrit's
 * version. Thread-safe.
 */
public final class GerritRest {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final String XSSI = ")]}'";
  private final String base;
  private final String authorization;
  // HTTP/1.1: the JDK client's default (HTTP/2) asks every plain-http request to upgrade to h2c
  // (extra headers Gerrit ignores); connections are kept alive and reused either way.
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  /** An HTTP answer other than 2xx. */
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
    String b = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    this.base = user == null ? b : b + "a/";
    this.authorization = user == null ? null : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  public JsonNode get(String path) throws IOException {
    return send("GET", path, null);
  }

  public JsonNode post(String path, String json) throws IOException {
    return send("POST", path, json);
  }

  public JsonNode put(String path, String json) throws IOException {
    return send("PUT", path, json);
  }

  /** Whether a GET answers 2xx now (for waiting until a server is up). */
  public boolean tryGet(String path) {
    try {
      get(path);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private JsonNode send(String method, String path, String json) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    b.header("Accept", "application/json");
    if (json != null) {
      b.header("Content-Type", "application/json; charset=UTF-8");
    }
    b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(method + " " + path + " interrupted", e);
    }
    String body = r.body();
    if (r.statusCode() / 100 != 2) {
      throw new HttpError(r.statusCode(), method + " " + base + path + ": HTTP " + r.statusCode() + ": " + body.strip());
    }
    if (body.startsWith(XSSI)) {
      body = body.substring(XSSI.length());
    }
    return body.isBlank() ? MissingNode.getInstance() : JSON.readTree(body);
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
