package org.seakeeper.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.seakeeper.core.model.ServerConfig;

/**
 * OpenID Connect login with the authorization code flow, PKCE (S256), {@code state} and {@code
 * nonce} (docs/contracts.md §9). The provider is found by discovery ({@code
 * ISSUER/.well-known/openid-configuration}, whose {@code issuer} must be the configured one); the
 * ID token is checked with Nimbus JOSE: signed (RS/PS/ES, never {@code none} or HMAC) by a key of
 * the provider's JWKS, issued by the issuer, for this client ({@code aud}, and {@code azp} when
 * there are several audiences), not expired, carrying the login's nonce. Thread-safe.
 */
public final class OidcLogin {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384);

  /** Who logged in: the user name claim and the groups claim. */
  public record Person(String user, Set<String> groups) {}

  private record Provider(URI authorize, URI token, JWKSource<SecurityContext> keys) {}

  private final ServerConfig.Oidc cfg;
  private final Optional<String> clientSecret;
  private final URI redirectUri;
  private final Clock clock;
  private final HttpClient http;
  private volatile Provider provider;

  /**
   * @param clientSecret the client secret (read from {@code client_secret_file}); empty for a
   *     public client
   * @param redirectUri this server's {@code /login/callback}, as registered at the provider
   */
  public OidcLogin(
      ServerConfig.Oidc cfg, Optional<String> clientSecret, URI redirectUri, Clock clock) {
    this.cfg = cfg;
    this.clientSecret = clientSecret;
    this.redirectUri = redirectUri;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Where to send the browser to log in for the login {@code p}. */
  public URI authorizationUrl(LoginSessions.Pending p) throws LoginRefused {
    Provider pr = provider();
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("client_id", cfg.clientId());
    q.put("redirect_uri", redirectUri.toString());
    q.put("scope", "openid profile email");
    q.put("state", p.state());
    q.put("nonce", p.nonce());
    q.put("code_challenge", challenge(p.verifier()));
    q.put("code_challenge_method", "S256");
    String sep = pr.authorize().getRawQuery() == null ? "?" : "&";
    return URI.create(pr.authorize() + sep + form(q));
  }

  /** Exchanges the code for tokens and validates the ID token; who it names. */
  public Person finish(LoginSessions.Pending p, String code) throws LoginRefused {
    Provider pr = provider();
    Map<String, String> f = new LinkedHashMap<>();
    f.put("grant_type", "authorization_code");
    f.put("code", code);
    f.put("redirect_uri", redirectUri.toString());
    f.put("code_verifier", p.verifier());
    HttpRequest.Builder r =
        HttpRequest.newBuilder(pr.token())
            .timeout(TIMEOUT)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json");
    if (clientSecret.isPresent()) {
      String basic =
          URLEncoder.encode(cfg.clientId(), StandardCharsets.UTF_8)
              + ":"
              + URLEncoder.encode(clientSecret.get(), StandardCharsets.UTF_8);
      r.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    } else {
      f.put("client_id", cfg.clientId());
    }
    HttpResponse<String> res = send(r.POST(HttpRequest.BodyPublishers.ofString(form(f))).build());
    JsonNode body = json(res.body());
    if (res.statusCode() != 200) {
      String error = body.path("error").asText("");
      throw new LoginRefused(
          "The identity provider would not exchange the authorization code"
              + (error.isBlank() ? "" : " (" + clean(error) + ")")
              + ": it may have been used already or have expired. Log in again.");
    }
    String idToken = body.path("id_token").asText("");
    if (idToken.isBlank()) {
      throw new LoginRefused("The identity provider sent no ID token.");
    }
    JWTClaimsSet claims = validate(pr, idToken, p.nonce());
    return person(claims);
  }

  private JWTClaimsSet validate(Provider pr, String idToken, String nonce) throws LoginRefused {
    DefaultJWTProcessor<SecurityContext> proc = new DefaultJWTProcessor<>();
    proc.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, pr.keys()));
    DefaultJWTClaimsVerifier<SecurityContext> verifier =
        new DefaultJWTClaimsVerifier<>(
            cfg.clientId(),
            new JWTClaimsSet.Builder().issuer(cfg.issuer()).claim("nonce", nonce).build(),
            Set.of("sub", "iat", "exp")) {
          @Override
          protected Date currentTime() {
            return Date.from(clock.instant());
          }
        };
    proc.setJWTClaimsSetVerifier(verifier);
    JWTClaimsSet claims;
    try {
      claims = proc.process(idToken, null);
    } catch (ParseException e) {
      throw new LoginRefused("The ID token from the identity provider is not a JWT.");
    } catch (BadJOSEException e) {
      throw new LoginRefused(
          "The ID token from the identity provider is not valid: " + clean(e.getMessage()) + ".");
    } catch (JOSEException e) {
      throw new LoginRefused(
          "The ID token from the identity provider could not be checked: "
              + clean(e.getMessage())
              + ".");
    }
    List<String> aud = claims.getAudience();
    if (aud.size() > 1) {
      Object azp = claims.getClaim("azp");
      if (!cfg.clientId().equals(azp)) {
        throw new LoginRefused(
            "The ID token from the identity provider is not valid: it names several audiences"
                + " and this server is not its authorized party (azp).");
      }
    }
    return claims;
  }

  private Person person(JWTClaimsSet c) throws LoginRefused {
    Object name = c.getClaim(cfg.userClaim());
    String user = name instanceof String s && !s.isBlank() ? s : c.getSubject();
    if (user == null || user.isBlank() || user.length() > 200 || !user.strip().equals(user)) {
      throw new LoginRefused("The ID token names no usable user.");
    }
    Set<String> groups = new LinkedHashSet<>();
    Object g = c.getClaim(cfg.groupsClaim());
    if (g instanceof List<?> list) {
      for (Object x : list) {
        if (x instanceof String s && !s.isBlank()) {
          groups.add(s.startsWith("/") ? s.substring(1) : s); // Keycloak writes "/group"
        }
      }
    } else if (g instanceof String s && !s.isBlank()) {
      groups.add(s);
    }
    return new Person(user, groups);
  }

  private Provider provider() throws LoginRefused {
    Provider p = provider;
    if (p != null) {
      return p;
    }
    String base =
        cfg.issuer().endsWith("/")
            ? cfg.issuer().substring(0, cfg.issuer().length() - 1)
            : cfg.issuer();
    HttpResponse<String> res =
        send(
            HttpRequest.newBuilder(URI.create(base + "/.well-known/openid-configuration"))
                .timeout(TIMEOUT)
                .header("Accept", "application/json")
                .GET()
                .build());
    JsonNode d = json(res.body());
    if (res.statusCode() != 200 || !d.isObject()) {
      throw new LoginRefused(
          "The identity provider's discovery document could not be read (HTTP "
              + res.statusCode()
              + ").");
    }
    if (!cfg.issuer().equals(d.path("issuer").asText())) {
      throw new LoginRefused(
          "The identity provider's discovery document names another issuer than auth.oidc.issuer.");
    }
    try {
      p =
          new Provider(
              URI.create(d.path("authorization_endpoint").asText()),
              URI.create(d.path("token_endpoint").asText()),
              JWKSourceBuilder.create(URI.create(d.path("jwks_uri").asText()).toURL())
                  .retrying(true)
                  .build());
    } catch (IllegalArgumentException | java.net.MalformedURLException e) {
      throw new LoginRefused("The identity provider's discovery document is incomplete.");
    }
    provider = p;
    return p;
  }

  private HttpResponse<String> send(HttpRequest r) throws LoginRefused {
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new LoginRefused("The identity provider cannot be reached: " + clean(e.toString()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoginRefused("Interrupted while talking to the identity provider.");
    }
  }

  private static JsonNode json(String s) {
    try {
      JsonNode n = JSON.readTree(s == null ? "" : s);
      return n == null ? JSON.createObjectNode() : n;
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  static String challenge(String verifier) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String form(Map<String, String> m) {
    return m.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static String clean(String s) {
    String t = s == null ? "" : s.length() > 200 ? s.substring(0, 200) : s;
    return t.codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }
}
