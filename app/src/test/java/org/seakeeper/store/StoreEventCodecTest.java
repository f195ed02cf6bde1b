package org.seakeeper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.model.PipelineName;

/** The inbox's JSON: every event kind round-trips, and the stored format stays as it is. */
class StoreEventCodecTest {
  private final EventCodec codec = new EventCodec();
  private static final Instant SLOT = Instant.parse("2026-11-26T10:00:00.123456789Z");

  static List<TriggerEvent> everyKind() {
    return List.of(
        new TriggerEvent.RefUpdated("local", "demo", "refs/heads/main", "0000", "abcd", "17"),
        new TriggerEvent.RefUpdated("local", "demo", "refs/tags/v1", null, "abcd", ""),
        new TriggerEvent.ChangeProposed(
            "review", "demo", "main", "I42", "3", "beef", "refs/changes/42/42/3"),
        new TriggerEvent.ChangeProposed(
            "review",
            "demo",
            "main",
            "I42",
            "4",
            "cafe",
            "refs/changes/42/42/4",
            Optional.of("jane")),
        new TriggerEvent.Periodic("local", "demo", "main", SLOT),
        new TriggerEvent.Manual(
            "local",
            "demo",
            PipelineName.POST,
            "refs/heads/main",
            "abcd",
            Optional.empty(),
            Optional.empty(),
            "admin",
            "n1"),
        new TriggerEvent.Manual(
            "review",
            "demo",
            PipelineName.CHECK,
            "refs/changes/42/42/3",
            "beef",
            Optional.of("42"),
            Optional.of("3"),
            "admin",
            "n2"),
        new TriggerEvent.Recheck(
            "review",
            "demo",
            "main",
            "42",
            "3",
            "beef",
            "refs/changes/42/42/3",
            "jane",
            "1700000000"),
        new TriggerEvent.Recheck(
            "review",
            "demo",
            "main",
            "42",
            "3",
            "beef",
            "refs/changes/42/42/3",
            "joe",
            "1700000003",
            Optional.of("jane@example.com")),
        new TriggerEvent.ChangeAbandoned("review", "demo", "42", "1700000001"),
        new TriggerEvent.ApprovalsChanged(
            "review",
            "demo",
            "main",
            "42",
            "3",
            "beef",
            java.util.Map.of("Code-Review", 2),
            "1700000002"),
        new TriggerEvent.Embargoed(
            TriggerEvent.EMBARGOED, "demo", "local", "refs/heads/main", "beef", "e-1", "admin"));
  }

  @Test
  void every_event_kind_round_trips_with_its_optionals_and_full_precision() {
    for (TriggerEvent e : everyKind()) {
      assertThat(codec.decode(codec.encode(e))).isEqualTo(e);
    }
  }

  @Test
  void every_permitted_event_kind_has_a_stored_type_name() {
    List<String> covered =
        everyKind().stream().map(e -> e.getClass().getName()).distinct().toList();
    assertThat(Arrays.stream(TriggerEvent.class.getPermittedSubclasses()).map(Class::getName))
        .containsExactlyInAnyOrderElementsOf(covered);
  }

