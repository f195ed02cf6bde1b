package org.seakeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputLinesTest {
  @Test
  void lines_are_split_at_newlines_and_a_carriage_return_before_one_is_dropped()
      throws IOException {
    List<String> out = new ArrayList<>();
    OutputLines.pump(new StringReader("one\r\ntwo\n\nthree"), 100, out::add);
    assertThat(out).containsExactly("one", "two", "", "three");
  }

  @Test
  void a_line_longer_than_the_limit_goes_out_in_pieces() throws IOException {
    List<String> out = new ArrayList<>();
    OutputLines.pump(new StringReader("x".repeat(25) + "\nend\n"), 10, out::add);
    assertThat(out).containsExactly("x".repeat(10), "x".repeat(10), "x".repeat(5), "end");
  }

  @Test
  void four_hundred_megabytes_without_a_newline_never_make_a_line_longer_than_the_limit()
      throws IOException {
    long total = 400L * 1024 * 1024;
    Reader endless =
        new Reader() {
          long left = total;

          @Override
          public int read(char[] cbuf, int off, int len) {
            if (left == 0) {
              return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(cbuf, off, off + n, 'a');
            left -= n;
            return n;
          }

          @Override
          public void close() {}
        };
    long[] seen = new long[2];
    OutputLines.pump(
        endless,
        OutputLines.MAX_LINE,
        line -> {
          seen[0] += line.length();
          seen[1] = Math.max(seen[1], line.length());
        });
    assertThat(seen[0]).isEqualTo(total);
    assertThat(seen[1]).isEqualTo(OutputLines.MAX_LINE);
  }
}
