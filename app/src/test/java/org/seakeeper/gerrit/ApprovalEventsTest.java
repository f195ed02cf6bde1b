package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.event.TriggerEvent;

/** Votes become ApprovalsChanged events, from the stream (via a REST look-up) and from catch-up. */
class ApprovalEventsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void a_comment_with_votes_asks_for_the_changes_labels() throws Exception {
    String line =
        "{\"type\":\"comment-added\",\"eventCreatedOn\":1700000000,\"author\":{\"username\":\"admin\"},\"comment\":\"Patch"
            + " Set 1: Code-Review+2\","
            + "\"approvals\":[{\"type\":\"Code-Review\",\"value\":\"2\"}],\"change\":{\"project\":\"core\",\"branch\":\"main\",\"number\":7},\"patchSet\":{\"number\":1}}";
    assertThat(StreamEvents.map("review", "ci-bot", p -> true, JSON.readTree(line)))
        .isEqualTo(new StreamEvents.ApprovalsRequested("core", "7", 1700000000));
    String byCi = line.replace("\"admin\"", "\"ci-bot\"");
    assertThat(StreamEvents.map("review", "ci-bot", p -> true, JSON.readTree(byCi)))
        .isInstanceOf(StreamEvents.Ignore.class);
  }

  @Test
  void the_current_patch_sets_highest_votes_are_the_approvals() throws Exception {
    var change =
        JSON.readTree(
            """
            {"project":"core","branch":"main","_number":7,"status":"NEW","current_revision":"abc",
             "revisions":{"abc":{"_number":2,"ref":"refs/changes/07/7/2","created":"2026-11-26 10:00:00.000000000"}},
             "labels":{"Code-Review":{"all":[{"value":2},{"value":-1},{"value":0}]},"Verified":{"all":[{"value":1}]},"Other":{"all":[{"value":0}]}},
             "messages":[{"id":"m1"},{"id":"m2"}]}
            """);
    assertThat(ChangeEvents.approvals("review", change))
        .contains(
            new TriggerEvent.ApprovalsChanged(
                "review",
                "core",
                "main",
                "7",
                "2",
                "abc",
                Map.of("Code-Review", 2, "Verified", 1),
                "m2"));
    assertThat(
            ChangeEvents.approvals(
                "review", JSON.readTree(change.toString().replace("\"NEW\"", "\"MERGED\""))))
        .isEmpty();
  }
}
