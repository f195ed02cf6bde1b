package org.seakeeper.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.seakeeper.artifact.ArtifactDesk;
import org.seakeeper.core.artifact.ArtifactRecord;
import org.seakeeper.core.artifact.Promotion;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.store.BuildQueries;

/**
 * Artifacts, provenance and promotion (docs/contracts.md §10): {@code GET
 * /api/v1/builds/{id}/artifacts}, {@code GET /api/v1/artifacts[?project=&limit=]}, {@code GET
 * /api/v1/artifacts/{sha256}} (the content, with {@code Range}), {@code GET
 * /api/v1/artifacts/{sha256}/provenance} (the DSSE envelope), {@code GET /api/v1/provenance/keys}
 * (PEM), {@code POST /api/v1/artifacts/{sha256}/promote {"channel"}}, {@code GET /api/v1/channels}
 * and {@code GET /api/v1/channels/{name}}. An artifact is readable when one of the builds that made
 * it is (embargoed builds stay hidden, as their logs do).
 */
final class ArtifactRoutes {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

  private final ArtifactDesk desk;
  private final Access access;
  private final Function<Context, BuildQueries> view;
  private final Links links;

  ArtifactRoutes(
      ArtifactDesk desk, Access access, Function<Context, BuildQueries> view, Links links) {
    this.desk = desk;
    this.access = access;
    this.view = view;
    this.links = links;
  }

  void install(RoutesConfig routes) {
    routes.get("/api/v1/builds/{id}/artifacts", this::ofBuild);
    routes.get("/api/v1/artifacts", this::list);
    routes.get("/api/v1/artifacts/{sha256}", this::download);
    routes.get("/api/v1/artifacts/{sha256}/provenance", this::provenance);
    routes.post(
        "/api/v1/artifacts/{sha256}/promote",
        this::promote,
        Guard.of(org.seakeeper.core.access.Action.ARTIFACT_PROMOTE));
    routes.get("/api/v1/provenance/keys", this::keys);
    routes.get("/api/v1/channels", this::channels);
    routes.get("/api/v1/channels/{name}", this::channel);
    routes.get("/api/v1/promotions/{id}", this::promotion);
    routes.post(
        "/api/v1/promotions/{id}/result",
        this::result,
        Guard.of(org.seakeeper.core.access.Action.ARTIFACT_PROMOTE));
  }

  /**
   * Who may promote: the deployer role on the artifact's project, or an admin (docs/contracts.md
   * §9, docs/roles.md), asked of the one policy. An unknown digest has no project: only an admin
   * gets as far as the desk's 404.
   */
  private String mayPromote(Context ctx, String action) {
    return mayPromote(ctx, action, ctx.pathParam("sha256"));
  }

  private String mayPromote(Context ctx, String action, String sha) {
    org.seakeeper.core.access.Target t =
        desk == null
            ? org.seakeeper.core.access.Target.NONE
            : desk.index().withDigest(sha).stream()
                .findFirst()
                .map(r -> org.seakeeper.core.access.Target.project(r.project()))
                .orElse(org.seakeeper.core.access.Target.NONE);
    return access.require(ctx, org.seakeeper.core.access.Action.ARTIFACT_PROMOTE, t, action).who();
  }

  private ArtifactDesk desk() {
    if (desk == null) {
      throw new ApiError(503, "artifacts_unavailable", "This server keeps no artifacts.");
    }
    return desk;
  }

  private void ofBuild(Context ctx) {
    Build b = ApiRoutes.build(view.apply(ctx), ctx);
    ctx.json(Map.of("artifacts", desk().index().ofBuild(b.id()).stream().map(this::json).toList()));
  }

  private void list(Context ctx) {
    int limit = 50;
    String l = ctx.queryParam("limit");
    if (l != null) {
      try {
        limit = Math.clamp(Integer.parseInt(l), 1, 500);
      } catch (NumberFormatException e) {
        throw ApiError.badRequest("limit must be a number from 1 to 500.");
      }
    }
    Optional<String> project =
        Optional.ofNullable(ctx.queryParam("project")).filter(s -> !s.isBlank());
    BuildQueries q = view.apply(ctx);
    List<Map<String, Object>> out =
        desk().index().recent(project, limit).stream()
            .filter(r -> q.build(r.buildId()).isPresent())
            .map(this::json)
            .toList();
    ctx.json(Map.of("artifacts", out));
  }

