package org.seakeeper.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SafeLogTextTest {
  static final String FORGED =
      "demo\n"
          + "12:00:00.000 INFO  o.s.s.LogReporter - post local demo SUCCESS \u001b[31mred\u001b[0m"
          + " \u202Eevil\r";

  @Test
  void control_characters_newlines_and_bidi_overrides_are_escaped() {
    assertThat(SafeLogText.escape(FORGED))
        .doesNotContain("\n", "\r", "\u001b", "\u202E")
        .contains("demo\\n12:00", "\\u001B[31m", "\\u202Eevil\\r");
    assertThat(SafeLogText.escape("plain text, unicode é ü 日本"))
        .isEqualTo("plain text, unicode é ü 日本");
    assertThat(SafeLogText.escape("a\\nb"))
        .as("a literal backslash-n cannot pass for an escaped newline")
        .isEqualTo("a\\\\nb");
  }

  @Test
  void the_server_logs_through_the_escaping_encoder() throws Exception {
    try (var in = SafeLogTextTest.class.getResourceAsStream("/logback.xml")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .contains("<encoder class=\"org.seakeeper.server.SafeLogText$Encoder\">");
    }
  }

  @Test
  void the_servers_log_pattern_writes_one_line_per_event_whatever_a_change_put_in_it() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PatternLayoutEncoder enc = new SafeLogText.Encoder(); // what logback.xml names
    enc.setContext(ctx);
    enc.setPattern("%level %logger - %msg%n%ex");
    enc.start();
    OutputStreamAppender<ILoggingEvent> app = new OutputStreamAppender<>();
    app.setContext(ctx);
    app.setEncoder(enc);
    app.setOutputStream(out);
    app.start();
    Logger log = ctx.getLogger("forgery-test");
    log.setAdditive(false);
    log.addAppender(app);
    try {
      log.warn("build of project {} ended", FORGED);
      log.error("failed", new IllegalStateException("matrix value " + FORGED));
    } finally {
      log.detachAppender(app);
      app.stop();
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text.lines().filter(l -> l.startsWith("WARN") || l.startsWith("ERROR"))).hasSize(2);
    assertThat(text.lines()).noneMatch(l -> l.startsWith("12:00:00.000 INFO"));
    assertThat(text).doesNotContain("\u001b", "\u202E", "\r");
    assertThat(text).contains("java.lang.IllegalStateException: matrix value demo\\n12:00");
  }
}
