package org.seakeeper.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.event.EventRecord;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.store.Store;

/**
 * The child process of {@link H2CrashTest}: opens the H2 store of {@code args[0]} and commits
 * transactions until it is killed, printing {@code committed ID} (a buildset id) after each commit
 * returned. Each transaction adds an event, a buildset, {@link #JOBS} builds and the event's
 * processed mark, so a partial one is easy to see.
 */
final class CrashingWriter {
  static final int JOBS = 3;

  private CrashingWriter() {}

  public static void main(String[] args) {
    Store store = Stores.open(H2StoreContractTest.H2, Path.of(args[0]));
    System.out.println("open");
    System.out.flush();
    String run = Long.toString(ProcessHandle.current().pid());
    for (long i = 0; ; i++) {
      long n = i;
      long id =
          store.transaction(
              tx -> {
                Instant now = Instant.now();
                EventRecord e =
                    tx.inbox()
                        .add(
                            new TriggerEvent.RefUpdated(
                                "local", "demo", "refs/heads/main", "a", "b", run + ":" + n),
                            now)
                        .orElseThrow();
                Buildset s =
                    tx.builds()
                        .insert(
                            new Buildset(
                                0,
                                e.id(),
                                "local",
                                "demo",
                                Optional.empty(),
                                Optional.empty(),
                                "refs/heads/main",
                                "b",
                                PipelineName.POST,
                                Tier.TRUSTED,
                                now,
                                Optional.empty()));
                for (int j = 0; j < JOBS; j++) {
                  tx.builds()
                      .insert(
                          new Build(
                              0,
                              s.id(),
                              "local",
                              "demo",
                              Optional.empty(),
                              Optional.empty(),
                              "refs/heads/main",
                              "b",
                              PipelineName.POST,
                              Optional.of("job" + j),
                              1,
                              BuildStatus.QUEUED,
                              Tier.TRUSTED,
                              List.of(),
                              now,
                              Optional.empty(),
                              Optional.empty(),
                              "x".repeat(200),
                              Optional.empty()));
                }
                tx.inbox().markProcessed(e.id(), now);
                return s.id();
              });
      System.out.println("committed " + id);
      System.out.flush();
    }
  }
}
