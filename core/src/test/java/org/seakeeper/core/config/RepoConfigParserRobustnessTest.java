package org.seakeeper.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link RepoConfigParser#parse} never throws, whatever the bytes: seeded random mutations of a
 * valid config and of the invalid corpus, read offline and with a trusted context.
 */
class RepoConfigParserRobustnessTest {
  static final long SEED = 20_251_003L;
  static final int MUTANTS_PER_SEED_FILE = 6;

  static final String SAMPLE =
      """
      # a config using every feature
      variables: {GREETING: hello, N: 3}
      jobs:
        .defaults: &defaults
          timeout: 5m
          retries: 1
          when: {branches: [main, "release/*"], files: ["src/**"], ignore_files: ["**/*.md"]}
        build:
          <<: *defaults
          description: Compile "it"
          run: |
            make
            echo "$GREETING"
          artifacts: [out/*]
        test:
          extends: build
          needs: [build]
          run: [make test, echo done]
          matrix: {JDK: [17, 21], OS: [debian]}
          variables: {LANG: C.UTF-8}
        lint:
          extends: base/java
          image: debian-12
        publish:
          run: ./publish.sh
          secrets: [demo-token]
      pipelines:
        check: [build, test, lint]
        gate: [build, test]
        post: [publish]
      """;

  static final byte[] INTERESTING =
      ":-[]{}&*!|>%@`?#,'\"\t\n \r\\.0123456789~<=$/".getBytes(StandardCharsets.US_ASCII);

  /** A trusted context with base jobs and images, including a base job cycle. */
  static TrustedContext online() {
    Problems ignored = new Problems();
    String base =
        """
        base/java: {run: mvn verify, timeout: 30m, image: debian-12}
        base/a: {extends: base/b}
        base/b: {extends: base/a}
        base/local: {extends: build}
        """;
    Map<String, JobDecl> jobs =
        RepoConfigParser.jobs(
            YamlLoader.load(base.getBytes(StandardCharsets.UTF_8), ignored).orElseThrow(),
            ignored,
            true);
    return new TrustedContext(false, jobs, Set.of("debian-12"), Duration.ofHours(1));
  }

