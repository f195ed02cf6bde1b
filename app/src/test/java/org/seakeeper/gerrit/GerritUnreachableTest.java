package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.effect.Outage;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.store.OutboxEntry;
import org.seakeeper.core.store.OutboxKind;

/**
 * A Gerrit that is down: the connection keeps retrying without delivering anything, the reporter
 * signals an outage.
 */
class GerritUnreachableTest {
  @TempDir Path tmp;

  GerritEndpoint nowhere() throws Exception {
    int closed = GerritServer.freePort();
    return new GerritEndpoint(
        "review",
        "http://127.0.0.1:" + closed + "/",
        "ci-bot",
        "pw",
        new ServerConfig.Ssh("127.0.0.1", closed, tmp.resolve("no-key").toString()),
        List.of("*"));
  }

  @Test
  void the_connection_retries_quietly_and_stops_promptly() throws Exception {
    List<TriggerEvent> events = new ArrayList<>();
    GerritConnection c =
        new GerritConnection(
            nowhere(), tmp.resolve("state"), e -> events.add(e), Clock.systemUTC());
    c.start();
    assertThat(c.awaitStreaming(Duration.ofMillis(1500))).isFalse();
    long t0 = System.nanoTime();
    c.stop();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(events).isEmpty();
  }

  @Test
  void the_reporter_signals_an_outage_when_gerrit_cannot_be_reached() throws Exception {
    GerritReporter r =
        new GerritReporter(Map.of("review", nowhere()), "http://ci/", Clock.systemUTC());
    OutboxEntry entry =
        new OutboxEntry(1, 7, OutboxKind.BUILDSET_FINISHED, Instant.now(), Optional.empty());
    assertThatThrownBy(
            () ->
                r.report(
                    entry,
                    GerritReporterTest.SET,
                    List.of(GerritReporterTest.build(1, "build", BuildStatus.SUCCESS, "", 1))))
        .isInstanceOf(Outage.class)
        .satisfies(e -> assertThat(((Outage) e).connection()).isEqualTo("review"));
  }

  @Test
  void periodic_projects_of_a_star_are_the_named_ones_when_gerrit_cannot_be_asked()
      throws Exception {
    GerritEndpoint e = nowhere();
    GerritEndpoint starAndNamed =
        new GerritEndpoint(
            e.connection(), e.url(), e.user(), e.password(), e.ssh(), List.of("*", "core"));
    List<String> problems = new ArrayList<>();
    assertThat(starAndNamed.periodicProjects(problems::add)).containsExactly("core");
    assertThat(problems)
        .singleElement()
        .asString()
        .contains("connection review: cannot list Gerrit's projects");
  }
}