  private Map<String, Object> json(ArtifactRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", r.path());
    m.put("sha256", r.sha256());
    m.put("size", r.size());
    m.put("media_type", r.mediaType());
    m.put(
        "provenance_url",
        r.provenance().isPresent()
            ? links.absolute("/api/v1/artifacts/" + r.sha256() + "/provenance")
            : null);
    m.put("url", links.absolute("/api/v1/artifacts/" + r.sha256()));
    m.put("build", String.valueOf(r.buildId()));
    m.put("connection", r.connection());
    m.put("project", r.project());
    m.put("commit", r.commit());
    m.put("ref", r.ref());
    m.put("pipeline", r.pipeline());
    m.put("job", r.job());
    m.put("tier", r.tier().id());
    m.put("stored_at", r.storedAt().toString());
    return m;
  }

  /** The visible records of the digest in the path, newest first, or a 404. */
  private List<ArtifactRecord> visible(Context ctx) {
    String sha = ctx.pathParam("sha256");
    if (!ArtifactRecord.isSha256(sha)) {
      throw new ApiError(
          404, "not_found", "There is no artifact " + AdminAuth.clean(sha) + " (not a SHA-256).");
    }
    BuildQueries q = view.apply(ctx);
    List<ArtifactRecord> rs =
        desk().index().withDigest(sha).stream()
            .filter(r -> q.build(r.buildId()).isPresent())
            .toList();
    if (rs.isEmpty()) {
      throw new ApiError(404, "not_found", "There is no artifact with SHA-256 " + sha + ".");
    }
    return rs;
  }

  private void download(Context ctx) throws IOException {
    ArtifactRecord r = visible(ctx).getFirst();
    long total =
        desk()
            .blobs()
            .size(r.sha256())
            .orElseThrow(
                () ->
                    new ApiError(
                        410,
                        "gone",
                        "The content of artifact " + r.sha256() + " is no longer kept."));
    String name =
        r.path().substring(r.path().lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._+-]", "_");
    ctx.header("Accept-Ranges", "bytes");
    ctx.header("ETag", "\"" + r.sha256() + "\"");
    ctx.header(
        "Digest",
        "sha-256="
            + java.util.Base64.getEncoder()
                .encodeToString(java.util.HexFormat.of().parseHex(r.sha256())));
    ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    ctx.contentType(r.mediaType());
    String range = ctx.header("Range");
    Matcher m = range == null ? null : RANGE.matcher(range.strip());
    long first = 0;
    long last = total - 1;
    if (m != null && m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
      if (m.group(1).isEmpty()) {
        first = Math.max(0, total - Long.parseLong(m.group(2)));
      } else {
        first = Long.parseLong(m.group(1));
        if (!m.group(2).isEmpty()) {
          last = Math.min(Long.parseLong(m.group(2)), total - 1);
        }
      }
      if (first >= total || first > last) {
        ctx.header("Content-Range", "bytes */" + total);
        throw new ApiError(
            416,
            "range_not_satisfiable",
            "The artifact has " + total + " bytes; the requested range starts past its end.");
      }
      ctx.status(206);
      ctx.header("Content-Range", "bytes " + first + "-" + last + "/" + total);
    }
    long count = last - first + 1;
    if (count <= 0) {
      ctx.result(new byte[0]);
      return;
    }
    InputStream in = desk().blobs().open(r.sha256(), first);
    ctx.result(new ApiRoutes.Limited(in, count));
  }

  private void provenance(Context ctx) {
    Optional<String> env = visible(ctx).stream().flatMap(r -> r.provenance().stream()).findFirst();
    if (env.isEmpty()) {
      throw new ApiError(
          404,
          "no_provenance",
          "Artifact "
              + ctx.pathParam("sha256")
              + " has no provenance: it was built only by untrusted builds.");
    }
    ctx.contentType("application/json").result(env.get() + "\n");
  }

  private void keys(Context ctx) {
    ctx.contentType("application/x-pem-file").result(desk().keysPem());
  }

