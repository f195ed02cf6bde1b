package org.seakeeper.core.access;

import java.util.Objects;
import java.util.Set;

/**
 * Who is asking: nobody (anonymous), a person (logged in through OpenID Connect, or one of their
 * personal API tokens), or the operator's admin token (break-glass, every role). Immutable.
 *
 * @param user the person's user name; empty for anonymous and the admin token
 * @param groups the person's OIDC groups at login (empty for tokens: their grants by user apply)
 * @param via how the identity was proven: {@code none}, {@code session}, {@code token:ID}, {@code
 *     admin_token}
 */
public record Identity(Kind kind, String user, Set<String> groups, String via) {
  /** How an identity came to be. */
  public enum Kind {
    ANONYMOUS,
    PERSON,
    ADMIN_TOKEN
  }

  public static final Identity ANONYMOUS = new Identity(Kind.ANONYMOUS, "", Set.of(), "none");
  public static final Identity ADMIN_TOKEN =
      new Identity(Kind.ADMIN_TOKEN, "", Set.of(), "admin_token");

  public Identity {
    Objects.requireNonNull(kind);
    Objects.requireNonNull(user);
    Objects.requireNonNull(via);
    groups = Set.copyOf(groups);
    if ((kind == Kind.PERSON) == user.isBlank()) {
      throw new IllegalArgumentException("a person has a user name, and only a person has one");
    }
  }

  /** A person, by session or token. */
  public static Identity person(String user, Set<String> groups, String via) {
    return new Identity(Kind.PERSON, user, groups, via);
  }

  /** The name audit records and {@code by} fields carry: {@code user:NAME}, {@code admin}, ... */
  public String who() {
    return switch (kind) {
      case ANONYMOUS -> "anonymous";
      case PERSON -> "user:" + user;
      case ADMIN_TOKEN -> "admin";
    };
  }

  public boolean anonymous() {
    return kind == Kind.ANONYMOUS;
  }
}
