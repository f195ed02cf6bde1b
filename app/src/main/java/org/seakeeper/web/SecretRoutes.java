package org.seakeeper.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.secrets.SecretAdmin;

/**
 * {@code /api/v1/secrets}: set, list and delete secrets (docs/contracts.md §5). Every call needs
 * the project's maintainer role (listing every project's: admin), reads too; values go in and never
 * come out. The one exception is {@code GET /api/v1/secrets/public-key}: the server's public key,
 * which anyone may encrypt config repo secrets to. Secrets are not build state, so these routes
 * talk to the secret store (through {@link SecretAdmin}), not to the scheduler.
 */
final class SecretRoutes {
  private static final Set<String> PUT_FIELDS = Set.of("value", "value_base64", "pipelines");

  private final SecretAdmin admin;
  private final Access access;

  SecretRoutes(SecretAdmin admin, Access access) {
    this.admin = admin;
    this.access = access;
  }

  void install(RoutesConfig routes) {
    // <project> may hold slashes (Gerrit projects like team/app)
    routes.put(
        "/api/v1/secrets/{connection}/<project>/{name}",
        this::put,
        Guard.of(org.seakeeper.core.access.Action.SECRET_SET));
    routes.delete(
        "/api/v1/secrets/{connection}/<project>/{name}",
        this::delete,
        Guard.of(org.seakeeper.core.access.Action.SECRET_DELETE));
    routes.get("/api/v1/secrets", this::list);
    // public, like Zuul's per-project key endpoint: anyone may encrypt a secret to the server
    routes.get("/api/v1/secrets/public-key", this::publicKey);
  }

  private void publicKey(Context ctx) {
    Optional<String> pem;
    try {
      pem = admin().publicKeyPem();
    } catch (org.seakeeper.secrets.SecretSealer.SealException e) {
      throw new ApiError(
          503,
          "key_unavailable",
          "The server's key pair for config repo secrets cannot be read: " + e.getMessage());
    }
    if (pem.isEmpty()) {
      throw new ApiError(
          503, "key_unavailable", "This server has no key pair for config repo secrets.");
    }
    ctx.contentType("application/x-pem-file").result(pem.get());
  }

  private SecretAdmin admin() {
    if (admin == null) {
      throw new ApiError(503, "secrets_unavailable", "This server has no secret store.");
    }
    return admin;
  }