  @Test
  void the_stored_json_format_is_stable() {
    List<String> json = everyKind().stream().map(codec::encode).toList();
    assertThat(json)
        .containsExactly(
            "{\"type\":\"ref_updated\",\"connection\":\"local\",\"newCommit\":\"abcd\",\"oldCommit\":\"0000\",\"project\":\"demo\",\"ref\":\"refs/heads/main\",\"sequence\":\"17\"}",
            "{\"type\":\"ref_updated\",\"connection\":\"local\",\"newCommit\":\"abcd\",\"oldCommit\":null,\"project\":\"demo\",\"ref\":\"refs/tags/v1\",\"sequence\":\"\"}",
            "{\"type\":\"change_proposed\",\"branch\":\"main\",\"change\":\"I42\",\"commit\":\"beef\",\"connection\":\"review\",\"owner\":null,\"patchset\":\"3\",\"project\":\"demo\",\"ref\":\"refs/changes/42/42/3\"}",
            "{\"type\":\"change_proposed\",\"branch\":\"main\",\"change\":\"I42\",\"commit\":\"cafe\",\"connection\":\"review\",\"owner\":\"jane\",\"patchset\":\"4\",\"project\":\"demo\",\"ref\":\"refs/changes/42/42/4\"}",
            "{\"type\":\"periodic\",\"branch\":\"main\",\"connection\":\"local\",\"project\":\"demo\",\"slot\":\"2026-11-26T10:00:00.123456789Z\"}",
            "{\"type\":\"manual\",\"change\":null,\"commit\":\"abcd\",\"connection\":\"local\",\"nonce\":\"n1\",\"patchset\":null,\"pipeline\":\"post\",\"project\":\"demo\",\"ref\":\"refs/heads/main\",\"requestedBy\":\"admin\"}",
            "{\"type\":\"manual\",\"change\":\"42\",\"commit\":\"beef\",\"connection\":\"review\",\"nonce\":\"n2\",\"patchset\":\"3\",\"pipeline\":\"check\",\"project\":\"demo\",\"ref\":\"refs/changes/42/42/3\",\"requestedBy\":\"admin\"}",
            "{\"type\":\"recheck\",\"author\":\"jane\",\"branch\":\"main\",\"change\":\"42\",\"commit\":\"beef\",\"connection\":\"review\",\"owner\":null,\"patchset\":\"3\",\"project\":\"demo\",\"ref\":\"refs/changes/42/42/3\",\"sequence\":\"1700000000\"}",
            "{\"type\":\"recheck\",\"author\":\"joe\",\"branch\":\"main\",\"change\":\"42\",\"commit\":\"beef\",\"connection\":\"review\",\"owner\":\"jane@example.com\",\"patchset\":\"3\",\"project\":\"demo\",\"ref\":\"refs/changes/42/42/3\",\"sequence\":\"1700000003\"}",
            "{\"type\":\"change_abandoned\",\"change\":\"42\",\"connection\":\"review\",\"project\":\"demo\",\"sequence\":\"1700000001\"}",
            "{\"type\":\"approvals_changed\",\"approvals\":{\"Code-Review\":2},\"branch\":\"main\",\"change\":\"42\",\"commit\":\"beef\",\"connection\":\"review\",\"patchset\":\"3\",\"project\":\"demo\",\"sequence\":\"1700000002\"}",
            "{\"type\":\"embargoed\",\"baseRef\":\"refs/heads/main\",\"commit\":\"beef\",\"connection\":\"embargoed\",\"id\":\"e-1\",\"project\":\"demo\",\"requestedBy\":\"admin\",\"source\":\"local\"}");
  }

  @Test
  void older_rows_without_optional_fields_and_newer_rows_with_extra_fields_still_load() {
    String old =
        "{\"type\":\"manual\",\"commit\":\"abcd\",\"connection\":\"local\",\"nonce\":\"n1\",\"pipeline\":\"post\",\"project\":\"demo\",\"ref\":\"refs/heads/main\",\"requestedBy\":\"admin\",\"future\":1}";
    assertThat(codec.decode(old)).isEqualTo(everyKind().get(5));
  }

  @Test
  void patchsets_and_rechecks_stored_before_owners_were_recorded_load_without_an_owner() {
    // rows as the inbox held them before issue 13: no "owner" at all
    TriggerEvent proposed =
        codec.decode(
            "{\"type\":\"change_proposed\",\"branch\":\"main\",\"change\":\"I42\",\"commit\":\"beef\",\"connection\":\"review\",\"patchset\":\"3\",\"project\":\"demo\",\"ref\":\"refs/changes/42/42/3\"}");
    TriggerEvent recheck =
        codec.decode(
            "{\"type\":\"recheck\",\"author\":\"jane\",\"branch\":\"main\",\"change\":\"42\",\"commit\":\"beef\",\"connection\":\"review\",\"patchset\":\"3\",\"project\":\"demo\",\"ref\":\"refs/changes/42/42/3\",\"sequence\":\"1700000000\"}");
    assertThat(proposed).isEqualTo(everyKind().get(2));
    assertThat(((TriggerEvent.ChangeProposed) proposed).owner()).isEmpty();
    assertThat(recheck).isEqualTo(everyKind().get(7));
    assertThat(((TriggerEvent.Recheck) recheck).owner()).isEmpty();
    // and the owner is no part of the content key: a catch-up that knows it is the same event
    assertThat(everyKind().get(3).contentKey())
        .isEqualTo(
            new TriggerEvent.ChangeProposed(
                    "review", "demo", "main", "I42", "4", "cafe", "refs/changes/42/42/4")
                .contentKey());
  }

  @Test
  void unknown_types_and_pipelines_are_refused_with_a_reason() {
    assertThatThrownBy(() -> codec.decode("{\"type\":\"telepathy\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("telepathy");
    assertThatThrownBy(
            () -> codec.decode(codec.encode(everyKind().get(5)).replace("\"post\"", "\"nightly\"")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nightly");
  }

  @Test
  void string_lists_round_trip() {
    assertThat(codec.decodeStrings(codec.encodeStrings(List.of("a", "b \"quoted\"", "ü"))))
        .containsExactly("a", "b \"quoted\"", "ü");
    assertThat(codec.decodeStrings(codec.encodeStrings(List.of()))).isEmpty();
  }
}
