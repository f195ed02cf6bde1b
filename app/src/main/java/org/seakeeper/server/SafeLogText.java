package org.seakeeper.server;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.seakeeper.core.model.Printable;

/**
 * Keeps text a change controls (project, ref and job names, matrix values, commit messages, error
 * messages quoting them) from forging server log lines: in every logged message, and in the
 * messages of logged exceptions, control characters (newline, carriage return, ESC, ...), bidi
 * overrides and other invisible format characters are written as {@code \n}, {@code \r}, {@code \t}
 * or {@code \}{@code u202E}, and a backslash as two. The server's Logback encoder ({@link Encoder},
 * named in {@code logback.xml}) uses it for {@code %msg} and {@code %ex}, so no call site can
 * forget it. Thread-safe.
 */
public final class SafeLogText {
  private SafeLogText() {}

  /**
   * {@code s} with everything that could break or disguise a log line escaped ({@link Printable}).
   */
  public static String escape(String s) {
    return Printable.escape(s);
  }

  /** {@code %msg}, escaped. */
  public static final class Message extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
      return escape(super.convert(event));
    }
  }

  /**
   * {@code %ex}: the stack trace one frame a line as usual, but each exception's message (and any
   * text) escaped, so a message with a newline cannot add a line of its own.
   */
  public static final class Throwable extends ThrowableProxyConverter {
    @Override
    protected String throwableProxyToString(ch.qos.logback.classic.spi.IThrowableProxy tp) {
      StringBuilder b = new StringBuilder();
      render(tp, "", b, 0);
      return b.toString();
    }

    private static void render(
        ch.qos.logback.classic.spi.IThrowableProxy tp, String prefix, StringBuilder b, int depth) {
      if (tp == null || depth > 20) {
        return;
      }
      b.append(prefix).append(escape(tp.getClassName()));
      if (tp.getMessage() != null) {
        b.append(": ").append(escape(tp.getMessage()));
      }
      b.append(ch.qos.logback.core.CoreConstants.LINE_SEPARATOR);
      ch.qos.logback.classic.spi.StackTraceElementProxy[] frames =
          tp.getStackTraceElementProxyArray();
      int shown = frames.length - tp.getCommonFrames();
      for (int i = 0; i < shown; i++) {
        b.append('\t')
            .append(escape(frames[i].getSTEAsString()))
            .append(ch.qos.logback.core.CoreConstants.LINE_SEPARATOR);
      }
      if (tp.getCommonFrames() > 0) {
        b.append("\t... ")
            .append(tp.getCommonFrames())
            .append(" common frames omitted")
            .append(ch.qos.logback.core.CoreConstants.LINE_SEPARATOR);
      }
      for (ch.qos.logback.classic.spi.IThrowableProxy s : tp.getSuppressed()) {
        render(s, "Suppressed: ", b, depth + 1);
      }
      render(tp.getCause(), "Caused by: ", b, depth + 1);
    }
  }

  /**
   * A pattern encoder whose {@code %msg}, {@code %m}, {@code %message} and {@code %ex} are escaped.
   */
  public static final class Encoder extends ch.qos.logback.classic.encoder.PatternLayoutEncoder {
    @Override
    public void start() {
      Layout layout = new Layout();
      layout.setContext(context);
      layout.setPattern(getPattern());
      layout.setOutputPatternAsHeader(outputPatternAsHeader);
      layout.start();
      this.layout = layout;
      started = true;
    }
  }

  /** Logback's pattern layout with the escaping converters in place of its own. */
  static final class Layout extends ch.qos.logback.classic.PatternLayout {
    @Override
    public java.util.Map<
            String, java.util.function.Supplier<ch.qos.logback.core.pattern.DynamicConverter>>
        getDefaultConverterSupplierMap() {
      java.util.Map<
              String, java.util.function.Supplier<ch.qos.logback.core.pattern.DynamicConverter>>
          m = new java.util.HashMap<>(super.getDefaultConverterSupplierMap());
      for (String word : java.util.List.of("msg", "m", "message")) {
        m.put(word, Message::new);
      }
      for (String word : java.util.List.of("ex", "exception", "throwable")) {
        m.put(word, Throwable::new);
      }
      return m;
    }
  }
}
