package org.seakeeper.web;

import java.util.Objects;
import java.util.Optional;

/**
 * Who is looking at a page, as far as the pages care: a name to show and which actions to offer.
 * The single hook between the pages and authentication: the pages ask only {@link #may} before
 * drawing an action's button, and the server checks again when the action arrives. Until login is
 * wired ({@link WebServer#viewers}), every request is {@link #ANONYMOUS}: no actions are drawn.
 *
 * @param name shown in the page header; empty: not logged in
 * @param permits answers "may this viewer do this action to that target" (the policy's answer)
 * @param csrfToken put into every action form as {@code csrf}; empty: forms carry none
 * @param notice the outcome of this viewer's last form, when the page was reached by its redirect
 *     ({@link Notices}); every page shows it at the top
 */
public record Viewer(
    Optional<String> name, Permits permits, Optional<String> csrfToken, Optional<Notice> notice) {
  /** Nobody in particular: reads public pages, offered no actions. */
  public static final Viewer ANONYMOUS =
      new Viewer(Optional.empty(), (a, t) -> false, Optional.empty());

  public Viewer {
    Objects.requireNonNull(name);
    Objects.requireNonNull(permits);
    Objects.requireNonNull(csrfToken);
    Objects.requireNonNull(notice);
  }

  /** A viewer shown no notice. */
  public Viewer(Optional<String> name, Permits permits, Optional<String> csrfToken) {
    this(name, permits, csrfToken, Optional.empty());
  }

  /**
   * The outcome of a form, shown on the page it returned to.
   *
   * @param ok whether the action was done (else the sentence says why not)
   */
  public record Notice(boolean ok, String message) {
    public Notice {
      Objects.requireNonNull(message);
    }
  }

  /** The actions a page may offer (docs/contracts.md §9). */
  public enum Action {
    RETRY,
    CANCEL,
    RECHECK,
    TRIGGER,
    DEQUEUE,
    PROMOTE,
    /** List, set and delete a project's secrets (the secrets page). */
    SECRETS
  }

  /**
   * What an action is done to: a build (with its project), a change in a gate queue, or a project.
   *
   * @param build the build's id, when the target is a build
   * @param change the change number, when the target is a change
   * @param owner the owner of the build's change, when known (docs/roles.md)
   */
  public record Target(
      String connection,
      String project,
      Optional<String> change,
      Optional<Long> build,
      Optional<String> owner) {
    public Target {
      Objects.requireNonNull(connection);
      Objects.requireNonNull(project);
      Objects.requireNonNull(change);
      Objects.requireNonNull(build);
      Objects.requireNonNull(owner);
    }

    /** A target that is no build of a known owner (a project, a change in a gate queue). */
    public Target(
        String connection, String project, Optional<String> change, Optional<Long> build) {
      this(connection, project, change, build, Optional.empty());
    }

    static Target of(org.seakeeper.core.build.Build b) {
      return new Target(b.connection(), b.project(), b.change(), Optional.of(b.id()), b.owner());
    }

    static Target change(String connection, String project, String change) {
      return new Target(connection, project, Optional.of(change), Optional.empty());
    }
  }

  /** The policy's answer for one viewer. */
  @FunctionalInterface
  public interface Permits {
    boolean permits(Action action, Target target);
  }

  public boolean may(Action action, Target target) {
    return permits.permits(action, target);
  }
}
