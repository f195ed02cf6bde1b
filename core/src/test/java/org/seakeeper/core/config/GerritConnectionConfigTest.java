package org.seakeeper.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.ServerConfig;

/**
 * Gerrit connections in the server config (docs/contracts.md §3): keys, defaults and positioned
 * errors.
 */
class GerritConnectionConfigTest {
  private static ServerConfigParser.Result parse(String yaml) {
    return ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> errors(String yaml) {
    return parse(yaml).problems().stream().map(p -> p.format("seakeeper.yaml")).toList();
  }

  @Test
  void the_contract_example_parses_with_ssh_and_projects() {
    ServerConfig c =
        parse(
                """
                connections:
                  - name: review
                    type: gerrit
                    url: http://127.0.0.1:8081/
                    user: ci-bot
                    http_password_file: /etc/seakeeper/gerrit-password
                    ssh: {host: 127.0.0.1, port: 29418, key: /etc/seakeeper/id_ed25519}
                    projects: ["*"]
                """)
            .config()
            .orElseThrow();
    ServerConfig.Connection g = c.connections().getFirst();
    assertThat(g.type()).isEqualTo("gerrit");
    assertThat(g.settings())
        .containsEntry("url", "http://127.0.0.1:8081/")
        .containsEntry("user", "ci-bot")
        .containsEntry("http_password_file", "/etc/seakeeper/gerrit-password");
    assertThat(g.ssh())
        .contains(new ServerConfig.Ssh("127.0.0.1", 29418, "/etc/seakeeper/id_ed25519"));
    assertThat(g.projects()).containsExactly("*");
    assertThat(g.serves("anything")).isTrue();
  }

  @Test
  void projects_default_to_all_and_ssh_port_to_29418() {
    ServerConfig.Connection g =
        parse(
                """
                connections:
                  - {name: r, type: gerrit, url: "https://gerrit.example.org/", user: ci, http_password: pw, ssh: {host: gerrit.example.org, key: /k}}
                """)
            .config()
            .orElseThrow()
            .connections()
            .getFirst();
    assertThat(g.projects()).containsExactly("*");
    assertThat(g.ssh().map(ServerConfig.Ssh::port)).isEqualTo(Optional.of(29418));
  }

  @Test
  void listed_projects_are_the_only_ones_served() {
    ServerConfig.Connection g =
        parse(
                """
                connections:
                  - {name: r, type: gerrit, url: "http://h/", user: ci, http_password: pw, ssh: {host: h, key: /k}, projects: [demo, tools/x]}
                """)
            .config()
            .orElseThrow()
            .connections()
            .getFirst();
    assertThat(g.serves("demo")).isTrue();
    assertThat(g.serves("tools/x")).isTrue();
    assertThat(g.serves("other")).isFalse();
  }

  @Test
  void a_gerrit_connection_without_its_keys_lists_every_problem() {
    assertThat(
            errors(
                """
                connections:
                  - name: r
                    type: gerrit
                    url: ftp://h/
                    ssh: {host: h, port: 99999, colour: red}
                    projects: []
                """))
        .containsExactlyInAnyOrder(
            "seakeeper.yaml:2:5: error: gerrit connection 'r' needs a 'user' (the CI account)",
            "seakeeper.yaml:2:5: error: gerrit connection 'r' needs exactly one of"
                + " 'http_password_file' and 'http_password'",
            "seakeeper.yaml:4:10: error: the 'url' of gerrit connection 'r' must start with http://"
                + " or https://",
            "seakeeper.yaml:5:26: error: 'ssh.port' must be between 1 and 65535",
            "seakeeper.yaml:5:33: error: unknown key 'colour' in 'ssh'; expected host, port, key",
            "seakeeper.yaml:5:10: error: 'ssh' needs a 'host' and a 'key' (the CI account's private"
                + " key file)",
            "seakeeper.yaml:6:15: error: 'projects' is empty: name the projects to serve, or"
                + " [\"*\"] for all");
  }

  @Test
  void an_http_port_out_of_range_is_an_error_not_a_silent_default() {
    assertThat(errors("http: {port: 0}\n"))
        .containsExactly("seakeeper.yaml:1:14: error: 'http.port' must be between 1 and 65535");
    assertThat(errors("http: {port: 70000}\n"))
        .containsExactly("seakeeper.yaml:1:14: error: 'http.port' must be between 1 and 65535");
  }

  @Test
  void report_start_is_a_boolean_of_gerrit_connections() {
    assertThat(
            parse(
                    """
                    connections:
                      - {name: r, type: gerrit, url: "http://h/", user: ci, http_password: pw, ssh: {host: h, key: /k}, report_start: true}
                    """)
                .config()
                .orElseThrow()
                .connections()
                .getFirst()
                .settings())
        .containsEntry("report_start", "true");
    assertThat(
            errors(
                """
                connections:
                  - {name: r, type: gerrit, url: "http://h/", user: ci, http_password: pw, ssh: {host: h, key: /k}, report_start: sometimes}
                  - {name: l, type: git, report_start: true, repos: [{name: a, path: /a}]}
                """))
        .containsExactlyInAnyOrder(
            "seakeeper.yaml:2:115: error: 'report_start' of gerrit connection 'r' is true or false,"
                + " not 'sometimes'",
            "seakeeper.yaml:3:40: error: 'report_start' is for gerrit connections; connection 'l'"
                + " is of type git");
  }

  @Test
  void timeouts_are_durations_of_gerrit_connections() {
    assertThat(
            parse(
                    """
                    connections:
                      - {name: r, type: gerrit, url: "http://h/", user: ci, http_password: pw, ssh: {host: h, key: /k}, connect_timeout: 3s, request_timeout: 1m}
                    """)
                .config()
                .orElseThrow()
                .connections()
                .getFirst()
                .settings())
        .containsEntry("connect_timeout", "3s")
        .containsEntry("request_timeout", "1m");
    assertThat(
            errors(
                """
                connections:
                  - {name: r, type: gerrit, url: "http://h/", user: ci, http_password: pw, ssh: {host: h, key: /k}, connect_timeout: soon, request_timeout: 0s}
                """))
        .containsExactlyInAnyOrder(
            "seakeeper.yaml:2:118: error: 'connect_timeout' of gerrit connection 'r' is a duration"
                + " like 5s or 1m, not 'soon'",
            "seakeeper.yaml:2:141: error: 'request_timeout' of gerrit connection 'r' is a duration"
                + " like 5s or 1m, not '0s'");
  }

  @Test
  void gerrit_keys_on_a_git_connection_are_errors() {
    assertThat(
            errors(
                """
                connections:
                  - {name: l, type: git, projects: [a], repos: [{name: a, path: /a}]}
                """))
        .containsExactly(
            "seakeeper.yaml:2:36: error: 'projects' is for gerrit connections; connection 'l' is of"
                + " type git");
  }

  @Test
  void connection_names_are_unique_including_the_local_shorthand() {
    assertThat(
            errors(
                """
                repos: [{name: a, path: /a}]
                connections:
                  - {name: r, type: gerrit, url: "http://h/", user: ci, http_password: pw, ssh: {host: h, key: /k}}
                  - {name: r, type: git, repos: [{name: b, path: /b}]}
                  - {name: local, type: git, repos: [{name: c, path: /c}]}
                """))
        .containsExactlyInAnyOrder(
            "seakeeper.yaml:4:5: error: connection 'r' is defined twice; connection names must be"
                + " unique",
            "seakeeper.yaml:1:1: error: 'repos' is the shorthand for the connection named 'local',"
                + " and 'connections' defines 'local' too");
  }

  @Test
  void the_connection_name_of_embargoed_builds_is_reserved() {
    assertThat(
            errors(
                """
                connections:
                  - {name: embargoed, type: git, repos: [{name: demo, path: /srv/git/demo.git}]}
                """))
        .singleElement()
        .asString()
        .contains("reserved for embargoed builds");
  }
}
