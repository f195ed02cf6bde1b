package org.seakeeper.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.scheduler.SchedulerCommands;
import org.seakeeper.core.scheduler.SchedulerCommands.CommandResult;
import org.seakeeper.core.store.BuildQueries;

/**
 * The state-changing endpoints (all POST, admin token required): cancel, retry, trigger, the gate
 * queue verbs, retry and drop of a quarantined event (and the admin's list of those events). They
 * only pass commands to the scheduler and map its {@link CommandResult} to HTTP.
 */
final class CommandRoutes {
  private static final List<String> TRIGGER_FIELDS =
      List.of("connection", "project", "pipeline", "ref");

  /** Most quarantined events {@code GET /api/v1/events/quarantined} lists. */
  static final int MAX_QUARANTINED = 500;

  private final SchedulerCommands commands;
  private final AdminAuth auth;
  private final Links links;
  private final BuildQueries queries;

  CommandRoutes(SchedulerCommands commands, AdminAuth auth, Links links, BuildQueries queries) {
    this.commands = commands;
    this.auth = auth;
    this.links = links;
    this.queries = queries;
  }

  void install(RoutesConfig routes) {
    routes.post(
        "/api/v1/builds/{id}/cancel",
        ctx -> onBuild(ctx, "cancel", (id, by) -> commands.cancel(id, by)));
    routes.post(
        "/api/v1/builds/{id}/retry",
        ctx -> onBuild(ctx, "retry", (id, by) -> commands.retry(id, by)));
    routes.post("/api/v1/trigger", this::trigger);
    routes.post("/api/v1/queues/dequeue", ctx -> onChange(ctx, "dequeue", commands::dequeue));
    routes.post("/api/v1/queues/enqueue", ctx -> onChange(ctx, "enqueue", commands::enqueue));
    routes.post("/api/v1/queues/promote", ctx -> onChange(ctx, "promote", commands::promote));
    routes.get("/api/v1/events/quarantined", this::quarantined);
    routes.post(
        "/api/v1/events/{id}/retry",
        ctx -> onEvent(ctx, "retry", (id, by) -> commands.retryEvent(id, by)));
    routes.post(
        "/api/v1/events/{id}/drop",
        ctx -> onEvent(ctx, "drop", (id, by) -> commands.dropEvent(id, by)));
  }

  /** Quarantined events (admin token: they name changes, embargoed ones too), latest first. */
  private void quarantined(Context ctx) {
    auth.require(ctx, "list quarantined events");
    String raw = ctx.queryParam("limit");
    int limit = 100;
    if (raw != null) {
      long n = BuildListParams.parseLong(raw).orElse(-1L);
      if (n < 1 || n > MAX_QUARANTINED) {
        throw ApiError.badRequest(
            "'limit' must be an integer from 1 to " + MAX_QUARANTINED + ", not '" + raw + "'.");
      }
      limit = (int) n;
    }
    Map<String, Object> body = QuarantineJson.summary(queries, limit);
    body.put("events", body.remove("latest"));
    ctx.json(body);
  }

  /** Retry or drop of a quarantined inbox event. */
  private void onEvent(Context ctx, String verb, BuildCommand command) {
    String raw = ctx.pathParam("id");
    String action = verb + " event " + raw;
    String who = auth.require(ctx, action);
    long id =
        BuildListParams.parseLong(raw)
            .filter(n -> n > 0)
            .orElseThrow(() -> new ApiError(404, "not_found", "There is no event " + raw + "."));
    respond(ctx, who, action, command.run(id, who));
  }

  private interface ChangeCommand {
    CommandResult run(String connection, String project, String change, String by);
  }

