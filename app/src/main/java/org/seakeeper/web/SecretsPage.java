package org.seakeeper.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.seakeeper.core.access.Action;
import org.seakeeper.core.access.Identity;
import org.seakeeper.core.access.Target;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.core.secret.SecretStore;
import org.seakeeper.secrets.SecretAdmin;

/**
 * {@code /projects/{project}/secrets}: a project's secrets for its maintainers and admins (policy
 * actions {@code secret.list}, {@code secret.set}, {@code secret.delete}, as {@code
 * /api/v1/secrets}): each secret's name, connection, scope and when it was set, never its value; a
 * form to set one (the value in a password field) and a Delete button per secret. The forms post
 * here with the session's CSRF token, are asked of the policy and audited as the API's calls are,
 * and redirect back with the outcome ({@link Notices}); no answer, redirect or log line carries
 * anything of a value. Anonymous: sent to log in; without the role: 403 (404 for a private project
 * without any role on it), as a page.
 */
final class SecretsPage {
  /** The pipelines a secret may be offered to ({@code check} never). */
  static final List<PipelineName> SCOPES =
      List.of(PipelineName.GATE, PipelineName.POST, PipelineName.PERIODIC, PipelineName.RELEASE);

  private final SecretAdmin admin;
  private final Access access;
  private final Links links;
  private final Supplier<Map<String, Object>> status;

  /**
   * @param admin the secret store; null: this server has none (the page says so, 503)
   */
  SecretsPage(SecretAdmin admin, Access access, Links links, Supplier<Map<String, Object>> status) {
    this.admin = admin;
    this.access = access;
    this.links = links;
    this.status = status;
  }

  void install(RoutesConfig routes) {
    // before ProjectPage's /projects/<project>, so that this one matches first
    routes.get("/projects/<project>/secrets", this::page);
    routes.post("/projects/<project>/secrets", this::set, Guard.of(Action.SECRET_SET));
    routes.post("/projects/<project>/secrets/delete", this::delete, Guard.of(Action.SECRET_DELETE));
  }

  private String self(String project) {
    return ProjectPage.path(project) + "/secrets";
  }

  private void page(Context ctx) {
    String project = ctx.pathParam("project");
    try {
      Identity who = access.identify(ctx);
      if (who.anonymous()) {
        ctx.redirect(
            links.local("/login?return_to=" + Pages.encode(self(project))), HttpStatus.FOUND);
        return;
      }
      access.check(ctx, who, Action.SECRET_LIST, Target.project(project), "secrets of " + project);
      show(ctx, project);
    } catch (ApiError e) {
      AuthRoutes.page(
          ctx,
          links,
          e.status(),
          "Secrets",
          "<h1>Secrets</h1>\n<p class=\"notice refused\" role=\"alert\">"
              + Html.esc(e.getMessage())
              + "</p>\n");
    }
  }

  private SecretAdmin admin() {
    if (admin == null) {
      throw new ApiError(503, "secrets_unavailable", "This server has no secret store.");
    }
    return admin;
  }

  private void show(Context ctx, String project) {
    List<SecretStore.Listed> secrets = admin().listWithTimes(project);
    Viewer viewer = access.viewer(ctx);
    String title = "Secrets of " + project;
    StringBuilder b =
        new StringBuilder("<h1>")
            .append(Html.esc(title))
            .append("</h1>\n<p>")
            .append(ProjectPage.link(links, project))
            .append("</p>\n<p class=\"note\">Values are kept encrypted and never shown, here or")
            .append(" anywhere: a value goes in and only this project's jobs of the pipelines in")
            .append(" its scope get it (never <code>check</code>). A job asks for a secret by")
            .append(" name in its <code>secrets:</code>.</p>\n");
    if (secrets.isEmpty()) {
      b.append("<p id=\"no-secrets\">This project has no secrets yet.</p>\n");
    } else {
      b.append("<div class=\"scroll\"><table id=\"secrets\"><thead><tr>");
      for (String h : List.of("Name", "Connection", "Pipelines", "Set", "")) {
        b.append("<th scope=\"col\">").append(h).append("</th>");
      }
      b.append("</tr></thead><tbody>\n");
      for (SecretStore.Listed l : secrets) {
        SecretBinding s = l.binding();
        b.append("<tr><td><code>")
            .append(Html.esc(s.name()))
            .append("</code></td><td>")
            .append(Html.esc(s.connection()))
            .append("</td><td>")
            .append(Html.esc(String.join(", ", s.pipelineIds())))
            .append("</td><td>")
            .append(Html.esc(l.setAt().map(t -> Html.time(Optional.of(t))).orElse("unknown")))
            .append("</td><td><form class=\"inline\" method=\"post\" action=\"")
            .append(Html.esc(links.local(self(project) + "/delete")))
            .append("\">")
            .append(Html.hidden("connection", s.connection()))
            .append(Html.hidden("name", s.name()))
            .append(Html.hidden("return_to", self(project)))
            .append(Html.csrf(viewer))
            .append("<button type=\"submit\" aria-label=\"")
            .append(Html.esc("Delete secret " + s.name() + " of " + s.connection()))
            .append("\">Delete</button></form></td></tr>\n");
      }
      b.append("</tbody></table></div>\n");
    }
    b.append(setForm(viewer, access.policy().isAdmin(access.identify(ctx)), project, secrets));
    String nonce = Html.nonce();
    Pages.html(ctx, nonce, Html.page(title, nonce, links, viewer, "", b.toString()));
  }

