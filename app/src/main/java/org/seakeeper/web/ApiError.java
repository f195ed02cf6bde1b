package org.seakeeper.web;

/**
 * A refusal to send to the client as {@code {"error": code, "message": message}} with an HTTP
 * status (docs/contracts.md §6). Thrown by route handlers; {@link ErrorHandling} turns it into
 * JSON. The message is shown to the client, so it must never carry secrets or internals.
 */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String code;

  public ApiError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, "bad_request", message);
  }

  public static ApiError unknownBuild(String id) {
    return new ApiError(404, "not_found", "There is no build " + id + ".");
  }
}
