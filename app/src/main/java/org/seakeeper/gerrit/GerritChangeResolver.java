package org.seakeeper.gerrit;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.seakeeper.core.effect.Outage;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.ChangeResolver;
import org.seakeeper.core.gate.DependsOn;
import org.seakeeper.core.model.RepoRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ChangeResolver} over Gerrit's REST API ({@code GET /changes/?q=...&o=CURRENT_REVISION}): a
 * change URL resolves on the Gerrit connection whose {@code url} has the URL's host; a bare
 * Change-Id on the connection of the change that names it, and only when it matches exactly one
 * change. An abandoned change is not found. {@link NotFound} comes only from Gerrit's answer (no
 * such change, or a query it refused with a 4xx other than 408 and 429) or from a footer no
 * connection can resolve; when Gerrit cannot be reached or does not answer in time, both methods
 * throw {@link Outage} (so a dependency is never declared missing because Gerrit was down).
 * Thread-safe.
 */
public final class GerritChangeResolver implements ChangeResolver {
  private static final Logger log = LoggerFactory.getLogger(GerritChangeResolver.class);
  private final Map<String, GerritEndpoint> endpoints;
  private final Map<String, GerritRest> rest = new ConcurrentHashMap<>();

  public GerritChangeResolver(Map<String, GerritEndpoint> endpoints) {
    this.endpoints = Map.copyOf(endpoints);
  }

  static String hostOf(String url) {
    URI u = URI.create(url);
    return u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
  }

  @Override
  public Resolution resolve(String fromConnection, DependsOn.Ref ref) {
    GerritEndpoint e;
    String query;
    if (ref.byChangeId()) {
      e = endpoints.get(fromConnection);
      if (e == null) {
        return new NotFound(
            "connection "
                + fromConnection
                + " is not a Gerrit connection: a bare Change-Id resolves only on Gerrit (give a"
                + " change URL)");
      }
      query = "change:" + ref.change();
    } else {
      e =
          endpoints.values().stream()
              .filter(x -> hostOf(x.url()).equalsIgnoreCase(ref.host().orElseThrow()))
              .findFirst()
              .orElse(null);
      if (e == null) {
        return new NotFound("no Gerrit connection has the URL host " + ref.host().orElseThrow());
      }
      query = "change:" + ref.change() + ref.project().map(p -> " project:" + p).orElse("");
    }
    List<JsonNode> found;
    try {
      found = query(e, query);
    } catch (GerritRest.HttpError ex) {
      log.info(
          "connection {}: Gerrit refused the query for Depends-On {}: {}",
          e.connection(),
          ref.change(),
          ex.getMessage());
      return new NotFound(
          "Gerrit "
              + e.connection()
              + " refused the query for "
              + ref.change()
              + ": HTTP "
              + ex.status());
    }
    found = found.stream().filter(n -> !"ABANDONED".equals(n.path("status").asText())).toList();
    if (found.isEmpty()) {
      return new NotFound("no open or merged change " + ref.change() + " on " + e.connection());
    }
    if (found.size() > 1) {
      return new Ambiguous(
          found.stream()
              .map(
                  n ->
                      n.path("project").asText()
                          + " "
                          + n.path("branch").asText()
                          + " "
                          + n.path("_number").asText())
              .toList());
    }
    JsonNode n = found.getFirst();
    return new Found(
        new Resolved(refOf(e.connection(), n), "MERGED".equals(n.path("status").asText())));
  }

  @Override
  public Optional<ChangeRef> openChangeAt(RepoRef repo, String commit) {
    String connection = repo.connection();
    String project = repo.project();
    GerritEndpoint e = endpoints.get(connection);
    if (e == null) {
      return Optional.empty();
    }
    try {
      return query(e, "commit:" + commit + " status:open project:" + project).stream()
          .filter(n -> commit.equals(n.path("current_revision").asText()))
          .findFirst()
          .map(n -> refOf(connection, n));
    } catch (GerritRest.HttpError ex) {
      // Gerrit's answer: no change it will name; a parent change is a hint, the footers must
      // resolve
      log.info(
          "connection {}, project {}: Gerrit refused the query for the change of parent commit {}:"
              + " {}",
          connection,
          project,
          commit,
          ex.getMessage());
      return Optional.empty();
    }
  }

  private List<JsonNode> query(GerritEndpoint e, String q) throws GerritRest.HttpError {
    JsonNode answer =
        rest.computeIfAbsent(e.connection(), k -> e.rest())
            .get(
                "changes/?q="
                    + URLEncoder.encode(q, StandardCharsets.UTF_8)
                    + "&o=CURRENT_REVISION&n=10");
    List<JsonNode> out = new ArrayList<>();
    answer.forEach(out::add);
    return out;
  }

  private static ChangeRef refOf(String connection, JsonNode n) {
    String rev = n.path("current_revision").asText();
    String ps = n.path("revisions").path(rev).path("_number").asText("1");
    return new ChangeRef(
        connection,
        n.path("project").asText(),
        n.path("branch").asText(),
        n.path("_number").asText(),
        ps,
        rev);
  }
}
