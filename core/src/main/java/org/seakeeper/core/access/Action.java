package org.seakeeper.core.access;

import java.util.Arrays;
import java.util.Optional;

/**
 * Everything the policy is asked about: every state-changing request and every privileged read. The
 * id is what audit records carry. docs/roles.md has the matrix of which role may do which.
 */
public enum Action {
  READ_PROJECT("project.read"),
  READ_EMBARGOED("embargoed.read"),
  BUILD_CANCEL("build.cancel"),
  BUILD_RETRY("build.retry"),
  TRIGGER("trigger"),
  QUEUE_DEQUEUE("queue.dequeue"),
  QUEUE_ENQUEUE("queue.enqueue"),
  QUEUE_PROMOTE("queue.promote"),
  EVENT_LIST("event.list_quarantined"),
  EVENT_RETRY("event.retry"),
  EVENT_DROP("event.drop"),
  SECRET_SET("secret.set"),
  SECRET_DELETE("secret.delete"),
  SECRET_LIST("secret.list"),
  EMBARGO_SUBMIT("embargo.submit"),
  EMBARGO_PUBLISH("embargo.publish"),
  ARTIFACT_PROMOTE("artifact.promote"),
  TOKEN_OWN("token.own"),
  TOKEN_FOR_USER("token.for_user"),
  GRANT_MANAGE("grant.manage"),
  AUDIT_READ("audit.read");

  private final String id;

  Action(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Optional<Action> parse(String s) {
    return Arrays.stream(values()).filter(a -> a.id.equals(s)).findFirst();
  }
}
