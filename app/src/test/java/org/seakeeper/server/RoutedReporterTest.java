package org.seakeeper.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.store.OutboxEntry;
import org.seakeeper.core.store.OutboxKind;
import org.seakeeper.testkit.RecordingReporter;

/** Results go to the review system of their connection; embargoed ones go to no one. */
class RoutedReporterTest {
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private final RecordingReporter gerrit = new RecordingReporter();
  private final RecordingReporter other = new RecordingReporter();
  private final RoutedReporter routed = new RoutedReporter(Set.of("review"), gerrit, other);

  private boolean report(String connection) {
    Buildset s =
        new Buildset(
            7,
            1,
            connection,
            "demo",
            Optional.empty(),
            Optional.empty(),
            "refs/tags/v1",
            "c0ffee",
            PipelineName.RELEASE,
            Tier.PRIVILEGED,
            T0,
            Optional.of(T0));
    return routed.report(
        new OutboxEntry(1, 7, OutboxKind.BUILDSET_FINISHED, T0, Optional.empty()), s, List.of());
  }

  @Test
  void an_embargoed_buildset_reaches_no_reporter_and_counts_as_delivered() {
    assertThat(report(TriggerEvent.EMBARGOED))
        .as("delivered, so the outbox does not retry it")
        .isTrue();
    assertThat(gerrit.reports()).isEmpty();
    assertThat(other.reports()).isEmpty();
  }

  @Test
  void other_buildsets_go_to_the_reporter_of_their_connection() {
    report("review");
    report("local");
    assertThat(gerrit.reports())
        .extracting(r -> r.buildset().connection())
        .containsExactly("review");
    assertThat(other.reports()).extracting(r -> r.buildset().connection()).containsExactly("local");
  }
}
