package org.seakeeper.core.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.model.Cron;
import org.seakeeper.core.model.RepoRef;

class ConfigCacheTest {
  /** Commits to config file contents; counts reads. */
  static final class Files implements RepoAccess {
    final Map<String, String> byCommit = new HashMap<>();
    int reads;

    @Override
    public Optional<byte[]> readFile(RepoRef repo, String commit, String path) {
      reads++;
      return Optional.ofNullable(byCommit.get(commit)).map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Set<String> changedFiles(RepoRef repo, String commit) {
      return Set.of();
    }

    @Override
    public Optional<String> resolve(RepoRef repo, String ref) {
      return Optional.empty();
    }

    @Override
    public Checkout checkout(RepoRef repo, String commit) {
      return Checkout.gitCommit("/nowhere", commit);
    }
  }

  static final String A = "jobs:\n  test: {run: \"true\"}\npipelines:\n  check: [test]\n";
  static final String B = "jobs:\n  lint: {run: \"true\"}\npipelines:\n  check: [lint]\n";
  static final String BAD = "jobs: [\n";

  @Test
  void commits_sharing_a_config_file_share_one_parse_and_each_commit_reads_its_own_file() {
    Files files = new Files();
    files.byCommit.put("c1", A);
    files.byCommit.put("c2", A);
    files.byCommit.put("c3", B);
    ConfigCache cache =
        new ConfigCache(
            files,
            TrustedConfigSource.fixed(
                new TrustedConfig(
                    TrustedContext.offlineDefaults(),
                    org.seakeeper.core.model.Glob.of("v*"),
                    Cron.DAILY_0300,
                    org.seakeeper.core.gate.GateSettings.DEFAULTS)));
    ConfigOutcome one = cache.read(new RepoRef("x", "p"), "c1");
    ConfigOutcome two = cache.read(new RepoRef("x", "p"), "c2");
    ConfigOutcome three = cache.read(new RepoRef("x", "p"), "c3");
    assertThat(one).isInstanceOf(ConfigOutcome.Valid.class);
    assertThat(((ConfigOutcome.Valid) two).config()).isSameAs(((ConfigOutcome.Valid) one).config());
    assertThat(((ConfigOutcome.Valid) three).config().jobs()).containsOnlyKeys("lint");
    assertThat(files.reads).isEqualTo(3);
    files.byCommit.put("c4", BAD);
    assertThat(cache.read(new RepoRef("x", "p"), "c4")).isInstanceOf(ConfigOutcome.Invalid.class);
    assertThat(cache.read(new RepoRef("x", "p"), "c4"))
        .isEqualTo(cache.read(new RepoRef("x", "p"), "c4"));
    assertThat(cache.read(new RepoRef("x", "p"), "none")).isInstanceOf(ConfigOutcome.Missing.class);
  }

  @Test
  void at_most_the_bound_of_parsed_contents_is_kept() {
    Files files = new Files();
    ConfigCache cache =
        new ConfigCache(
            files,
            TrustedConfigSource.fixed(
                new TrustedConfig(
                    TrustedContext.offlineDefaults(),
                    org.seakeeper.core.model.Glob.of("v*"),
                    Cron.DAILY_0300,
                    org.seakeeper.core.gate.GateSettings.DEFAULTS)));
    ConfigOutcome original = null;
    for (int i = 0; i <= ConfigCache.MAX_PARSED; i++) {
      files.byCommit.put(
          "c" + i, "jobs:\n  j" + i + ": {run: \"true\"}\npipelines:\n  check: [j" + i + "]\n");
      ConfigOutcome o = cache.read(new RepoRef("x", "p"), "c" + i);
      assertThat(o).isInstanceOf(ConfigOutcome.Valid.class);
      original = i == 0 ? o : original;
    }
    // c0 was dropped (least recently used) and is parsed again: the same config, a new object.
    ConfigOutcome first = cache.read(new RepoRef("x", "p"), "c0");
    ConfigOutcome again = cache.read(new RepoRef("x", "p"), "c0");
    assertThat(((ConfigOutcome.Valid) first).config().jobs()).containsOnlyKeys("j0");
    assertThat(((ConfigOutcome.Valid) first).config())
        .isNotSameAs(((ConfigOutcome.Valid) original).config());
    assertThat(((ConfigOutcome.Valid) again).config())
        .isSameAs(((ConfigOutcome.Valid) first).config());
  }
}
