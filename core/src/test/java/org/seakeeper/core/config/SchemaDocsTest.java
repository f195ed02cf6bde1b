package org.seakeeper.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.PipelineName;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Keeps the user docs honest: {@code docs/seakeeper.schema.json} must describe exactly the keys,
 * pipeline names and name rules the validator enforces, {@code docs/config.md} must document every
 * key, and the complete examples in the docs must be valid.
 */
class SchemaDocsTest {
  private static Path docs;
  private static Map<String, Object> schema;

  @BeforeAll
  static void load_the_schema() throws IOException {
    docs = docsDir();
    Object parsed =
        new Load(LoadSettings.builder().build())
            .loadFromString(Files.readString(docs.resolve("seakeeper.schema.json")));
    schema = map(parsed, "the schema");
  }

  /** The repo's docs/ whether the tests run from the core module or from the repo root. */
  private static Path docsDir() {
    Path here = Path.of("").toAbsolutePath();
    for (Path candidate : List.of(here.resolve("docs"), here.resolveSibling("docs"))) {
      if (Files.isRegularFile(candidate.resolve("seakeeper.schema.json"))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "docs/seakeeper.schema.json not found from "
            + here
            + " (run from the repo root or the core module)");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String what) {
    assertThat(o).as(what).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  /** The mapping at a path of keys from the schema's root. */
  private static Map<String, Object> at(String... path) {
    Map<String, Object> m = schema;
    for (String key : path) {
      assertThat(m).as("schema path " + String.join(".", path)).containsKey(key);
      m = map(m.get(key), String.join(".", path));
    }
    return m;
  }

  private static String pattern(String... path) {
    Object p = at(path).get("pattern");
    assertThat(p).as("pattern at " + String.join(".", path)).isInstanceOf(String.class);
    return (String) p;
  }

  private static Map<String, Object> jobProperties() {
    return at("$defs", "job", "properties");
  }

  @Test
  void the_schema_declares_draft_2020_12() {
    assertThat(schema).containsEntry("$schema", "https://json-schema.org/draft/2020-12/schema");
  }

  @Test
  void top_level_properties_are_the_validators_top_keys() {
    assertThat(at("properties").keySet())
        .containsExactlyInAnyOrderElementsOf(RepoConfigParser.TOP_KEYS);
    assertThat(schema.get("required")).isEqualTo(List.of("jobs"));
  }

  @Test
  void job_properties_are_the_validators_job_keys() {
    assertThat(jobProperties().keySet()).containsExactlyInAnyOrderElementsOf(JobDeclParser.KEYS);
  }

  @Test
  void when_properties_are_the_validators_when_keys() {
    assertThat(at("$defs", "job", "properties", "when", "properties").keySet())
        .containsExactlyInAnyOrderElementsOf(JobDeclParser.WHEN_KEYS);
  }

  @Test
  void pipeline_names_are_the_fixed_pipelines() {
    assertThat(at("properties", "pipelines", "propertyNames").get("enum"))
        .isEqualTo(PipelineName.ids());
    assertThat(at("properties", "pipelines", "properties").keySet())
        .containsExactlyElementsOf(PipelineName.ids());
  }

  @Test
  void mappings_the_validator_closes_reject_unknown_keys_in_the_schema() {
    assertThat(schema).containsEntry("additionalProperties", false);
    assertThat(at("$defs", "job")).containsEntry("additionalProperties", false);
    assertThat(at("$defs", "job", "properties", "when"))
        .containsEntry("additionalProperties", false);
    assertThat(at("properties", "pipelines")).containsEntry("additionalProperties", false);
  }

  @Test
  void every_key_in_the_schema_has_a_description() {
    List<String> missing = new ArrayList<>();
    Map<String, Map<String, Object>> groups =
        Map.of(
            "top level", at("properties"),
            "job", jobProperties(),
            "when", at("$defs", "job", "properties", "when", "properties"),
            "pipelines", at("properties", "pipelines", "properties"));
    groups.forEach(
        (group, props) ->
            props.forEach(
                (key, value) -> {
                  Object d = map(value, key).get("description");
                  if (!(d instanceof String s) || s.isBlank()) {
                    missing.add(group + ": " + key);
                  }
                }));
    assertThat(missing).isEmpty();
  }

  @Test
  void config_md_documents_every_key_and_pipeline() throws IOException {
    String md = Files.readString(docs.resolve("config.md"));
    List<String> names = new ArrayList<>();
    names.addAll(RepoConfigParser.TOP_KEYS);
    names.addAll(JobDeclParser.KEYS);
    names.addAll(JobDeclParser.WHEN_KEYS);
    names.addAll(PipelineName.ids());
    assertThat(names)
        .allSatisfy(
            key ->
                assertThat(md)
                    .as("docs/config.md mentions `" + key + "`")
                    .contains("`" + key + "`"));
    assertThat(JobDeclParser.KEYS)
        .allSatisfy(
            key ->
                assertThat(md)
                    .as("docs/config.md has a section for " + key)
                    .contains("### `" + key + "`"));
  }

  // --- the schema's name rules agree with the validator, sample by sample ---

  private static boolean accepted(String yaml) {
    return RepoConfigParser.parse(
            yaml.getBytes(StandardCharsets.UTF_8), TrustedContext.offlineDefaults())
        .valid();
  }

  /** A YAML single-quoted scalar. */
  private static String q(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** Samples the schema pattern and the validator disagree on; empty when they agree. */
  private static List<String> disagreements(
      String what,
      List<String> samples,
      Predicate<String> schemaAccepts,
      Function<String, String> config) {
    List<String> out = new ArrayList<>();
    for (String s : samples) {
      boolean bySchema = schemaAccepts.test(s);
      boolean byValidator = accepted(config.apply(s));
      if (bySchema != byValidator) {
        out.add(
            what
                + " '"
                + s
                + "': schema "
                + (bySchema ? "accepts" : "rejects")
                + ", validator "
                + (byValidator ? "accepts" : "rejects"));
      }
    }
    return out;
  }

  private static Predicate<String> matches(String regex) {
    Pattern p = Pattern.compile(regex);
    return s -> p.matcher(s).find();
  }

  @Test
  void the_schemas_name_and_value_patterns_accept_what_the_validator_accepts() {
    List<String> problems = new ArrayList<>();
    problems.addAll(
        disagreements(
            "job name",
            List.of(
                "a",
                "A9",
                "9a",
                "build-1.2_x",
                ".tmpl",
                "..x",
                ".",
                "",
                "-a",
                "_a",
                "a/b",
                "a b",
                "a:b",
                "é",
                "a[1]",
                "a".repeat(64),
                "a".repeat(65),
                "." + "a".repeat(64),
                "." + "a".repeat(65)),
            matches(pattern("properties", "jobs", "propertyNames")),
            s -> "jobs:\n  " + q(s) + ": {run: x}\n"));
    problems.addAll(
        disagreements(
            "secret name",
            List.of(
                "tok",
                "a.b-c_d",
                "A",
                "9",
                "-a",
                ".a",
                "a b",
                "a/b",
                "",
                "s".repeat(64),
                "s".repeat(65)),
            matches(pattern("$defs", "secretName")),
            s -> "jobs:\n  a: {run: x, secrets: [" + q(s) + "]}\n"));
    problems.addAll(
        disagreements(
            "variable name",
            List.of(
                "A",
                "_a",
                "a1",
                "JAVA_HOME",
                "1a",
                "A-B",
                "A.B",
                "",
                "SEAKEEPER_X",
                "SEAKEEPER",
                "seakeeper_x",
                "V".repeat(200)),
            matches(pattern("$defs", "variables", "propertyNames")),
            s -> "variables: {" + q(s) + ": x}\njobs:\n  a: {run: x}\n"));
    problems.addAll(
        disagreements(
            "matrix variable",
            // no SEAKEEPER_ sample: the schema refuses those names, the validator does not yet
            List.of("PY", "_x", "x1", "1x", "A-B", "", "seakeeper_x"),
            matches(pattern("$defs", "job", "properties", "matrix", "propertyNames")),
            s -> "jobs:\n  a: {run: x, matrix: {" + q(s) + ": [1]}}\n"));
    problems.addAll(
        disagreements(
            "image",
            List.of(
                "host",
                "debian-12",
                "a/b",
                "a.b_c",
                "9",
                "A",
                "-a",
                ".a",
                "a b",
                "",
                "i".repeat(64),
                "i".repeat(65)),
            matches(pattern("$defs", "job", "properties", "image")),
            s -> "jobs:\n  a: {run: x, image: " + q(s) + "}\n"));
    Predicate<String> durationFormat = matches(pattern("$defs", "duration"));
    Predicate<String> zero = matches(pattern("$defs", "duration", "not"));
    problems.addAll(
        disagreements(
            "timeout",
            // at most 24h: the schema checks the form, not the maximum
            List.of(
                "1s", "90s", "10m", "90m", "1h30m", "2h0m30s", "24h", " 10m ", "0s", "0h0m0s",
                "00m", "", " ", "90", "1h 30m", "1H", "10m1h", "1.5h", "-1m", "1d"),
            s -> durationFormat.test(s) && !zero.test(s),
            s -> "jobs:\n  a: {run: x, timeout: " + q(s) + "}\n"));
    problems.addAll(
        disagreements(
            "artifact glob",
            List.of(
                "out/*",
                "out/**",
                "**/*.log",
                "./x",
                "a//b",
                "a/..b",
                "..a",
                "../x",
                "a/../b",
                "a/..",
                "..",
                "/abs",
                "",
                "  "),
            matches(pattern("$defs", "artifactGlob")),
            s -> "jobs:\n  a: {run: x, artifacts: [" + q(s) + "]}\n"));
    assertThat(problems).isEmpty();
  }

  // --- examples in the docs ---

  private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

  @Test
  void complete_examples_in_the_docs_are_valid() throws IOException {
    List<String> bad = new ArrayList<>();
    int repoConfigs = 0;
    for (String doc : List.of("tutorial.md", "config.md")) {
      Matcher m = YAML_BLOCK.matcher(Files.readString(docs.resolve(doc)));
      while (m.find()) {
        String yaml = m.group(1);
        if (yaml.startsWith("jobs:") || yaml.startsWith("variables:")) {
          repoConfigs++;
          List<Problem> errors =
              RepoConfigParser.parse(
                      yaml.getBytes(StandardCharsets.UTF_8), TrustedContext.offlineDefaults())
                  .problems()
                  .stream()
                  .filter(Problem::isError)
                  .toList();
          errors.forEach(
              p ->
                  bad.add(
                      doc
                          + ": "
                          + p.format(
                              "example starting '" + yaml.lines().findFirst().orElse("") + "'")));
        } else if (yaml.startsWith("data_dir:")) {
          ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8))
              .problems()
              .forEach(p -> bad.add(doc + ": " + p.format("server config example")));
        }
      }
    }
    assertThat(repoConfigs)
        .as("complete .seakeeper.yaml examples found in the docs")
        .isGreaterThanOrEqualTo(5);
    assertThat(bad).isEmpty();
  }
}
