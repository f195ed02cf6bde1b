package org.seakeeper.gerrit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.function.Predicate;
import org.seakeeper.core.event.RecheckComments;
import org.seakeeper.core.event.TriggerEvent;

/**
 * Maps one line of {@code gerrit stream-events} (a JSON object) to what the connection does with it
 * (docs/contracts.md §4). Pure; thread-safe.
 *
 * <ul>
 *   <li>{@code patchset-created}: {@code ChangeProposed} (work-in-progress changes too), with the
 *       change's owner from {@code change.owner} ({@link #owner});
 *   <li>{@code comment-added} with a line that is exactly {@code recheck}, by someone other than
 *       the CI account: a {@link RecheckRequested}, which the connection resolves over REST into
 *       {@code Recheck} events keyed by Gerrit's message id (the line carries no id);
 *   <li>{@code change-abandoned}: {@code ChangeAbandoned}, its sequence {@code eventCreatedOn};
 *   <li>{@code ref-updated} of {@code refs/heads/*} or {@code refs/tags/*}: {@code RefUpdated}, its
 *       sequence {@code eventCreatedOn} ({@code change-merged} is covered by it);
 *   <li>anything else, and every event of a project the connection does not serve: ignored.
 * </ul>
 */
final class StreamEvents {
  /** The longest owner kept (the store's column). */
  static final int MAX_OWNER = 255;

  private StreamEvents() {}

  /** What a line asks for; {@code createdOn} is its {@code eventCreatedOn} (0 when absent). */
  sealed interface Line {
    long createdOn();
  }

  /** Deliver this event. */
  record Emit(TriggerEvent event, long createdOn) implements Line {}

  /** Someone commented {@code recheck} on the change: look its messages up. */
  record RecheckRequested(String project, String change, long createdOn) implements Line {}

  /** Someone voted on the change (the comment carries approvals): look its labels up. */
  record ApprovalsRequested(String project, String change, long createdOn) implements Line {}

  /** Nothing to do. */
  record Ignore(String why, long createdOn) implements Line {}

  static Line map(String connection, String ciUser, Predicate<String> serves, JsonNode e) {
    long createdOn = e.path("eventCreatedOn").asLong(0);
    String type = e.path("type").asText("");
    String project = project(e);
    if (project.isEmpty() || !serves.test(project)) {
      return new Ignore("project '" + project + "' not served", createdOn);
    }
    JsonNode change = e.path("change");
    JsonNode ps = e.path("patchSet");
    return switch (type) {
      case "patchset-created" -> {
        if (!change.has("number") || !ps.has("number") || !ps.has("revision")) {
          yield new Ignore("patchset-created without change or patch set", createdOn);
        }
        yield new Emit(
            new TriggerEvent.ChangeProposed(
                connection,
                project,
                change.path("branch").asText(),
                change.path("number").asText(),
                ps.path("number").asText(),
                ps.path("revision").asText(),
                ps.path("ref").asText(),
                owner(change.path("owner"))),
            createdOn);
      }
      case "comment-added" -> {
        String author = e.path("author").path("username").asText("");
        if (author.equals(ciUser) || !change.has("number")) {
          yield new Ignore("a comment of the CI account", createdOn);
        }
        if (hasRecheckLine(e.path("comment").asText(""))) {
          yield new RecheckRequested(project, change.path("number").asText(), createdOn);
        }
        if (e.path("approvals").isArray() && !e.path("approvals").isEmpty()) {
          yield new ApprovalsRequested(project, change.path("number").asText(), createdOn);
        }
        yield new Ignore("a comment without recheck or votes", createdOn);
      }
      case "change-abandoned" ->
          change.has("number")
              ? new Emit(
                  new TriggerEvent.ChangeAbandoned(
                      connection,
                      project,
                      change.path("number").asText(),
                      Long.toString(createdOn)),
                  createdOn)
              : new Ignore("change-abandoned without a change", createdOn);
      case "ref-updated" ->
          refUpdated(connection, project, e.path("refUpdate"), createdOn)
              .<Line>map(ev -> new Emit(ev, createdOn))
              .orElseGet(() -> new Ignore("not a branch or tag", createdOn));
      default -> new Ignore("event type " + type, createdOn);
    };
  }

  private static Optional<TriggerEvent> refUpdated(
      String connection, String project, JsonNode u, long createdOn) {
    String ref = u.path("refName").asText("");
    if (!ref.startsWith("refs/heads/") && !ref.startsWith("refs/tags/")) {
      return Optional.empty();
    }
    String newRev = u.path("newRev").asText("");
    if (newRev.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new TriggerEvent.RefUpdated(
            connection,
            project,
            ref,
            u.path("oldRev").asText(""),
            newRev,
            Long.toString(createdOn)));
  }

  /**
   * Who a Gerrit account is, as Seakeeper records a change's owner (docs/roles.md): its {@code
   * username}, or its {@code email} when the account has no username; empty when it has neither, or
   * the value is longer than {@value #MAX_OWNER} characters or holds control characters. The same
   * for a stream event's {@code AccountAttribute} and a REST {@code AccountInfo}.
   */
  static Optional<String> owner(JsonNode account) {
    for (String field : new String[] {"username", "email"}) {
      String v = account.path(field).isTextual() ? account.path(field).asText().strip() : "";
      if (!v.isEmpty()) {
        boolean clean =
            v.length() <= MAX_OWNER && v.codePoints().noneMatch(Character::isISOControl);
        return clean ? Optional.of(v) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static String project(JsonNode e) {
    if (e.path("project").isTextual()) {
      return e.path("project").asText();
    }
    if (e.path("change").path("project").isTextual()) {
      return e.path("change").path("project").asText();
    }
    return e.path("refUpdate").path("project").asText("");
  }

  /**
   * Whether some line of a review comment is exactly {@code recheck} (surrounding blanks aside).
   */
  static boolean hasRecheckLine(String comment) {
    return RecheckComments.asks(comment);
  }
}
