package org.seakeeper.web;

import io.javalin.config.JavalinConfig;

/**
 * Headers on every response: logs and build details are untrusted text, so browsers must never
 * sniff them into HTML, and our pages must never be framed. Pages add their own CSP.
 */
final class SecurityHeaders {
  private SecurityHeaders() {}

  static void install(JavalinConfig config) {
    config.routes.before(
        ctx -> {
          ctx.header("X-Content-Type-Options", "nosniff");
          ctx.header("X-Frame-Options", "DENY");
          ctx.header("Referrer-Policy", "no-referrer");
          ctx.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        });
  }
}
