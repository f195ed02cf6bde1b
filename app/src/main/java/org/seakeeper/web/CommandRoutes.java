package org.seakeeper.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.seakeeper.core.access.Action;
import org.seakeeper.core.access.Identity;
import org.seakeeper.core.access.Target;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.scheduler.SchedulerCommands;
import org.seakeeper.core.scheduler.SchedulerCommands.CommandResult;
import org.seakeeper.core.store.BuildQueries;

/**
 * The state-changing endpoints (all POST, each guarded by its policy action, docs/roles.md):
 * cancel, retry, trigger, the gate queue verbs, retry and drop of a quarantined event (and the
 * admin's list of those events). They only pass commands to the scheduler and map its {@link
 * CommandResult} to HTTP.
 */
final class CommandRoutes {
  private static final List<String> TRIGGER_FIELDS =
      List.of("connection", "project", "pipeline", "ref");

  /** Most quarantined events {@code GET /api/v1/events/quarantined} lists. */
  static final int MAX_QUARANTINED = 500;

  private final SchedulerCommands commands;
  private final Access access;
  private final Links links;
  private final BuildQueries queries;

  CommandRoutes(SchedulerCommands commands, Access access, Links links, BuildQueries queries) {
    this.commands = commands;
    this.access = access;
    this.links = links;
    this.queries = queries;
  }

  void install(RoutesConfig routes) {
    routes.post(
        "/api/v1/builds/{id}/cancel",
        ctx -> onBuild(ctx, Action.BUILD_CANCEL, (id, by) -> commands.cancel(id, by)),
        Guard.of(Action.BUILD_CANCEL));
    routes.post(
        "/api/v1/builds/{id}/retry",
        ctx -> onBuild(ctx, Action.BUILD_RETRY, (id, by) -> commands.retry(id, by)),
        Guard.of(Action.BUILD_RETRY));
    routes.post("/api/v1/trigger", this::trigger, Guard.of(Action.TRIGGER));
    routes.post(
        "/api/v1/queues/dequeue",
        ctx -> onChange(ctx, Action.QUEUE_DEQUEUE, commands::dequeue),
        Guard.of(Action.QUEUE_DEQUEUE));
    routes.post(
        "/api/v1/queues/enqueue",
        ctx -> onChange(ctx, Action.QUEUE_ENQUEUE, commands::enqueue),
        Guard.of(Action.QUEUE_ENQUEUE));
    routes.post(
        "/api/v1/queues/promote",
        ctx -> onChange(ctx, Action.QUEUE_PROMOTE, commands::promote),
        Guard.of(Action.QUEUE_PROMOTE));
    routes.get("/api/v1/events/quarantined", this::quarantined);
    routes.post(
        "/api/v1/events/{id}/retry",
        ctx -> onEvent(ctx, Action.EVENT_RETRY, (id, by) -> commands.retryEvent(id, by)),
        Guard.of(Action.EVENT_RETRY));
    routes.post(
        "/api/v1/events/{id}/drop",
        ctx -> onEvent(ctx, Action.EVENT_DROP, (id, by) -> commands.dropEvent(id, by)),
        Guard.of(Action.EVENT_DROP));
  }

