package org.seakeeper.web;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small OpenID provider on loopback for tests, speaking the protocol over real HTTP with real
 * RS256-signed ID tokens: discovery, JWKS, an authorization endpoint that logs in {@link #user} at
 * once, and a token endpoint that checks the client secret, the redirect URI and the PKCE verifier,
 * and accepts each code once. {@link #mode} makes the next ID token bad in one way.
 */
final class TestOidcProvider implements AutoCloseable {
  enum Mode {
    GOOD,
    FORGED,
    EXPIRED,
    WRONG_AUDIENCE,
    UNSIGNED,
    WRONG_NONCE
  }

  static final String CLIENT = "seakeeper";
  static final String SECRET = "client-secret";

  private record Code(
      String user, List<String> groups, String nonce, String challenge, String redirect) {}

  private final HttpServer server;
  private final RSAKey key;
  private final RSAKey other;
  private final Map<String, Code> codes = new ConcurrentHashMap<>();
  volatile String user = "alice";
  volatile List<String> groups = List.of("devs");
  volatile Mode mode = Mode.GOOD;
  volatile String lastCode;

  TestOidcProvider() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("k1").generate();
    other = new RSAKeyGenerator(2048).keyID("k1").generate(); // same kid, not the provider's
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/.well-known/openid-configuration", this::discovery);
    server.createContext("/jwks", ex -> send(ex, 200, new JWKSet(key.toPublicJWK()).toString()));
    server.createContext("/authorize", this::authorize);
    server.createContext("/token", this::token);
    server.start();
  }

  String issuer() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void discovery(HttpExchange ex) throws IOException {
    String i = issuer();
    send(
        ex,
        200,
        "{\"issuer\":\""
            + i
            + "\",\"authorization_endpoint\":\""
            + i
            + "/authorize\",\"token_endpoint\":\""
            + i
            + "/token\",\"jwks_uri\":\""
            + i
            + "/jwks\",\"response_types_supported\":[\"code\"],"
            + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
  }

  private void authorize(HttpExchange ex) throws IOException {
    Map<String, String> q = parse(ex.getRequestURI().getRawQuery());
    if (!CLIENT.equals(q.get("client_id")) || !"S256".equals(q.get("code_challenge_method"))) {
      send(ex, 400, "{\"error\":\"invalid_request\"}");
      return;
    }
    String code = "c" + Long.toHexString(System.nanoTime());
    codes.put(
        code,
        new Code(user, groups, q.get("nonce"), q.get("code_challenge"), q.get("redirect_uri")));
    lastCode = code;
    String loc =
        q.get("redirect_uri")
            + "?code="
            + code
            + "&state="
            + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Location", loc);
    ex.sendResponseHeaders(302, -1);
    ex.close();
  }

  private void token(HttpExchange ex) throws IOException {
    Map<String, String> f =
        parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((CLIENT + ":" + SECRET).getBytes(StandardCharsets.UTF_8));
    if (!basic.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      send(ex, 401, "{\"error\":\"invalid_client\"}");
      return;
    }
    Code c = codes.remove(f.getOrDefault("code", "")); // each code works once
    if (c == null
        || !c.redirect().equals(f.get("redirect_uri"))
        || !c.challenge().equals(s256(f.getOrDefault("code_verifier", "")))) {
      send(ex, 400, "{\"error\":\"invalid_grant\"}");
      return;
    }
    try {
      send(
          ex,
          200,
          "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"id_token\":\""
              + idToken(c)
              + "\"}");
    } catch (Exception e) {
      send(ex, 500, "{\"error\":\"server_error\"}");
    }
  }

  private String idToken(Code c) throws Exception {
    Instant now = Instant.now();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer())
            .subject("sub-" + c.user())
            .audience(mode == Mode.WRONG_AUDIENCE ? "someone-else" : CLIENT)
            .issueTime(Date.from(now.minusSeconds(mode == Mode.EXPIRED ? 7200 : 0)))
            .expirationTime(
                Date.from(mode == Mode.EXPIRED ? now.minusSeconds(3600) : now.plusSeconds(300)))
            .claim("nonce", mode == Mode.WRONG_NONCE ? "another-nonce" : c.nonce())
            .claim("preferred_username", c.user())
            .claim("groups", c.groups())
            .build();
    if (mode == Mode.UNSIGNED) {
      return new PlainJWT(claims).serialize();
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(JOSEObjectType.JWT).build(),
            claims);
    jwt.sign(new RSASSASigner(mode == Mode.FORGED ? other : key));
    return jwt.serialize();
  }

  static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> parse(String q) {
    Map<String, String> m = new HashMap<>();
    if (q == null || q.isEmpty()) {
      return m;
    }
    for (String kv : q.split("&")) {
      int i = kv.indexOf('=');
      if (i > 0) {
        m.put(
            URLDecoder.decode(kv.substring(0, i), StandardCharsets.UTF_8),
            URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
      }
    }
    return m;
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  static URI uri(String s) {
    return URI.create(s);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
