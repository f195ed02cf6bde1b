package org.seakeeper.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.Grant;
import org.seakeeper.core.model.Role;
import org.seakeeper.core.model.ServerConfig;

/** The {@code auth:} section and private projects of the server config (docs/contracts.md §9). */
class AuthConfigTest {
  static ServerConfigParser.Result parse(String yaml) {
    return ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8));
  }

  static List<String> problems(String yaml) {
    return parse(yaml).problems().stream().map(p -> p.format("s.yaml")).toList();
  }

  @Test
  void reads_oidc_grants_and_private_projects() {
    ServerConfig.Auth a =
        parse(
                """
                repos:
                  - {name: demo, path: /srv/demo.git}
                  - {name: hidden, path: /srv/hidden.git, private: true}
                private_projects: [other]
                auth:
                  oidc:
                    issuer: https://id.example.org/realms/ci
                    client_id: seakeeper
                    client_secret_file: /etc/seakeeper/oidc-secret
                  session_ttl: 2h
                  grants:
                    - {role: maintainer, project: demo, who: ["user:alice", "group:devs"]}
                    - {role: admin, who: ["group:ci-admins"]}
                """)
            .config()
            .orElseThrow()
            .auth();
    assertThat(a.oidc().orElseThrow())
        .isEqualTo(
            new ServerConfig.Oidc(
                "https://id.example.org/realms/ci",
                "seakeeper",
                Optional.of("/etc/seakeeper/oidc-secret"),
                "groups",
                "preferred_username"));
    assertThat(a.grants())
        .containsExactly(
            new Grant(Role.MAINTAINER, Optional.of("demo"), "user:alice"),
            new Grant(Role.MAINTAINER, Optional.of("demo"), "group:devs"),
            new Grant(Role.ADMIN, Optional.empty(), "group:ci-admins"));
    assertThat(a.privateProjects()).containsExactlyInAnyOrder("hidden", "other");
    assertThat(a.sessionTtl()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void no_auth_section_means_no_login_and_no_grants() {
    assertThat(parse("").config().orElseThrow().auth()).isEqualTo(ServerConfig.Auth.NONE);
  }

  @Test
  void every_problem_is_reported_with_its_position() {
    assertThat(
            problems(
                """
                repos:
                  - {name: demo, path: /x, private: yes please}
                auth:
                  oidc: {issuer: "http://id.example.org/", client_id: ci}
                  grants:
                    - {role: maintainr, project: demo, who: ["alice"]}
                    - {role: security, project: demo, who: ["user:s"]}
                    - {who: ["user:x"]}
                  sesion_ttl: 1h
                """))
        .containsExactly(
            "s.yaml:2:37: error: 'private' must be true or false, found a string",
            "s.yaml:4:18: error: 'auth.oidc.issuer' must be an https:// URL (http:// only on a"
                + " loopback address), found 'http://id.example.org/'",
            "s.yaml:6:14: error: unknown role 'maintainr' (did you mean 'maintainer'?); roles are"
                + " [developer, maintainer, deployer, security, admin]",
            "s.yaml:6:46: error: 'alice' is not a subject: write user:NAME (a person) or"
                + " group:NAME (an OIDC group)",
            "s.yaml:7:7: error: the role 'security' is global; it cannot be granted on one project",
            "s.yaml:8:7: error: a grant needs a 'role' and 'who' (a list of user:NAME,"
                + " group:NAME)",
            "s.yaml:9:3: error: unknown key 'sesion_ttl' in auth (did you mean 'session_ttl'?)");
  }
}
