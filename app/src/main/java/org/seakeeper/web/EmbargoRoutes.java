package org.seakeeper.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seakeeper.core.access.Action;
import org.seakeeper.core.access.Target;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.store.Embargo;

/**
 * Embargoed changes (the security role for everything): {@code POST
 * /api/v1/embargoed?project=&base= [&connection=]} with a {@code git format-patch} mbox as the
 * body, {@code GET /api/v1/embargoed}, {@code GET /api/v1/embargoed/{id}} (with its builds) and
 * {@code POST /api/v1/embargoed/{id}/publish}. Without an identity every one of them answers 401,
 * without the role 403, and says nothing about what exists.
 */
final class EmbargoRoutes {
  private final EmbargoDesk desk;
  private final Access access;
  private final Links links;

  EmbargoRoutes(EmbargoDesk desk, Access access, Links links) {
    this.desk = desk;
    this.access = access;
    this.links = links;
  }

  void install(RoutesConfig routes) {
    routes.post("/api/v1/embargoed", this::submit, Guard.of(Action.EMBARGO_SUBMIT));
    routes.get(
        "/api/v1/embargoed",
        ctx -> {
          access.require(ctx, Action.READ_EMBARGOED, Target.NONE, "embargoed changes");
          ctx.json(Map.of("embargoed", desk.list().stream().map(this::json).toList()));
        });
    routes.get(
        "/api/v1/embargoed/{id}",
        ctx -> {
          access.require(
              ctx, Action.READ_EMBARGOED, Target.NONE, "embargoed change " + ctx.pathParam("id"));
          ctx.json(detail(found(ctx.pathParam("id"))));
        });
    routes.post("/api/v1/embargoed/{id}/publish", this::publish, Guard.of(Action.EMBARGO_PUBLISH));
  }

  private Embargo found(String id) {
    return desk.get(id)
        .orElseThrow(
            () -> new ApiError(404, "not_found", "There is no embargoed change " + id + "."));
  }

  private void submit(Context ctx) {
    String who =
        access.require(ctx, Action.EMBARGO_SUBMIT, Target.NONE, "an embargoed change").who();
    String project = required(ctx, "project");
    String base = required(ctx, "base");
    String connection =
        ctx.queryParam("connection") == null || ctx.queryParam("connection").isBlank()
            ? "local"
            : ctx.queryParam("connection");
    byte[] patch = ctx.bodyAsBytes();
    if (patch.length == 0) {
      throw ApiError.badRequest(
          "Send the patch (the output of 'git format-patch --stdout BASE..') as the request body.");
    }
    Embargo e;
    try {
      e = desk.submit(connection, project, base, patch, who);
    } catch (ApiError r) {
      // not even a refused submission names its project or base in the log
      AdminAuth.AUDIT.info(
          "{} from {}: submit embargoed change -> {} {}", who, ctx.ip(), r.status(), r.code());
      throw r;
    }
    // the audit log names only the id: the project and base stay out of logs others may read
    AdminAuth.AUDIT.info("{} from {}: submitted embargoed change {} -> 202", who, ctx.ip(), e.id());
    Map<String, Object> body = detail(e);
    body.put(
        "message",
        "embargoed change "
            + e.id()
            + " queued for release (privileged); its builds stay hidden until published");
    ctx.status(202).json(body);
  }

  private void publish(Context ctx) {
    String id = ctx.pathParam("id");
    String who =
        access.require(ctx, Action.EMBARGO_PUBLISH, Target.NONE, "embargoed change " + id).who();
    found(id);
    boolean done = desk.publish(id, who);
    AdminAuth.AUDIT.info(
        "{} from {}: publish embargoed change {} -> {}",
        who,
        ctx.ip(),
        AdminAuth.clean(id),
        done ? 200 : 409);
    if (!done) {
      throw new ApiError(
          409, "already_published", "Embargoed change " + id + " is already public.");
    }
    Map<String, Object> body = detail(found(id));
    body.put("message", "embargoed change " + id + " published: its builds are public now");
    ctx.json(body);
  }

  private static String required(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      throw ApiError.badRequest(
          "The query parameter '"
              + name
              + "' is required (POST /api/v1/embargoed?project=NAME&base=REF with the patch as the"
              + " body).");
    }
    return v;
  }

  private Map<String, Object> json(Embargo e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("connection", e.source());
    m.put("project", e.project());
    m.put("base_ref", e.baseRef());
    m.put("base_commit", e.baseCommit());
    m.put("commit", e.commit());
    m.put("ref", "refs/embargoed/" + e.id());
    m.put("submitted_by", e.submittedBy());
    m.put("submitted_at", e.submittedAt().toString());
    m.put("published_at", e.publishedAt().map(Object::toString).orElse(null));
    m.put("url", links.absolute("/api/v1/embargoed/" + e.id()));
    return m;
  }

  private Map<String, Object> detail(Embargo e) {
    Map<String, Object> m = json(e);
    List<Build> builds = desk.builds(e.id());
    m.put("builds", builds.stream().map(b -> BuildJson.of(b, links)).toList());
    return m;
  }
}