  private void promote(Context ctx) {
    String sha = ctx.pathParam("sha256");
    String action = "promote artifact " + AdminAuth.clean(sha);
    String who = mayPromote(ctx, action);
    String channel;
    try {
      JsonNode n = Json.MAPPER.readTree(ctx.body() == null ? "" : ctx.body());
      if (n == null || !n.path("channel").isTextual()) {
        throw ApiError.badRequest("Send {\"channel\": \"NAME\"}.");
      }
      channel = n.path("channel").asText();
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest("The body is not valid JSON; send {\"channel\": \"NAME\"}.");
    }
    ArtifactDesk.Outcome o = desk().promote(sha, channel, who);
    AdminAuth.AUDIT.info(
        "{} from {}: {} to {} -> {} {}",
        who,
        ctx.ip(),
        action,
        AdminAuth.clean(channel),
        o.status(),
        AdminAuth.clean(o.message()));
    if (!o.ok()) {
      ErrorHandling.respond(ctx, o.status(), o.error(), o.message());
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", o.message());
    body.put("promotion", json(o.promotion().orElseThrow()));
    ctx.status(201).json(body);
  }

  private static Map<String, Object> json(Promotion p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.id());
    m.put("sha256", p.sha256());
    m.put("from", p.from().orElse(null));
    m.put("channel", p.channel());
    m.put("replaced", p.replaced().orElse(null));
    m.put("who", p.who());
    m.put("at", p.at().toString());
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("state", p.deploy().state().id());
    d.put("detail", p.deploy().detail().orElse(null));
    d.put("by", p.deploy().by().orElse(null));
    d.put("at", p.deploy().at().map(Object::toString).orElse(null));
    m.put("deploy", d);
    return m;
  }

  private static long promotionId(Context ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new ApiError(
          404,
          "unknown_promotion",
          "There is no promotion " + AdminAuth.clean(ctx.pathParam("id")) + ".");
    }
  }

  private void promotion(Context ctx) {
    long id = promotionId(ctx);
    ctx.json(
        json(
            desk()
                .index()
                .promotion(id)
                .orElseThrow(
                    () ->
                        new ApiError(
                            404, "unknown_promotion", "There is no promotion " + id + "."))));
  }

  /**
   * {@code POST /api/v1/promotions/{id}/result {"outcome": "passed"|"failed", "detail"}}: the
   * deploy step's result, which a channel with {@code requires: passed} checks. Who may report is
   * who may promote.
   */
  private void result(Context ctx) {
    long id = promotionId(ctx);
    String action = "report the deploy result of promotion " + id;
    String who =
        mayPromote(
            ctx,
            action,
            desk == null ? "" : desk.index().promotion(id).map(p -> p.sha256()).orElse(""));
    String outcome;
    Optional<String> detail;
    try {
      JsonNode n = Json.MAPPER.readTree(ctx.body() == null ? "" : ctx.body());
      if (n == null || !n.path("outcome").isTextual()) {
        throw ApiError.badRequest(
            "Send {\"outcome\": \"passed\"|\"failed\", \"detail\": \"...\"}.");
      }
      outcome = n.path("outcome").asText();
      detail =
          n.path("detail").isTextual() ? Optional.of(n.path("detail").asText()) : Optional.empty();
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest(
          "The body is not valid JSON; send {\"outcome\": \"passed\"|\"failed\"}.");
    }
    ArtifactDesk.Outcome o = desk().report(id, outcome, detail, who);
    AdminAuth.AUDIT.info(
        "{} from {}: {} -> {} {}", who, ctx.ip(), action, o.status(), AdminAuth.clean(o.message()));
    if (!o.ok()) {
      ErrorHandling.respond(ctx, o.status(), o.error(), o.message());
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", o.message());
    body.put("promotion", json(o.promotion().orElseThrow()));
    ctx.json(body);
  }

  private static void channelFields(Map<String, Object> m, ServerConfig.Channel c) {
    m.put("name", c.name());
    m.put("from", c.from().orElse(null));
    m.put("requires", c.requiresPassed() ? "passed" : null);
    m.put("deploy", c.deploy().map(w -> Map.of("webhook", w.url())).orElse(null));
    m.put("keep", c.keep().orElse(null));
  }

  private void channels(Context ctx) {
    List<Map<String, Object>> out =
        desk().channels().stream()
            .map(
                c -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  channelFields(m, c);
                  m.put(
                      "current",
                      desk().index().current(c.name()).map(ArtifactRoutes::json).orElse(null));
                  return m;
                })
            .toList();
    ctx.json(Map.of("channels", out));
  }

  private void channel(Context ctx) {
    String name = ctx.pathParam("name");
    ServerConfig.Channel c =
        desk()
            .channel(name)
            .orElseThrow(
                () ->
                    new ApiError(
                        404,
                        "unknown_channel",
                        "There is no channel '" + AdminAuth.clean(name) + "'."));
    Map<String, Object> m = new LinkedHashMap<>();
    channelFields(m, c);
    m.put(
        "promotions",
        desk().index().promotions(c.name(), 100).stream().map(ArtifactRoutes::json).toList());
    ctx.json(m);
  }
}
