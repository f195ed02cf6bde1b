package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.event.TriggerEvent;

/** Stream-events lines and REST change records (recorded from Gerrit 3.13.5) mapped to events. */
class StreamEventsTest {
  static List<JsonNode> lines() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String l : resource("stream-events.jsonl").lines().toList()) {
      if (!l.isBlank()) {
        out.add(GerritRest.JSON.readTree(l));
      }
    }
    return out;
  }

  static String resource(String name) throws IOException {
    try (InputStream in = StreamEventsTest.class.getResourceAsStream("/gerrit/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static List<StreamEvents.Line> mapAll(String projects) throws IOException {
    return lines().stream()
        .map(
            l ->
                StreamEvents.map(
                    "review", "ci-bot", p -> projects.equals("*") || projects.equals(p), l))
        .toList();
  }

  static JsonNode change(int number) throws IOException {
    for (JsonNode c : GerritRest.JSON.readTree(resource("changes.json"))) {
      if (c.path("_number").asInt() == number) {
        return c.deepCopy();
      }
    }
    throw new AssertionError("no change " + number);
  }

  @Test
  void patchset_created_becomes_change_proposed_with_change_number_patchset_ref_and_branch()
      throws Exception {
    List<TriggerEvent> events =
        mapAll("*").stream()
            .filter(l -> l instanceof StreamEvents.Emit)
            .map(l -> ((StreamEvents.Emit) l).event())
            .toList();
    assertThat(events)
        .contains(
            new TriggerEvent.ChangeProposed(
                "review",
                "demo",
                "master",
                "1",
                "1",
                "a794f1547870061b82a21f29b5bdc3e130cc6dbe",
                "refs/changes/01/1/1",
                Optional.of("admin")));
  }

  @Test
  void the_owner_is_the_changes_owner_from_the_event_never_the_uploader_author_or_commit()
      throws Exception {
    // A real patchset-created line (Gerrit 3.13.5) in which someone else uploaded the patch set and
    // wrote the commit, whose message claims another owner: only change.owner counts.
    ObjectNode line =
        (ObjectNode)
            lines().stream()
                .filter(l -> l.path("type").asText().equals("patchset-created"))
                .findFirst()
                .orElseThrow()
                .deepCopy();
    ObjectNode change = (ObjectNode) line.get("change");
    ((ObjectNode) change.get("owner")).put("username", "jane");
    ((ObjectNode) line.get("uploader")).put("username", "mallory");
    ((ObjectNode) line.get("patchSet").get("uploader")).put("username", "mallory");
    ((ObjectNode) line.get("patchSet").get("author")).put("username", "mallory");
    change.put("commitMessage", "first\n\nOwner: mallory\nChange-Id: I96\n");
    assertThat(emitted(line).owner()).contains("jane");

    // an account without a username: its email; with neither, or a name only: unknown
    ((ObjectNode) change.get("owner")).remove("username");
    assertThat(emitted(line).owner()).contains("admin@example.com");
    ((ObjectNode) change.get("owner")).remove("email");
    assertThat(emitted(line).owner()).isEmpty();
    change.remove("owner");
    assertThat(emitted(line).owner()).isEmpty();
    // what no account name can be is not kept
    change.putObject("owner").put("username", "jane\nadmin");
    assertThat(emitted(line).owner()).isEmpty();
    change.putObject("owner").put("username", "x".repeat(StreamEvents.MAX_OWNER + 1));
    assertThat(emitted(line).owner()).isEmpty();
  }

  private static TriggerEvent.ChangeProposed emitted(JsonNode line) {
    StreamEvents.Line mapped = StreamEvents.map("review", "ci-bot", p -> true, line);
    assertThat(mapped).isInstanceOf(StreamEvents.Emit.class);
    return (TriggerEvent.ChangeProposed) ((StreamEvents.Emit) mapped).event();
  }

  @Test
  void a_recheck_line_asks_for_a_lookup_and_other_comments_do_not() throws Exception {
    assertThat(mapAll("*")).contains(new StreamEvents.RecheckRequested("demo", "1", 1795663213L));
    assertThat(StreamEvents.hasRecheckLine("Patch Set 1:\n\nplease\nrecheck")).isTrue();
    assertThat(StreamEvents.hasRecheckLine("Patch Set 1:\n\n  recheck  \n")).isTrue();
    assertThat(StreamEvents.hasRecheckLine("Patch Set 1:\n\nplease recheck")).isFalse();
    assertThat(StreamEvents.hasRecheckLine("Patch Set 1:\n\nrechecking")).isFalse();
  }

  @Test
  void the_ci_accounts_own_comments_never_recheck() throws Exception {
    ObjectNode comment =
        (ObjectNode)
            lines().stream()
                .filter(l -> l.path("type").asText().equals("comment-added"))
                .findFirst()
                .orElseThrow()
                .deepCopy();
    ((ObjectNode) comment.get("author")).put("username", "ci-bot");
    assertThat(StreamEvents.map("review", "ci-bot", p -> true, comment))
        .isInstanceOf(StreamEvents.Ignore.class);
  }

  @Test
  void change_abandoned_and_branch_updates_map_and_change_refs_are_ignored() throws Exception {
    List<StreamEvents.Line> all = mapAll("*");
    assertThat(all)
        .contains(
            new StreamEvents.Emit(
                new TriggerEvent.ChangeAbandoned("review", "demo", "1", "1795663214"),
                1795663214L));
    assertThat(all)
        .contains(
            new StreamEvents.Emit(
                new TriggerEvent.RefUpdated(
                    "review",
                    "demo",
                    "refs/heads/master",
                    "7e9091fa7d6f2e1d2a553e9b3b73e6e37a95620f",
                    "65da2a7728164eb9932a2730bdac32f16c2f16b4",
                    "1795663214"),
                1795663214L));
    long emitted = all.stream().filter(l -> l instanceof StreamEvents.Emit).count();
    assertThat(emitted)
        .as(
            "two patch sets, one abandon, one branch update; change-merged and refs/changes/*"
                + " ignored")
        .isEqualTo(4);
    assertThat(all).allSatisfy(l -> assertThat(l.createdOn()).isPositive());
  }

  @Test
  void projects_not_served_are_ignored() throws Exception {
    assertThat(mapAll("other"))
        .allSatisfy(l -> assertThat(l).isInstanceOf(StreamEvents.Ignore.class));
  }

  @Test
  void catch_up_of_an_open_change_gives_the_streams_content_keys() throws Exception {
    ObjectNode open = (ObjectNode) change(1);
    open.put("status", "NEW");
    List<TriggerEvent> caught =
        ChangeEvents.of("review", "ci-bot", open, Instant.parse("2026-11-26T03:00:00Z"));
    TriggerEvent streamed =
        mapAll("*").stream()
            .filter(
                l ->
                    l instanceof StreamEvents.Emit e
                        && e.event() instanceof TriggerEvent.ChangeProposed p
                        && p.change().equals("1"))
            .map(l -> ((StreamEvents.Emit) l).event())
            .findFirst()
            .orElseThrow();
    assertThat(caught.getFirst()).isEqualTo(streamed);
    assertThat(caught.getFirst().contentKey()).isEqualTo(streamed.contentKey());
    assertThat(caught)
        .contains(
            new TriggerEvent.Recheck(
                "review",
                "demo",
                "master",
                "1",
                "1",
                "a794f1547870061b82a21f29b5bdc3e130cc6dbe",
                "refs/changes/01/1/1",
                "admin",
                "4bfa953fe436d5ee91c9bc77eebed15f5d660599",
                Optional.of("admin")));
    assertThat(caught).hasSize(2);
  }

  @Test
  void catch_up_skips_what_happened_before_the_cursor_and_merged_changes() throws Exception {
    ObjectNode open = (ObjectNode) change(1);
    open.put("status", "NEW");
    assertThat(ChangeEvents.of("review", "ci-bot", open, Instant.parse("2026-11-26T04:00:00Z")))
        .isEmpty();
    assertThat(ChangeEvents.of("review", "ci-bot", change(2), Instant.EPOCH)).isEmpty();
  }

  @Test
  void catch_up_of_an_abandoned_change_cancels_it_with_the_streams_sequence() throws Exception {
    assertThat(ChangeEvents.of("review", "ci-bot", change(1), Instant.EPOCH))
        .containsExactly(new TriggerEvent.ChangeAbandoned("review", "demo", "1", "1795663214"));
  }

  @Test
  void query_times_are_utc_with_an_explicit_offset() {
    assertThat(ChangeEvents.queryTime(Instant.parse("2026-11-26T03:20:13.5Z")))
        .isEqualTo("2026-11-26 03:20:13 +0000");
    assertThat(
            ChangeEvents.timestamp(
                GerritRest.JSON.getNodeFactory().textNode("2026-11-26 03:20:13.000000000")))
        .isEqualTo(Instant.parse("2026-11-26T03:20:13Z"));
  }
}
