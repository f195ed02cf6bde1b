package org.seakeeper.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every 4xx/5xx a JSON error object (docs/contracts.md §6), whether it comes from a route,
 * from Javalin (unknown route, wrong method), from an unexpected exception, or from Jetty itself (a
 * malformed request). Internals go to the server log only, under an incident id.
 */
final class ErrorHandling {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandling.class);

  private ErrorHandling() {}

  static void install(JavalinConfig config, Links links) {
    config.routes.exception(
        ApiError.class,
        (e, ctx) -> {
          if (formPost(ctx)) {
            formError(ctx, links, e.status(), e.getMessage());
          } else {
            respond(ctx, e.status(), e.code(), e.getMessage());
          }
        });
    config.routes.exception(HttpResponseException.class, ErrorHandling::javalinError);
    config.routes.exception(
        Exception.class,
        (e, ctx) -> {
          String incident = incident(e, ctx.method() + " " + ctx.path());
          if (formPost(ctx)) {
            formError(ctx, links, 500, incident);
          } else {
            respond(ctx, 500, "internal_error", incident);
          }
        });
    config.router.javaLangErrorHandler(
        (res, error) -> {
          String body = Json.write(Json.error("internal_error", incident(error, "a request")));
          res.setStatus(500);
          res.setContentType("application/json");
          try {
            res.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
          } catch (java.io.IOException ignored) {
            // the client is gone
          }
        });
    JsonJettyErrors jetty = new JsonJettyErrors();
    config.jetty.modifyServer(server -> server.setErrorHandler(jetty));
    config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(jetty));
  }

  /** A page's form (a browser's POST of {@code application/x-www-form-urlencoded}). */
  private static boolean formPost(Context ctx) {
    return !Access.safe(ctx.method().name()) && Access.isForm(ctx);
  }

  /**
   * A page's form refused: the reason as an HTML page with the same status, and a way back to the
   * page the form came from ({@code return_to}, a path on this server) instead of a JSON body.
   */
  private static void formError(Context ctx, Links links, int status, String message) {
    String back;
    try {
      back = ctx.formParam("return_to");
    } catch (RuntimeException unreadable) {
      back = null;
    }
    String page = AuthRoutes.localPath(back) ? back : "/status";
    StringBuilder b =
        new StringBuilder("<h1>Not done</h1>\n<p class=\"notice refused\" role=\"alert\">")
            .append(Html.esc(message))
            .append("</p>\n<p>");
    if (status == 401) {
      b.append(Html.link(links.local("/login?return_to=" + Pages.encode(page)), "Log in"))
          .append(" · ");
    }
    b.append(Html.link(links.local(page), "Back")).append("</p>\n");
    AuthRoutes.page(ctx, links, status, "Not done", b.toString());
  }

  static void respond(Context ctx, int status, String code, String message) {
    ctx.status(status).json(Json.error(code, message));
  }

  private static void javalinError(HttpResponseException e, Context ctx) {
    int status = e.getStatus();
    switch (status) {
      case 404 ->
          respond(
              ctx,
              404,
              "not_found",
              "There is no "
                  + ctx.method()
                  + " "
                  + ctx.path()
                  + " here; see docs/api.md for the endpoints.");
      case 405 -> {
        String allowed = e.getDetails().values().stream().findFirst().orElse("");
        if (!allowed.isEmpty()) {
          ctx.header("Allow", allowed);
        }
        respond(
            ctx,
            405,
            "method_not_allowed",
            "Method "
                + ctx.method()
                + " is not allowed on "
                + ctx.path()
                + (allowed.isEmpty() ? "." : "; use " + allowed + "."));
      }
      default -> respond(ctx, status, codeFor(status), sentence(status, e.getMessage()));
    }
  }

  /** A short machine code for an HTTP status, e.g. {@code payload_too_large}. */
  static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 416 -> "range_not_satisfiable";
      case 422 -> "unprocessable";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal_error" : "http_" + status;
    };
  }

  private static String sentence(int status, String message) {
    String reason = HttpStatus.forStatus(status).getMessage();
    String m = message == null || message.isBlank() ? reason : message;
    return m.endsWith(".") ? m : m + ".";
  }

  private static String incident(Throwable e, String what) {
    String id = UUID.randomUUID().toString().substring(0, 8);
    LOG.error("Incident {} while handling {}", id, what, e);
    return "Something went wrong on the server (incident "
        + id
        + "); the details are in the server log.";
  }

  /** Jetty's own errors (malformed requests, errors outside Javalin) as JSON, never HTML. */
  private static final class JsonJettyErrors extends ErrorHandler {
    JsonJettyErrors() {
      setShowStacks(false);
      setShowCauses(false);
    }

    @Override
    protected void generateResponse(
        Request request,
        Response response,
        int code,
        String message,
        Throwable cause,
        Callback callback) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
      return ByteBuffer.wrap(body(status, reason));
    }

    private static byte[] body(int code, String message) {
      String reason = HttpStatus.forStatus(code).getMessage();
      String text =
          "The server could not handle this request: "
              + (message == null || message.isBlank() ? reason : message)
              + ".";
      return Json.write(Json.error(codeFor(code), text)).getBytes(StandardCharsets.UTF_8);
    }
  }
}