  /** Quarantined events (admin token: they name changes, embargoed ones too), latest first. */
  private void quarantined(Context ctx) {
    access.require(ctx, Action.EVENT_LIST, Target.NONE, "quarantined events");
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
  private void onEvent(Context ctx, Action verb, BuildCommand command) {
    String raw = ctx.pathParam("id");
    String action = verb.id() + " event " + raw;
    String who = access.require(ctx, verb, Target.NONE, "event " + raw).who();
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
  private void onChange(Context ctx, Action verb, ChangeCommand command) {
    Identity actor = access.actor(ctx, verb, "a gate queue");
    Map<String, String> f = new LinkedHashMap<>();
    if (Access.isForm(ctx)) {
      for (String name : List.of("connection", "project", "change")) {
        String v = ctx.formParam(name);
        if (v == null || v.isBlank()) {
          throw ApiError.badRequest("The form has no '" + name + "'.");
        }
        f.put(name, v);
      }
    } else {
      JsonNode node;
      try {
        node = Json.MAPPER.readTree(ctx.body() == null ? "" : ctx.body());
      } catch (JsonProcessingException e) {
        throw ApiError.badRequest(
            "The body is not valid JSON; send {\"connection\", \"project\", \"change\"}.");
      }
      for (String name : List.of("connection", "project", "change")) {
        JsonNode v = node == null ? null : node.get(name);
        if (v == null || !(v.isTextual() || v.isNumber()) || v.asText().isBlank()) {
          throw ApiError.badRequest("\"" + name + "\" is required and must be a non-empty string.");
        }
        f.put(name, v.asText());
      }
    }
    String target =
        "change " + f.get("change") + " of " + f.get("connection") + "/" + f.get("project");
    access.check(ctx, actor, verb, Target.project(f.get("project")), target);
    String who = actor.who();
    String action = verb.id() + " " + target;
    respond(
        ctx, who, action, command.run(f.get("connection"), f.get("project"), f.get("change"), who));
  }

  private interface BuildCommand {
    CommandResult run(long buildId, String by);
  }

  private void onBuild(Context ctx, Action verb, BuildCommand command) {
    String raw = ctx.pathParam("id");
    String target = "build " + raw;
    Identity actor = access.actor(ctx, verb, target);
    Build b = visibleBuild(ctx, actor, verb, raw);
    access.check(ctx, actor, verb, Target.build(b.project(), b.owner()), target);
    String who = actor.who();
    respond(ctx, who, verb.id() + " " + target, command.run(b.id(), who));
  }

  /**
   * The build to act on, or a 404 (audited) when there is none or the actor may not see it
   * (embargoed without the security role; a private project is the policy's to hide).
   */
  private Build visibleBuild(Context ctx, Identity actor, Action verb, String raw) {
    java.util.Optional<Build> found =
        BuildListParams.parseLong(raw).filter(n -> n > 0).flatMap(queries::build);
    boolean embargoed = found.isPresent() && queries.publicView().build(found.get().id()).isEmpty();
    if (found.isEmpty()
        || (embargoed
            && !access.policy().decide(actor, Action.READ_EMBARGOED, Target.NONE).allowed())) {
      throw access.refuse(
          ctx,
          actor.who(),
          verb.id(),
          "build " + raw,
          404,
          "not_found",
          "There is no build " + raw + ".");
    }
    return found.get();
  }

  private void trigger(Context ctx) {
    Identity actor = access.actor(ctx, Action.TRIGGER, "a project");
    Map<String, String> f = Access.isForm(ctx) ? triggerForm(ctx) : triggerFields(ctx.body());
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
    String target =
        pipeline.id() + " on " + f.get("connection") + "/" + f.get("project") + " " + f.get("ref");
    access.check(
        ctx, actor, Action.TRIGGER, Target.trigger(f.get("project"), pipeline.id()), target);
    String who = actor.who();
    String change = f.get("change");
    if (change != null) {
      // a recheck of a change: its newest checked patch set, whatever the ref points to now
      if (pipeline != PipelineName.CHECK) {
        throw new ApiError(
            422,
            "change_needs_check",
            "\"change\" names a change to check again; it goes with \"pipeline\": \"check\","
                + " not "
                + pipeline.id()
                + ".");
      }
      if (change.length() > 200 || change.chars().anyMatch(Character::isISOControl)) {
        throw ApiError.badRequest("\"change\" must be a change id of at most 200 characters.");
      }
      respond(
          ctx,
          who,
          "recheck change " + change + " of " + f.get("connection") + "/" + f.get("project"),
          commands.recheck(f.get("connection"), f.get("project"), change, who));
      return;
    }
    String action = "trigger " + target;
    respond(
        ctx,
        who,
        action,
        commands.trigger(f.get("connection"), f.get("project"), pipeline, f.get("ref"), who));
  }

  /** The four fields of a trigger posted by a page's form. */
  static Map<String, String> triggerForm(Context ctx) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String k : List.of("connection", "project", "pipeline", "ref")) {
      String v = ctx.formParam(k);
      if (v == null || v.isBlank()) {
        throw ApiError.badRequest("The form has no '" + k + "'.");
      }
      fields.put(k, v);
    }
    String change = ctx.formParam("change");
    if (change != null && !change.isBlank()) {
      fields.put("change", change);
    }
    return fields;
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
    JsonNode change = node.get("change");
    if (change != null) {
      if (!change.isTextual() || change.asText().isBlank()) {
        throw ApiError.badRequest("\"change\", when given, must be a non-empty string.");
      }
      fields.put("change", change.asText());
    }
    node.fieldNames()
        .forEachRemaining(
            n -> {
              if (!Set.copyOf(TRIGGER_FIELDS).contains(n) && !n.equals("change")) {
                throw ApiError.badRequest(
                    "Unknown field \""
                        + n
                        + "\"; a trigger takes only "
                        + String.join(", ", TRIGGER_FIELDS)
                        + " and, for check, change.");
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
    if (Access.isForm(ctx)) {
      // A page's button: back to a page (the new build's, or where the form came from; only a
      // path on this server, as the login's return_to), which shows the outcome (Notices), a
      // refusal (e.g. a 422 for a ref that does not fit the pipeline) as much as a success.
      String back = ctx.formParam("return_to");
      String page =
          status < 300 && r.buildId() > 0
              ? "/builds/" + r.buildId()
              : AuthRoutes.localPath(back) ? back : "/status";
      String message =
          r.message() == null || r.message().isBlank()
              ? (status < 300 ? "Done." : "The scheduler refused.")
              : r.message();
      String notice = access.notices().put(who, status < 300, message);
      ctx.redirect(links.local(Notices.with(page, notice)), io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
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