  private void put(Context ctx) {
    String slot =
        slot(ctx.pathParam("connection"), ctx.pathParam("project"), ctx.pathParam("name"));
    org.seakeeper.core.access.Identity actor =
        access.actor(ctx, org.seakeeper.core.access.Action.SECRET_SET, "secret " + slot);
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(ctx.body() == null ? "" : ctx.body());
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest(
          "The body is not valid JSON; send {\"value\": \"...\"} or {\"value_base64\": \"...\"},"
              + " and optionally \"pipelines\": [\"post\", ...].");
    }
    if (node == null || !node.isObject()) {
      throw ApiError.badRequest(
          "The body must be a JSON object with \"value\" or \"value_base64\".");
    }
    node.fieldNames()
        .forEachRemaining(
            n -> {
              if (!PUT_FIELDS.contains(n)) {
                throw ApiError.badRequest(
                    "Unknown field \""
                        + n
                        + "\"; a secret takes value or value_base64, and pipelines.");
              }
            });
    byte[] value = value(node);
    Optional<String> pipelines = Optional.empty();
    JsonNode p = node.get("pipelines");
    if (p != null && !p.isNull()) {
      if (!p.isArray() || p.isEmpty()) {
        throw ApiError.badRequest(
            "\"pipelines\" must be a non-empty list of pipeline names, e.g. [\"post\","
                + " \"release\"].");
      }
      StringBuilder list = new StringBuilder();
      for (JsonNode x : p) {
        if (!x.isTextual()) {
          throw ApiError.badRequest("\"pipelines\" must be a list of strings.");
        }
        list.append(list.isEmpty() ? "" : ",").append(x.asText());
      }
      pipelines = Optional.of(list.toString());
    }
    String who;
    try {
      who = allowSet(access, ctx, actor, ctx.pathParam("project"), pipelines, "secret " + slot);
    } catch (ApiError refused) {
      java.util.Arrays.fill(value, (byte) 0);
      throw refused;
    }
    SecretAdmin.Outcome o =
        admin()
            .set(
                ctx.pathParam("connection"),
                ctx.pathParam("project"),
                ctx.pathParam("name"),
                pipelines,
                value);
    java.util.Arrays.fill(value, (byte) 0);
    respond(ctx, who, "set secret " + slot, o);
  }

  private static byte[] value(JsonNode node) {
    JsonNode text = node.get("value");
    JsonNode b64 = node.get("value_base64");
    if ((text == null) == (b64 == null)) {
      throw ApiError.badRequest(
          "Send exactly one of \"value\" (text) and \"value_base64\" (bytes).");
    }
    if (text != null) {
      if (!text.isTextual()) {
        throw ApiError.badRequest("\"value\" must be a string.");
      }
      return text.asText().getBytes(StandardCharsets.UTF_8);
    }
    if (!b64.isTextual()) {
      throw ApiError.badRequest("\"value_base64\" must be a base64 string.");
    }
    try {
      return Base64.getDecoder().decode(b64.asText());
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("\"value_base64\" is not valid base64.");
    }
  }

  private void delete(Context ctx) {
    String slot =
        slot(ctx.pathParam("connection"), ctx.pathParam("project"), ctx.pathParam("name"));
    String who =
        access
            .require(
                ctx,
                org.seakeeper.core.access.Action.SECRET_DELETE,
                org.seakeeper.core.access.Target.project(ctx.pathParam("project")),
                "secret " + slot)
            .who();
    respond(
        ctx,
        who,
        "delete secret " + slot,
        admin()
            .delete(ctx.pathParam("connection"), ctx.pathParam("project"), ctx.pathParam("name")));
  }

  private void list(Context ctx) {
    Optional<String> project =
        Optional.ofNullable(ctx.queryParam("project")).filter(s -> !s.isBlank());
    access.require(
        ctx,
        org.seakeeper.core.access.Action.SECRET_LIST,
        project
            .map(org.seakeeper.core.access.Target::project)
            .orElse(org.seakeeper.core.access.Target.NONE),
        project.map(p -> "secrets of " + p).orElse("all secrets"));
    List<Map<String, Object>> out = admin().list(project).stream().map(SecretRoutes::json).toList();
    ctx.json(Map.of("secrets", out));
  }

  private static Map<String, Object> json(SecretBinding b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connection", b.connection());
    m.put("project", b.project());
    m.put("name", b.name());
    m.put("pipelines", b.pipelineIds());
    return m;
  }

  /** The audit log's line of what the secret store answered (the API's and the page's). */
  static void logged(Context ctx, String who, String action, SecretAdmin.Outcome o) {
    AdminAuth.AUDIT.info(
        "{} from {}: {} -> {} {}",
        who,
        ctx.ip(),
        AdminAuth.clean(action),
        o.status(),
        AdminAuth.clean(o.message()));
  }

  /**
   * Asks the policy (and audits its answer) whether {@code actor} may set a secret of {@code
   * project} with the scope {@code pipelines}: {@code secret.set} on the project, and offering it
   * to {@code gate} (approved code that has not merged yet) only as an admin (docs/contracts.md
   * §1). Returns who is setting it.
   */
  static String allowSet(
      Access access,
      Context ctx,
      org.seakeeper.core.access.Identity actor,
      String project,
      Optional<String> pipelines,
      String target) {
    org.seakeeper.core.access.Target t = org.seakeeper.core.access.Target.project(project);
    boolean gate =
        pipelines
            .map(
                p ->
                    SecretBinding.parsePipelines(p, new java.util.ArrayList<>())
                        .contains(org.seakeeper.core.model.PipelineName.GATE))
            .orElse(false);
    if (gate
        && !access.policy().isAdmin(actor)
        && access
            .policy()
            .decide(actor, org.seakeeper.core.access.Action.SECRET_SET, t)
            .allowed()) {
      throw access.refuse(
          ctx,
          actor.who(),
          org.seakeeper.core.access.Action.SECRET_SET.id(),
          target,
          403,
          "forbidden",
          "Only an admin may offer a secret to gate, which runs approved code that has not merged"
              + " yet (docs/contracts.md §1); leave gate out of its pipelines.");
    }
    access.check(ctx, actor, org.seakeeper.core.access.Action.SECRET_SET, t, target);
    return actor.who();
  }

  /** A secret's slot as the audit records name it: {@code connection/project name}. */
  static String slot(String connection, String project, String name) {
    return connection + "/" + project + " " + name;
  }

  private static void respond(Context ctx, String who, String action, SecretAdmin.Outcome o) {
    logged(ctx, who, action, o);
    if (o.ok()) {
      ctx.status(o.status()).json(Map.of("message", o.message()));
    } else {
      ErrorHandling.respond(ctx, o.status(), o.error(), o.message());
    }
  }
}
