package org.seakeeper.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GlobTest {
  /** The matcher before it was linear: the glob as a java.util.regex, for agreement tests. */
  static boolean regexMatches(String glob, String path) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          i++;
          if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
            i++;
            b.append("(?:.*/)?");
          } else {
            b.append(".*");
          }
        } else {
          b.append("[^/]*");
        }
      } else if (c == '?') {
        b.append("[^/]");
      } else {
        b.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(b.toString(), Pattern.DOTALL).matcher(path).matches();
  }

  @Test
  void ordinary_globs_match_as_documented() {
    assertThat(Glob.of("*.md").matches("README.md")).isTrue();
    assertThat(Glob.of("*.md").matches("docs/README.md")).isFalse();
    assertThat(Glob.of("**/*.md").matches("README.md")).isTrue();
    assertThat(Glob.of("**/*.md").matches("a/b/c.md")).isTrue();
    assertThat(Glob.of("docs/**").matches("docs/a/b")).isTrue();
    assertThat(Glob.of("docs/**").matches("doc/a")).isFalse();
    assertThat(Glob.of("src/?.c").matches("src/a.c")).isTrue();
    assertThat(Glob.of("src/?.c").matches("src//.c")).isFalse();
    assertThat(Glob.of("refs/heads/**").matches("refs/heads/release/1.x")).isTrue();
    assertThat(Glob.of("v*").matches("v1.0")).isTrue();
    assertThat(Glob.of("").matches("")).isTrue();
    assertThat(Glob.of("a").matches("")).isFalse();
    assertThat(Glob.of("a.b").matches("axb")).as("a dot is a dot").isFalse();
  }

  @Test
  void the_worst_patterns_against_a_ten_thousand_character_name_finish_at_once() {
    String name = "a".repeat(10_000);
    for (String glob :
        List.of(
            "**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**b",
            "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
            "**/**/**/**/**/**/**/**/**/b",
            "?*?*?*?*?*?*?*?*?*?*?*?*b")) {
      long t0 = System.nanoTime();
      assertThat(Glob.of(glob).matches(name)).isFalse();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      // Not a timing assertion on a shared machine: a backtracking matcher takes longer than the
      // age of the universe here; this one takes milliseconds. A generous bound catches a
      // regression.
      assertThat(ms).as(glob).isLessThan(5_000);
    }
  }

  @Test
  void it_agrees_with_the_regex_matcher_on_random_globs_and_paths() {
    Random r = new Random(42);
    String alphabet = "ab/.";
    String globAlphabet = "ab/.*?";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder g = new StringBuilder();
      int gl = r.nextInt(8);
      for (int i = 0; i < gl; i++) {
        g.append(globAlphabet.charAt(r.nextInt(globAlphabet.length())));
      }
      StringBuilder p = new StringBuilder();
      int pl = r.nextInt(10);
      for (int i = 0; i < pl; i++) {
        p.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      assertThat(Glob.of(g.toString()).matches(p.toString()))
          .as("glob '%s' on '%s'", g, p)
          .isEqualTo(regexMatches(g.toString(), p.toString()));
    }
  }
}
