package org.seakeeper.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Optional;
import org.seakeeper.core.access.Action;
import org.seakeeper.core.access.Identity;
import org.seakeeper.core.access.Target;
import org.seakeeper.core.store.AuditQuery;
import org.seakeeper.core.store.AuditRecord;

/**
 * The audit trail as a page for admins ({@code /audit}): the records {@code GET /api/v1/audit}
 * answers with, the same filters (who, action, outcome, target, since, until, before, limit) as a
 * plain GET form, newest first, a link to the next page and to the JSON-lines export. No
 * JavaScript; every field is escaped. Anonymous: sent to log in; anyone else without {@code
 * audit.read}: 403 as a page (the refusal is audited like the API's).
 */
final class AuditPage {
  static final int PAGE = 100;
  private final Access access;
  private final Links links;

  AuditPage(Access access, Links links) {
    this.access = access;
    this.links = links;
  }

  void install(RoutesConfig routes) {
    routes.get("/audit", this::page);
  }

  private void page(Context ctx) {
    Viewer viewer = access.viewer(ctx);
    try {
      Identity who = access.identify(ctx);
      if (who.anonymous()) {
        ctx.redirect(links.local("/login?return_to=/audit"), HttpStatus.FOUND);
        return;
      }
      access.check(ctx, who, Action.AUDIT_READ, Target.NONE, "audit records");
      AuditQuery q = AccessRoutes.query(ctx, PAGE);
      List<AuditRecord> records = access.store().audit(q);
      StringBuilder b = new StringBuilder("<h1>Audit</h1>\n").append(filters(ctx));
      if (records.isEmpty()) {
        b.append("<p id=\"none\">No record matches.</p>\n");
      } else {
        b.append("<div class=\"scroll\"><table id=\"audit\"><thead><tr>");
        for (String h :
            List.of(
                "Id", "At", "Who", "From", "Action", "Target", "Outcome", "Status", "Message")) {
          b.append("<th scope=\"col\">").append(h).append("</th>");
        }
        b.append("</tr></thead><tbody>\n");
        for (AuditRecord r : records) {
          b.append("<tr class=\"")
              .append(r.outcome().id())
              .append("\"><td>")
              .append(r.id())
              .append("</td><td>")
              .append(Html.esc(Html.time(Optional.of(r.at()))))
              .append("</td><td>")
              .append(Html.esc(r.who()))
              .append("</td><td>")
              .append(Html.esc(r.from()))
              .append("</td><td>")
              .append(Html.esc(r.action()))
              .append("</td><td>")
              .append(Html.esc(r.target()))
              .append("</td><td>")
              .append(Html.esc(r.outcome().id()))
              .append("</td><td>")
              .append(r.status())
              .append("</td><td>")
              .append(Html.esc(r.message()))
              .append("</td></tr>\n");
        }
        b.append("</tbody></table></div>\n");
      }
      b.append("<p>");
      if (records.size() == q.limit()) {
        b.append(
                Html.link(
                    links.local("/audit?" + ApiRoutes.nextQuery(ctx, records.getLast().id())),
                    "Older records"))
            .append(" &middot; ");
      }
      String filters = ctx.queryString() == null ? "" : "?" + ctx.queryString();
      b.append(Html.link(links.local("/api/v1/audit/export" + filters), "Export (JSON lines)"))
          .append("</p>\n");
      String nonce = Html.nonce();
      Pages.html(ctx, nonce, Html.page("Audit", nonce, links, viewer, "", b.toString()));
    } catch (ApiError e) {
      AuthRoutes.page(
          ctx,
          links,
          e.status(),
          "Audit",
          "<p class=\"error\">" + Html.esc(e.getMessage()) + "</p>");
    }
  }

  private static String filters(Context ctx) {
    StringBuilder f = new StringBuilder("<form method=\"get\" action=\"\" class=\"filters\">");
    for (String name : List.of("who", "action", "target", "since", "until")) {
      String v = Optional.ofNullable(ctx.queryParam(name)).orElse("");
      f.append("<label>")
          .append(name)
          .append(" <input name=\"")
          .append(name)
          .append("\" value=\"")
          .append(Html.esc(v))
          .append("\"")
          .append(name.equals("action") ? " list=\"actions\"" : "")
          .append(
              name.equals("since") || name.equals("until")
                  ? " placeholder=\"2026-03-01T10:00:00Z\""
                  : "")
          .append("></label> ");
    }
    f.append("<datalist id=\"actions\">");
    for (Action a : Action.values()) {
      f.append("<option value=\"").append(Html.esc(a.id())).append("\">");
    }
    f.append("<option value=\"login\"><option value=\"authenticate\"></datalist>");
    String outcome = Optional.ofNullable(ctx.queryParam("outcome")).orElse("");
    f.append("<label>outcome <select name=\"outcome\">");
    for (String o : List.of("", "allowed", "refused")) {
      f.append("<option value=\"")
          .append(o)
          .append("\"")
          .append(o.equals(outcome) ? " selected" : "")
          .append(">")
          .append(o.isEmpty() ? "any" : o)
          .append("</option>");
    }
    return f.append("</select></label> <button type=\"submit\">Filter</button></form>\n")
        .toString();
  }
}
