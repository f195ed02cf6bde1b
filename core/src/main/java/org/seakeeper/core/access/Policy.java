package org.seakeeper.core.access;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.seakeeper.core.model.Grant;
import org.seakeeper.core.model.Role;

/**
 * The one answer to "may this identity do this to that" (docs/contracts.md §9, docs/roles.md).
 * Routes ask it and do nothing else about access. Pure and immutable: built from the grants of
 * trusted config and those an admin made, and the private projects; rebuild it when those change.
 * Thread-safe.
 *
 * <p>Rules, in order: the admin token and the {@code admin} role may do everything; a private
 * project is hidden (404) from an identity with no role on it, whatever the action; then each
 * action's rule ({@link #rule}); a refusal is 401 for anonymous, 403 otherwise.
 */
public final class Policy {
  private final List<Grant> grants;
  private final Set<String> privateProjects;

  public Policy(List<Grant> grants, Set<String> privateProjects) {
    this.grants = List.copyOf(grants);
    this.privateProjects = Set.copyOf(privateProjects);
  }

  /** Decides one request. */
  public Decision decide(Identity who, Action action, Target target) {
    Objects.requireNonNull(who);
    Objects.requireNonNull(target);
    if (isAdmin(who)) {
      return Decision.ALLOW;
    }
    Optional<String> project = target.project();
    if (project.isPresent() && !sees(who, project.get())) {
      return Decision.HIDDEN;
    }
    if (rule(who, action, target)) {
      return Decision.ALLOW;
    }
    return who.anonymous() ? Decision.UNAUTHENTICATED : Decision.FORBIDDEN;
  }

  /** Whether {@code who} may see {@code project}: public, or a role on it (or a global one). */
  public boolean sees(Identity who, String project) {
    return !privateProjects.contains(project) || isAdmin(who) || anyRoleOn(who, project);
  }

  public boolean isPrivate(String project) {
    return privateProjects.contains(project);
  }

  /** The private projects {@code who} may not see (to filter lists). */
  public Set<String> hiddenFrom(Identity who) {
    Set<String> out = new TreeSet<>();
    for (String p : privateProjects) {
      if (!sees(who, p)) {
        out.add(p);
      }
    }
    return out;
  }

  /** The grants that apply to {@code who} ({@code ROLE} or {@code ROLE:PROJECT}), sorted. */
  public List<String> roles(Identity who) {
    if (who.kind() == Identity.Kind.ADMIN_TOKEN) {
      return List.of(Role.ADMIN.id());
    }
    Set<String> out = new TreeSet<>();
    for (Grant g : grants) {
      if (applies(g, who)) {
        out.add(g.role().id() + g.project().map(p -> ":" + p).orElse(""));
      }
    }
    return List.copyOf(out);
  }

  private boolean rule(Identity who, Action action, Target t) {
    String project = t.project().orElse(null);
    return switch (action) {
      case READ_PROJECT -> true; // past the private-project check above
      case READ_EMBARGOED, EMBARGO_SUBMIT, EMBARGO_PUBLISH -> has(who, Role.SECURITY, null);
      case BUILD_CANCEL, BUILD_RETRY ->
          project != null
              && (has(who, Role.MAINTAINER, project)
                  || (has(who, Role.DEVELOPER, project)
                      && t.owner().filter(o -> o.equals(who.user())).isPresent()));
      case TRIGGER ->
          project != null
              && (has(who, Role.MAINTAINER, project)
                  || (has(who, Role.DEVELOPER, project)
                      && t.pipeline().filter("check"::equals).isPresent()));
      case QUEUE_DEQUEUE, QUEUE_ENQUEUE -> project != null && has(who, Role.MAINTAINER, project);
      case SECRET_SET, SECRET_DELETE -> project != null && has(who, Role.MAINTAINER, project);
      case SECRET_LIST -> project != null && has(who, Role.MAINTAINER, project);
      case ARTIFACT_PROMOTE -> project != null && has(who, Role.DEPLOYER, project);
      case TOKEN_OWN -> who.kind() == Identity.Kind.PERSON;
      case QUEUE_PROMOTE,
          EVENT_LIST,
          EVENT_RETRY,
          EVENT_DROP,
          TOKEN_FOR_USER,
          GRANT_MANAGE,
          AUDIT_READ ->
          false; // admin only
    };
  }

  /** Whether {@code who} may do everything: the admin token or the {@code admin} role. */
  public boolean isAdmin(Identity who) {
    return who.kind() == Identity.Kind.ADMIN_TOKEN || has(who, Role.ADMIN, null);
  }

  /**
   * Whether {@code who} holds {@code role} globally or (project non-null) on {@code project}; a
   * maintainer is a developer too.
   */
  private boolean has(Identity who, Role role, String project) {
    for (Grant g : grants) {
      boolean roleFits =
          g.role() == role || (role == Role.DEVELOPER && g.role() == Role.MAINTAINER);
      boolean scopeFits =
          g.project().isEmpty() || (project != null && g.project().get().equals(project));
      if (roleFits && scopeFits && applies(g, who)) {
        return true;
      }
    }
    return false;
  }

  private boolean anyRoleOn(Identity who, String project) {
    for (Grant g : grants) {
      if ((g.project().isEmpty() || g.project().get().equals(project)) && applies(g, who)) {
        return true;
      }
    }
    return false;
  }

  private static boolean applies(Grant g, Identity who) {
    if (who.kind() != Identity.Kind.PERSON) {
      return false;
    }
    if (g.who().startsWith("user:")) {
      return g.who().substring(5).equals(who.user());
    }
    return who.groups().contains(g.who().substring(6));
  }
}