  static byte[] mutate(byte[] in, Random r) {
    List<Byte> b = new ArrayList<>();
    for (byte x : in) {
      b.add(x);
    }
    int edits = 1 + r.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = b.isEmpty() ? 0 : r.nextInt(b.size());
      switch (r.nextInt(6)) {
        case 0 -> { // replace a byte, often by YAML punctuation
          if (!b.isEmpty()) {
            b.set(
                at,
                r.nextBoolean()
                    ? INTERESTING[r.nextInt(INTERESTING.length)]
                    : (byte) r.nextInt(256));
          }
        }
        case 1 -> b.add(at, INTERESTING[r.nextInt(INTERESTING.length)]);
        case 2 -> { // delete a run
          int n = Math.min(b.size() - at, 1 + r.nextInt(20));
          b.subList(at, at + n).clear();
        }
        case 3 -> { // duplicate a run elsewhere
          int n = Math.min(b.size() - at, 1 + r.nextInt(40));
          List<Byte> run = new ArrayList<>(b.subList(at, at + n));
          b.addAll(b.isEmpty() ? 0 : r.nextInt(b.size()), run);
        }
        case 4 -> b.subList(at, b.size()).clear(); // truncate
        default -> { // indent or dedent somewhere
          b.add(at, (byte) ' ');
          b.add(at, r.nextBoolean() ? (byte) ' ' : (byte) '\t');
        }
      }
    }
    byte[] out = new byte[b.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.get(i);
    }
    return out;
  }

  static List<byte[]> seedFiles() throws Exception {
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(SAMPLE.getBytes(StandardCharsets.UTF_8));
    for (Path c : InvalidConfigCorpusTest.cases()) {
      if (Files.size(c) < 16 * 1024) {
        seeds.add(Files.readAllBytes(c));
      }
    }
    return seeds;
  }

  @Test
  void the_sample_parses_cleanly_offline_apart_from_the_offline_warnings() {
    ConfigResult r =
        RepoConfigParser.parse(
            SAMPLE.getBytes(StandardCharsets.UTF_8), TrustedContext.offlineDefaults());
    assertThat(r.valid()).isTrue();
    assertThat(r.problems()).noneMatch(Problem::isError).hasSize(2);
  }

  @Test
  void mutated_configs_never_make_the_parser_throw() throws Exception {
    Random random = new Random(SEED);
    List<TrustedContext> contexts = List.of(TrustedContext.offlineDefaults(), online());
    List<String> failures = new ArrayList<>();
    int parsed = 0;
    for (byte[] seed : seedFiles()) {
      for (int i = 0; i < MUTANTS_PER_SEED_FILE; i++) {
        byte[] mutant = mutate(seed, random);
        for (TrustedContext ctx : contexts) {
          try {
            ConfigResult r = RepoConfigParser.parse(mutant, ctx);
            assertThat(r.problems()).allMatch(p -> p.pos().line() >= 1 && !p.message().isBlank());
            parsed++;
          } catch (Throwable t) {
            failures.add(t + " for input hex " + HexFormat.of().formatHex(mutant));
          }
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(parsed).isGreaterThanOrEqualTo(500);
  }

  @Test
  void base_jobs_in_an_extends_cycle_are_reported_not_thrown() {
    String yaml = "jobs:\n  build:\n    extends: base/a\npipelines:\n  check: [build]\n";
    ConfigResult r = RepoConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8), online());
    assertThat(r.problems())
        .extracting(p -> p.format("f"))
        .containsExactly("f:3:14: error: extends cycle: base/a -> base/b -> base/a");
  }

  /**
   * A config of as many jobs as fit under the size limit, each written by {@code job} from its
   * index.
   */
  static byte[] manyJobs(String before, java.util.function.IntFunction<String> job, String after) {
    StringBuilder s = new StringBuilder(before).append("jobs:\n");
    for (int i = 0; ; i++) {
      String line = job.apply(i) + "\n";
      if (s.length() + line.length() + after.length() > YamlLoader.MAX_BYTES) {
        break;
      }
      s.append(line);
    }
    return s.append(after).toString().getBytes(StandardCharsets.UTF_8);
  }

  static String variables(int n) {
    StringBuilder s = new StringBuilder("variables:\n");
    for (int i = 0; i < n; i++) {
      s.append("  V").append(i).append(": x\n");
    }
    return s.toString();
  }

  /**
   * The time limit is generous for busy machines: before the fixes these took minutes, overflowed
   * the stack or ran out of memory.
   */
  @Test
  void hostile_files_of_thousands_of_jobs_are_refused_quickly_without_exhausting_stack_or_memory() {
    List<byte[]> hostile =
        List.of(
            // a needs chain deeper than any stack
            manyJobs("", i -> "  j" + i + ": {run: x, needs: [j" + (i + 1) + "]}", ""),
            // an extends chain of thousands
            manyJobs("", i -> "  j" + i + ": {extends: j" + (i + 1) + "}", ""),
            // thousands of unknown needs, each a near miss of thousands of job names
            manyJobs(
                "",
                i -> String.format("  j%05d: {run: x, needs: [k%05d]}", i, i),
                "pipelines: {check: [j00000]}\n"),
            // thousands of global variables copied into thousands of jobs
            manyJobs(variables(8000), i -> "  j" + i + ": {run: x}", ""));
    for (byte[] file : hostile) {
      ConfigResult r =
          org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
              Duration.ofSeconds(60),
              () -> RepoConfigParser.parse(file, TrustedContext.offlineDefaults()));
      assertThat(r.valid()).isFalse();
    }
  }
}