  /** Gate queue verbs (Zuul's dequeue, enqueue, promote) on {"connection", "project", "change"}. */
  private void onChange(Context ctx, String verb, ChangeCommand command) {
    String who = auth.require(ctx, verb);
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(ctx.body() == null ? "" : ctx.body());
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest(
          "The body is not valid JSON; send {\"connection\", \"project\", \"change\"}.");
    }
    Map<String, String> f = new LinkedHashMap<>();
    for (String name : List.of("connection", "project", "change")) {
      JsonNode v = node == null ? null : node.get(name);
      if (v == null || !(v.isTextual() || v.isNumber()) || v.asText().isBlank()) {
        throw ApiError.badRequest("\"" + name + "\" is required and must be a non-empty string.");
      }
      f.put(name, v.asText());
    }
    String action =
        verb + " change " + f.get("change") + " of " + f.get("connection") + "/" + f.get("project");
    respond(
        ctx, who, action, command.run(f.get("connection"), f.get("project"), f.get("change"), who));
  }

  private interface BuildCommand {
    CommandResult run(long buildId, String by);
  }

  private void onBuild(Context ctx, String verb, BuildCommand command) {
    String raw = ctx.pathParam("id");
    String action = verb + " build " + raw;
    String who = auth.require(ctx, action);
    long id =
        BuildListParams.parseLong(raw)
            .filter(n -> n > 0)
            .orElseThrow(() -> ApiError.unknownBuild(raw));
    respond(ctx, who, action, command.run(id, who));
  }

  private void trigger(Context ctx) {
    String who = auth.require(ctx, "trigger");
    Map<String, String> f = triggerFields(ctx.body());
    PipelineName pipeline =
        PipelineName.parse(f.get("pipeline"))
            .orElseThrow(
                () ->
                    ApiError.badRequest(
                        "Unknown pipeline '"
                            + f.get("pipeline")
                            + "'; expected one of "
                            + String.join(", ", PipelineName.ids())
                            + "."));
    String action =
        "trigger "
            + pipeline.id()
            + " on "
            + f.get("connection")
            + "/"
            + f.get("project")
            + " "
            + f.get("ref");
    respond(
        ctx,
        who,
        action,
        commands.trigger(f.get("connection"), f.get("project"), pipeline, f.get("ref"), who));
  }

  /** The four string fields of a trigger request; anything else is a 400 saying what is wrong. */
  static Map<String, String> triggerFields(String body) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest(
          "The body is not valid JSON; send {\"connection\", \"project\", \"pipeline\", \"ref\"}.");
    }
    if (node == null || !node.isObject()) {
      throw ApiError.badRequest(
          "The body must be a JSON object with \"connection\", \"project\", \"pipeline\" and"
              + " \"ref\".");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String name : TRIGGER_FIELDS) {
      JsonNode v = node.get(name);
      if (v == null || !v.isTextual() || v.asText().isBlank()) {
        throw ApiError.badRequest("\"" + name + "\" is required and must be a non-empty string.");
      }
      fields.put(name, v.asText());
    }
    node.fieldNames()
        .forEachRemaining(
            n -> {
              if (!Set.copyOf(TRIGGER_FIELDS).contains(n)) {
                throw ApiError.badRequest(
                    "Unknown field \""
                        + n
                        + "\"; a trigger takes only "
                        + String.join(", ", TRIGGER_FIELDS)
                        + ".");
              }
            });
    return fields;
  }

  private void respond(Context ctx, String who, String action, CommandResult r) {
    AdminAuth.AUDIT.info(
        "{} from {}: {} -> {} {}",
        who,
        ctx.ip(),
        AdminAuth.clean(action),
        r.code(),
        AdminAuth.clean(r.message()));
    int status = r.code() >= 200 && r.code() <= 599 ? r.code() : 500;
    if (status < 300) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("message", r.message());
      body.put("build_id", r.buildId() > 0 ? Long.toString(r.buildId()) : null);
      if (r.buildId() > 0) {
        body.put("build_url", links.apiBuild(r.buildId()));
        body.put("web_url", links.webBuild(r.buildId()));
      }
      ctx.status(status).json(body);
    } else {
      String code =
          r.error() == null || r.error().isBlank() ? ErrorHandling.codeFor(status) : r.error();
      ErrorHandling.respond(
          ctx,
          status,
          code,
          r.message() == null || r.message().isBlank() ? "The scheduler refused." : r.message());
    }
  }
}