  /**
   * The form to set a secret; {@code admin}: it may offer the secret to {@code gate} too (approved
   * code not merged yet, docs/contracts.md §1).
   */
  private String setForm(
      Viewer viewer, boolean admin, String project, List<SecretStore.Listed> secrets) {
    List<String> connections =
        ProjectPage.connections(
            status.get(),
            project,
            secrets.stream().map(l -> l.binding().connection()).distinct().toList());
    StringBuilder f =
        new StringBuilder(
                "<section aria-labelledby=\"set-heading\"><h2 id=\"set-heading\">Set a"
                    + " secret</h2>\n<form id=\"set-secret\" method=\"post\" action=\"")
            .append(Html.esc(links.local(self(project))))
            .append("\" autocomplete=\"off\">")
            .append(Html.hidden("return_to", self(project)))
            .append(Html.csrf(viewer));
    if (connections.size() == 1) {
      f.append(Html.hidden("connection", connections.getFirst()));
    } else if (connections.isEmpty()) {
      f.append("<label for=\"secret-connection\">Connection</label> ")
          .append("<input id=\"secret-connection\" name=\"connection\" required")
          .append(" maxlength=\"200\" spellcheck=\"false\"> ");
    } else {
      f.append(ProjectPage.connectionSelect("secret-connection", connections));
    }
    f.append("<label for=\"secret-name\">Name</label> ")
        .append("<input id=\"secret-name\" name=\"name\" required maxlength=\"64\"")
        .append(" spellcheck=\"false\" autocomplete=\"off\"> ")
        .append("<label for=\"secret-value\">Value</label> ")
        .append("<input id=\"secret-value\" name=\"value\" type=\"password\" required")
        .append(" autocomplete=\"new-password\" spellcheck=\"false\">")
        .append("<fieldset><legend>Offered to builds of</legend>");
    for (PipelineName p : SCOPES) {
      if (p == PipelineName.GATE && !admin) {
        continue;
      }
      String id = "scope-" + p.id();
      f.append("<input type=\"checkbox\" id=\"")
          .append(id)
          .append("\" name=\"pipelines\" value=\"")
          .append(p.id())
          .append("\"")
          .append(SecretBinding.DEFAULT_SCOPE.contains(p) ? " checked" : "")
          .append("> <label for=\"")
          .append(id)
          .append("\">")
          .append(p.id())
          .append(p == PipelineName.GATE ? " (approved code not merged yet)" : "")
          .append("</label> ");
    }
    return f.append("</fieldset><button type=\"submit\">Set secret</button>")
        .append("<p class=\"note\">Setting a name that exists replaces its value and scope. One")
        .append(" line; for a value with line breaks or bytes use <code>seakeeper secrets")
        .append(" set</code> or <code>PUT /api/v1/secrets</code> with")
        .append(" <code>value_base64</code>.</p></form></section>\n")
        .toString();
  }

  private static String field(Context ctx, String name) {
    if (!Access.isForm(ctx)) {
      return "";
    }
    String v = ctx.formParam(name);
    return v == null ? "" : v;
  }

  /** Sets a secret from the page's form; back to the page with what the store said. */
  private void set(Context ctx) {
    String project = ctx.pathParam("project");
    String connection = field(ctx, "connection");
    String name = field(ctx, "name");
    String slot = SecretRoutes.slot(connection, project, name);
    Identity actor = access.actor(ctx, Action.SECRET_SET, "secret " + slot);
    form(ctx);
    List<String> scope = ctx.formParams("pipelines");
    String who =
        SecretRoutes.allowSet(
            access, ctx, actor, project, Optional.of(String.join(",", scope)), "secret " + slot);
    byte[] value = field(ctx, "value").getBytes(StandardCharsets.UTF_8);
    SecretAdmin.Outcome o;
    try {
      o = admin().set(connection, project, name, Optional.of(String.join(",", scope)), value);
    } finally {
      java.util.Arrays.fill(value, (byte) 0);
    }
    SecretRoutes.logged(ctx, who, "set secret " + slot, o);
    back(ctx, who, project, o);
  }

  /** Deletes a secret from its row's button; back to the page with what the store said. */
  private void delete(Context ctx) {
    String project = ctx.pathParam("project");
    String connection = field(ctx, "connection");
    String name = field(ctx, "name");
    String slot = SecretRoutes.slot(connection, project, name);
    String who =
        access.require(ctx, Action.SECRET_DELETE, Target.project(project), "secret " + slot).who();
    form(ctx);
    SecretAdmin.Outcome o = admin().delete(connection, project, name);
    SecretRoutes.logged(ctx, who, "delete secret " + slot, o);
    back(ctx, who, project, o);
  }

  /** These routes take a page's form only; scripts use {@code /api/v1/secrets}. */
  private static void form(Context ctx) {
    if (!Access.isForm(ctx)) {
      throw new ApiError(
          415,
          "unsupported_media_type",
          "This is the secrets page's form; scripts use PUT or DELETE /api/v1/secrets/...");
    }
  }

  private void back(Context ctx, String who, String project, SecretAdmin.Outcome o) {
    String notice = access.notices().put(who, o.ok(), o.message());
    ctx.redirect(links.local(Notices.with(self(project), notice)), HttpStatus.SEE_OTHER);
  }
}
