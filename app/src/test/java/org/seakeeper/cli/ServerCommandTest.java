package org.seakeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.cli.CliHarness.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code seakeeper server} refuses to start on a bad config and lists every problem. */
class ServerCommandTest {
  @TempDir Path tmp;

  @Test
  void a_bad_config_lists_every_problem_and_exits_2() throws Exception {
    Path cfg = tmp.resolve("server.yaml");
    Files.writeString(
        cfg,
        "http: {port: 8080, bnd: 127.0.0.1}\n"
            + "executors:\n"
            + "  trusted: {max_parallel: zero}\n"
            + "store: {type: oracle}\n");
    var r = cli("server", "--config", cfg.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains(cfg + ":1:20: error: unknown key 'bnd' in http (did you mean 'bind'?)")
        .contains(
            cfg
                + ":3:27: error: 'executors.trusted.max_parallel' must be a whole number, found a"
                + " string")
        .contains(cfg + ":4:8: error: store type 'oracle' is not supported")
        .contains("not starting")
        .doesNotContain("Exception");
  }

  @Test
  void a_missing_config_file_is_a_usage_error() {
    var r = cli("server", "--config", tmp.resolve("nope.yaml").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("no server config at");
  }
}
