package org.seakeeper.gerrit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.ChangeResolver;
import org.seakeeper.core.gate.DependsOn;

/**
 * {@link ChangeResolver} over Gerrit's REST API ({@code GET /changes/?q=...&o=CURRENT_REVISION}):
 * a change URL resolves on the Gerrit connection whose {@code url} has the URL's host; a bare
 * Change-Id on the connection of the change that names it, and only when it matches exactly one
 * change. An abandoned change is not found. Thread-safe.
 */
public final class GerritChangeResolver implements ChangeResolver {
  private final Map<String, GerritEndpoint> endpoints;

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
        return new NotFound("connection " + fromConnection + " is not a Gerrit connection: a bare Change-Id resolves only on Gerrit (give a change URL)");
      }
      query = "change:" + ref.change();
    } else {
      e = endpoints.values().stream().filter(x -> hostOf(x.url()).equalsIgnoreCase(ref.host().orElseThrow())).findFirst().orElse(null);
      if (e == null) {
        return new NotFound("no Gerrit connection has the URL host " + ref.host().orElseThrow());
      }
      query = "change:" + ref.change() + ref.project().map(p -> " project:" + p).orElse("");
    }
    List<JsonNode> found;
    try {
      found = query(e, query);
    } catch (IOException ex) {
      return new NotFound("Gerrit " + e.connection() + " did not answer: " + ex.getMessage());
    }
    found = found.stream().filter(n -> !"ABANDONED".equals(n.path("status").asText())).toList();
    if (found.isEmpty()) {
      return new NotFound("no open or merged change " + ref.change() + " on " + e.connection());
    }
    if (found.size() > 1) {
      return new Ambiguous(found.stream().map(n -> n.path("project").asText() + " " + n.path("branch").asText() + " " + n.path("_number").asText()).toList());
    }
    JsonNode n = found.getFirst();
    return new Found(new Resolved(refOf(e.connection(), n), "MERGED".equals(n.path("status").asText())));
  }

  @Override
  public Optional<ChangeRef> openChangeAt(String connection, String project, String commit) {
    GerritEndpoint e = endpoints.get(connection);
    if (e == null) {
      return Optional.empty();
    }
    try {
      return query(e, "commit:" + commit + " status:open project:" + project).stream()
          .filter(n -> commit.equals(n.path("current_revision").asText())).findFirst().map(n -> refOf(connection, n));
    } catch (IOException ex) {
      return Optional.empty(); // a parent change is a hint; the footers are what must resolve
    }
  }

  private static List<JsonNode> query(GerritEndpoint e, String q) throws IOException {
    JsonNode answer = e.rest().get("changes/?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&o=CURRENT_REVISION&n=10");
    List<JsonNode> out = new ArrayList<>();
    answer.forEach(out::add);
    return out;
  }

  private static ChangeRef refOf(String connection, JsonNode n) {
    String rev = n.path("current_revision").asText();
    String ps = n.path("revisions").path(rev).path("_number").asText("1");
    return new ChangeRef(connection, n.path("project").asText(), n.path("branch").asText(), n.path("_number").asText(), ps, rev);
  }
}
