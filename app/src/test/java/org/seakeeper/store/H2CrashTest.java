package org.seakeeper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.core.store.Store;

/**
 * The H2 file store after {@code kill -9}: a child JVM ({@link CrashingWriter}) commits in a loop
 * and is killed mid-way; reopening shows every transaction it reported committed, and none half.
 */
class H2CrashTest {
  @TempDir Path dataDir;

  /** A running child writer, with the ids it printed so far. */
  private record Child(Process process, BufferedReader out, List<Long> committed)
      implements AutoCloseable {
    static Child start(Path dataDir) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String cp =
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      Process p =
          new ProcessBuilder(
                  java,
                  "-Xmx256m",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  cp,
                  CrashingWriter.class.getName(),
                  dataDir.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      // A hung child must not hang the build: it is killed after two minutes whatever happens.
      CompletableFuture.delayedExecutor(120, TimeUnit.SECONDS)
          .execute(() -> p.toHandle().destroyForcibly());
      return new Child(
          p,
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)),
          new ArrayList<>());
    }

    /**
     * Reads the child's output until it reported {@code n} commits (or said {@code open}, for n =
     * 0).
     */
    void awaitCommits(int n) throws IOException {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("committed ")) {
          committed.add(Long.parseLong(line.substring("committed ".length())));
        }
        if (committed.size() >= n && (n > 0 || line.equals("open"))) {
          return;
        }
      }
      throw new IOException(
          "the child ended early with "
              + process.exitValue()
              + " after "
              + committed.size()
              + " commits");
    }

    /**
     * SIGKILL, then whatever it printed before dying counts too (hence not Process's own destroy,
     * which closes the pipe).
     */
    void kill() throws Exception {
      process.toHandle().destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("committed ")) {
          committed.add(Long.parseLong(line.substring("committed ".length())));
        }
      }
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  @Test
  void every_reported_commit_survives_kill_9_and_no_transaction_is_half_there() throws Exception {
    TreeSet<Long> reported = new TreeSet<>();
    int[] killAfter = {7, 60, 25};
    for (int round = 0; round < killAfter.length; round++) {
      try (Child child = Child.start(dataDir)) {
        child.awaitCommits(killAfter[round]);
        child.kill();
        assertThat(child.process().exitValue()).isEqualTo(137);
        reported.addAll(child.committed());
      }
      try (Store store = Stores.open(H2StoreContractTest.H2, dataDir)) {
        List<Buildset> all = store.transaction(tx -> tx.builds().unfinished());
        Map<Long, Long> jobsPerBuildset =
            store.queries().list(BuildQuery.latest(BuildQuery.MAX_LIMIT)).stream()
                .collect(Collectors.groupingBy(Build::buildsetId, Collectors.counting()));
        assertThat(all).extracting(Buildset::id).containsAll(reported);
        for (Buildset s : all) {
          assertThat(jobsPerBuildset.get(s.id()))
              .as("builds of buildset %d", s.id())
              .isEqualTo(CrashingWriter.JOBS);
        }
        assertThat(jobsPerBuildset.keySet())
            .allMatch(id -> all.stream().anyMatch(s -> s.id() == id));
        long events = store.transaction(tx -> tx.inbox().count());
        assertThat(events).isEqualTo(all.size());
        int unprocessed = store.transaction(tx -> tx.inbox().unprocessed(10).size());
        assertThat(unprocessed).isZero();
        assertThat(all.size()).isLessThanOrEqualTo(reported.size() + round + 1);
      }
    }
    assertThat(reported.size()).isGreaterThanOrEqualTo(92);
  }

  @Test
  void a_second_process_cannot_open_a_store_in_use_and_can_once_the_first_was_killed()
      throws Exception {
    try (Child child = Child.start(dataDir)) {
      child.awaitCommits(0);
      assertThatThrownBy(() -> Stores.open(H2StoreContractTest.H2, dataDir))
          .isInstanceOf(StoreException.class)
          .hasMessage(
              "cannot open the store at "
                  + dataDir.toAbsolutePath().resolve("db/seakeeper.mv.db")
                  + ": the database is in use by another process (is another Seakeeper server"
                  + " running on this data_dir?)");
      child.kill();
    }
    Stores.open(H2StoreContractTest.H2, dataDir).close();
  }
}
