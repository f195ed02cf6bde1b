package org.seakeeper.core.access;

/**
 * The policy's answer, with the HTTP status it maps to (docs/contracts.md §9): no identity is 401,
 * an identity without the role 403, a private project to someone without a role on it 404.
 */
public enum Decision {
  ALLOW(200),
  UNAUTHENTICATED(401),
  FORBIDDEN(403),
  HIDDEN(404);

  private final int status;

  Decision(int status) {
    this.status = status;
  }

  public int status() {
    return status;
  }

  public boolean allowed() {
    return this == ALLOW;
  }
}
