package org.seakeeper.web;

import io.javalin.security.RouteRole;
import java.util.Optional;
import org.seakeeper.core.access.Action;

/**
 * The policy action a route is guarded by, as a Javalin route role. Every route that changes state
 * (any method but GET and HEAD) must carry one: a route without is refused with a 500 before its
 * handler runs, and the role matrix test ({@code RoleMatrixTest}) fails, so a new route cannot skip
 * the policy. {@link #SELF} marks the login flow's routes, which check and audit themselves.
 */
record Guard(Optional<Action> action) implements RouteRole {
  static final Guard SELF = new Guard(Optional.empty());

  static Guard of(Action a) {
    return new Guard(Optional.of(a));
  }
}
