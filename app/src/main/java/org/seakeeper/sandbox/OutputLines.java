package org.seakeeper.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a job's output into lines for the log, never holding more than {@link #MAX_LINE}
 * characters: a line longer than that (a job can print 400 MB without a newline) goes out in pieces
 * of at most that length, each a line of the log. A {@code \r} before {@code \n} is dropped, as
 * {@code BufferedReader.readLine} does. Stateless.
 */
final class OutputLines {
  /** Longest line kept whole: 64 Ki characters. */
  static final int MAX_LINE = 64 * 1024;

  private OutputLines() {}

  /** Reads {@code in} (UTF-8) to its end, handing each line (or piece) to {@code out}. */
  static void pump(InputStream in, Consumer<String> out) throws IOException {
    pump(new InputStreamReader(in, StandardCharsets.UTF_8), MAX_LINE, out);
  }

  static void pump(Reader in, int max, Consumer<String> out) throws IOException {
    char[] buf = new char[8192];
    StringBuilder line = new StringBuilder();
    int n;
    while ((n = in.read(buf)) != -1) {
      for (int i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '\n') {
          int len = line.length();
          if (len > 0 && line.charAt(len - 1) == '\r') {
            line.setLength(len - 1);
          }
          out.accept(line.toString());
          line.setLength(0);
        } else {
          line.append(c);
          if (line.length() >= max) {
            out.accept(line.toString());
            line.setLength(0);
          }
        }
      }
    }
    if (!line.isEmpty()) {
      out.accept(line.toString());
    }
  }
}
