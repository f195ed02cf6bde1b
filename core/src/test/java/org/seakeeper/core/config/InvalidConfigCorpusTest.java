package org.seakeeper.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The corpus of invalid {@code .seakeeper.yaml} files under {@code
 * src/test/resources/invalid-configs}: each {@code NN-name.yaml} is paired with {@code
 * NN-name.expected}, the problems the validator must report, one per line as {@code LINE:COL:
 * SEVERITY: MESSAGE}, in the order it reports them.
 */
class InvalidConfigCorpusTest {
  static final String DIR = "invalid-configs";
  static final int MIN_CASES = 60;

  /** The corpus as copied to the test classpath (works from the repo root and from the module). */
  static Path corpus() throws URISyntaxException {
    URL url = InvalidConfigCorpusTest.class.getClassLoader().getResource(DIR);
    assertThat(url).as("test resource directory '%s'", DIR).isNotNull();
    return Path.of(url.toURI());
  }

  static List<Path> cases() throws IOException, URISyntaxException {
    try (Stream<Path> files = Files.list(corpus())) {
      return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
    }
  }

  static Path expectedOf(Path yaml) {
    String name = yaml.getFileName().toString();
    return yaml.resolveSibling(name.substring(0, name.length() - ".yaml".length()) + ".expected");
  }

  @TestFactory
  Stream<DynamicTest> every_invalid_config_reports_exactly_its_expected_problems()
      throws Exception {
    return cases().stream()
        .map(
            yaml ->
                DynamicTest.dynamicTest(
                    yaml.getFileName().toString(),
                    () -> {
                      String name = yaml.getFileName().toString();
                      ConfigResult r =
                          RepoConfigParser.parse(
                              Files.readAllBytes(yaml), TrustedContext.offlineDefaults());
                      List<String> expected =
                          Files.readAllLines(expectedOf(yaml), StandardCharsets.UTF_8).stream()
                              .filter(l -> !l.isBlank())
                              .map(l -> name + ":" + l)
                              .toList();
                      assertThat(r.problems().stream().map(p -> p.format(name)).toList())
                          .as(name)
                          .containsExactlyElementsOf(expected);
                      assertThat(r.problems())
                          .as("%s has an error", name)
                          .anyMatch(Problem::isError);
                      assertThat(r.config()).as("%s yields no config", name).isEmpty();
                    }));
  }

  @Test
  void the_corpus_has_enough_cases_and_each_has_its_expected_problems() throws Exception {
    List<Path> cases = cases();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(MIN_CASES);
    assertThat(cases)
        .allSatisfy(
            c ->
                assertThat(expectedOf(c))
                    .as("expectations of %s", c.getFileName())
                    .isRegularFile());
    assertThat(cases)
        .allSatisfy(
            c ->
                assertThat(c.getFileName().toString())
                    .as("case name")
                    .matches("\\d{2,3}-[a-z0-9-]+\\.yaml"));
  }

  @Test
  void every_expected_file_belongs_to_a_case_and_lists_at_least_one_error() throws Exception {
    try (Stream<Path> files = Files.list(corpus())) {
      List<Path> expectations =
          files.filter(f -> f.getFileName().toString().endsWith(".expected")).toList();
      for (Path e : expectations) {
        String name = e.getFileName().toString();
        assertThat(e.resolveSibling(name.replaceAll("\\.expected$", ".yaml")))
            .as("case of %s", name)
            .isRegularFile();
        assertThat(Files.readAllLines(e, StandardCharsets.UTF_8))
            .as(name)
            .allMatch(l -> l.matches("\\d+:\\d+: (error|warning): .+"))
            .anyMatch(l -> l.matches("\\d+:\\d+: error: .+"));
      }
    }
  }
}
