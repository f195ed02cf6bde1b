package org.seakeeper.core.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a person may do (docs/contracts.md §9, docs/roles.md), global or on one project. Reading
 * public projects needs no role (anonymous). Immutable.
 */
public enum Role {
  /** Re-run and cancel builds of changes they own, recheck (trigger {@code check}). */
  DEVELOPER("developer"),
  /** Per project: re-run and cancel any build, trigger, the gate queue, the project's secrets. */
  MAINTAINER("maintainer"),
  /** Promote artifacts. */
  DEPLOYER("deployer"),
  /** Embargoed changes: submit, read, publish. */
  SECURITY("security"),
  /** Everything. */
  ADMIN("admin");

  private final String id;

  Role(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Optional<Role> parse(String s) {
    return Arrays.stream(values()).filter(r -> r.id.equals(s)).findFirst();
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(Role::id).toList();
  }
}
