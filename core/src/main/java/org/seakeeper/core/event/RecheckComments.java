package org.seakeeper.core.event;

/**
 * When a review comment asks to test a change again (docs/contracts.md §1): some line of it is
 * exactly {@code recheck}, surrounding blanks aside ("please recheck" is not). Review systems'
 * adapters and fakes share this rule. Stateless.
 */
public final class RecheckComments {
  private RecheckComments() {}

  public static boolean asks(String comment) {
    return comment.lines().anyMatch(l -> l.strip().equals("recheck"));
  }
}
