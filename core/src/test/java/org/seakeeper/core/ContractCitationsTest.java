package org.seakeeper.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps citations of the contracts honest: every "docs/contracts.md §N" in the repository's code
 * and docs names a section that is a heading of docs/contracts.md, and code and docs cite that file
 * by its path. The Flyway migrations keep their old, shorter wording: a changed comment would
 * change an applied migration's checksum. Their numbers are checked all the same.
 */
class ContractCitationsTest {

  private static final Path ROOT = repositoryRoot();
  private static final Path CONTRACTS = ROOT.resolve("docs/contracts.md");
  private static final Set<String> SKIPPED_DIRECTORIES =
      Set.of(".git", "target", "node_modules", "data");
  private static final Set<String> SCANNED_ENDINGS =
      Set.of(".java", ".md", ".sql", ".yaml", ".yml", ".sh", ".json", ".html", ".properties");

  private static final Pattern HEADING = Pattern.compile("(?m)^#{2,}\\s+(\\d+(?:\\.\\d+)*)\\.?\\s");

  /** A citation: the file (or, in migrations, the word) and then one or more sections. */
  private static final Pattern CITATION =
      Pattern.compile(
          "contracts(?:\\.md)?\\s+(§\\s?\\d+(?:\\.\\d+)*(?:\\s*(?:,|and)\\s*§\\s?\\d+(?:\\.\\d+)*)*)");

  private static final Pattern SECTION = Pattern.compile("§\\s?(\\d+(?:\\.\\d+)*)");
  private static final Pattern SHORT_CITATION = Pattern.compile("contracts\\s+§");

  @Test
  void every_cited_section_of_the_contracts_is_a_heading_there() throws IOException {
    Set<String> sections = sections();
    assertThat(sections).as("sections of %s", CONTRACTS).contains("1", "4", "6");

    List<String> unknown = new ArrayList<>();
    int cited = 0;
    for (Path file : scannedFiles()) {
      String text = read(file);
      boolean self = file.equals(CONTRACTS);
      Matcher m = (self ? SECTION : CITATION).matcher(text);
      while (m.find()) {
        Matcher s = SECTION.matcher(self ? m.group() : m.group(1));
        while (s.find()) {
          cited++;
          if (!sections.contains(s.group(1))) {
            unknown.add(where(file, text, m.start()) + ": §" + s.group(1));
          }
        }
      }
    }
    assertThat(cited)
        .as("citations found (is the scan looking in the right place?)")
        .isGreaterThan(50);
    assertThat(unknown).as("citations of sections %s does not have", CONTRACTS).isEmpty();
  }

  @Test
  void code_and_docs_cite_the_contracts_by_their_path() throws IOException {
    List<String> bare = new ArrayList<>();
    for (Path file : scannedFiles()) {
      if (file.toString().endsWith(".sql")) {
        continue; // applied migrations must not change
      }
      String text = read(file);
      Matcher m = SHORT_CITATION.matcher(text);
      while (m.find()) {
        bare.add(where(file, text, m.start()));
      }
    }
    assertThat(bare).as("write 'docs/contracts.md §N'").isEmpty();
  }

  private static Set<String> sections() throws IOException {
    Set<String> sections = new TreeSet<>();
    Matcher m = HEADING.matcher(Files.readString(CONTRACTS, StandardCharsets.UTF_8));
    while (m.find()) {
      sections.add(m.group(1));
    }
    return sections;
  }

  private static List<Path> scannedFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(ROOT)) {
      walk.filter(Files::isRegularFile)
          .filter(p -> !inSkippedDirectory(p))
          .filter(
              p -> SCANNED_ENDINGS.stream().anyMatch(e -> p.getFileName().toString().endsWith(e)))
          .forEach(files::add);
    }
    return files;
  }

  private static boolean inSkippedDirectory(Path file) {
    for (Path part : ROOT.relativize(file)) {
      if (SKIPPED_DIRECTORIES.contains(part.toString())) {
        return true;
      }
    }
    return false;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (MalformedInputException e) {
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String where(Path file, String text, int offset) {
    long line = text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    return ROOT.relativize(file) + ":" + line;
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("docs/contracts.md"))
          && Files.isDirectory(d.resolve("core"))) {
        return d;
      }
    }
    throw new IllegalStateException("no repository root with docs/contracts.md above " + dir);
  }
}
