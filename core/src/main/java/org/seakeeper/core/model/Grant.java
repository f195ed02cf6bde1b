package org.seakeeper.core.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One role given to one subject, global (no project) or on one project (docs/contracts.md §9).
 * Immutable.
 *
 * @param who {@code user:NAME} (the OIDC subject's user name) or {@code group:NAME} (an OIDC group)
 */
public record Grant(Role role, Optional<String> project, String who) {
  public Grant {
    Objects.requireNonNull(role);
    Objects.requireNonNull(project);
    if (!validSubject(who)) {
      throw new IllegalArgumentException("a grant's subject is user:NAME or group:NAME: " + who);
    }
  }

  /** Whether {@code s} is {@code user:NAME} or {@code group:NAME} with a non-blank name. */
  public static boolean validSubject(String s) {
    if (s == null) {
      return false;
    }
    String name =
        s.startsWith("user:") ? s.substring(5) : s.startsWith("group:") ? s.substring(6) : "";
    return !name.isBlank() && name.strip().equals(name) && name.length() <= 200;
  }
}
