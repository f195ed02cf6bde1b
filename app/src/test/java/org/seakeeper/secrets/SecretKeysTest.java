package org.seakeeper.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.model.ServerConfig;

class SecretKeysTest {
  @TempDir Path tmp;

  private static ServerConfig cfg(String yaml) {
    return ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8)).config().orElseThrow();
  }

  @Test
  void the_default_key_file_is_under_the_users_config_directory_not_the_data_dir() {
    ServerConfig c = cfg("data_dir: " + tmp.resolve("data") + "\n");
    assertThat(SecretKeys.keyFile(c, Map.of("XDG_CONFIG_HOME", tmp.resolve("xdg").toString())))
        .isEqualTo(tmp.resolve("xdg/seakeeper/secrets.key"));
    assertThat(SecretKeys.keyFile(c, Map.of()))
        .isEqualTo(Path.of(System.getProperty("user.home"), ".config/seakeeper/secrets.key"));
  }

  @Test
  void a_key_file_inside_the_data_dir_is_refused_also_through_a_symbolic_link() throws IOException {
    assertThatThrownBy(
            () ->
                SecretKeys.sealer(
                    cfg(
                        "data_dir: "
                            + tmp.resolve("data")
                            + "\nsecrets: {key_file: "
                            + tmp.resolve("data/k")
                            + "}\n")))
        .hasMessageContaining("is inside data_dir");
    Files.createDirectories(tmp.resolve("data"));
    Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("data"));
    assertThatThrownBy(
            () ->
                SecretKeys.sealer(
                    cfg(
                        "data_dir: "
                            + tmp.resolve("data")
                            + "\nsecrets: {key_file: "
                            + tmp.resolve("link/sub/k")
                            + "}\n")))
        .hasMessageContaining("is inside data_dir");
    assertThat(
            SecretKeys.sealer(
                    cfg(
                        "data_dir: "
                            + tmp.resolve("data")
                            + "\nsecrets: {key_file: "
                            + tmp.resolve("keys/k")
                            + "}\n"))
                .file())
        .isEqualTo(tmp.resolve("keys/k"));
  }
}
