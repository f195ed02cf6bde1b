package org.seakeeper.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.secret.SecretBinding;

/**
 * The trusted config repo's {@code secrets:} list (docs/contracts.md §2): read with positions,
 * allowed only there.
 */
class ConfigRepoSecretsParsingTest {
  static final String CT =
      Base64.getEncoder().encodeToString("sealed-bytes".getBytes(StandardCharsets.UTF_8));

  static ServerConfigParser.SectionsResult repoFile(String yaml) {
    return ServerConfigParser.parseSections(yaml.getBytes(StandardCharsets.UTF_8));
  }

  static List<String> lines(List<Problem> problems, String file) {
    return problems.stream().map(p -> p.format(file)).toList();
  }

  @Test
  void entries_take_defaults_for_connection_and_pipelines_and_keep_their_positions() {
    var r =
        repoFile(
            "secrets:\n"
                + "  - project: demo\n"
                + "    name: token\n"
                + "    value: |\n"
                + "      "
                + CT.substring(0, 8)
                + "\n"
                + "      "
                + CT.substring(8)
                + "\n"
                + "  - {connection: review, project: team/app, name: deploy-key, pipelines:"
                + " [release, gate], value: "
                + CT
                + "}\n");
    assertThat(r.problems()).isEmpty();
    List<ConfigSecretDecl> s = r.sections().orElseThrow().secrets();
    assertThat(s)
        .extracting(ConfigSecretDecl::binding)
        .containsExactly(
            SecretBinding.of("local", "demo", "token"),
            new SecretBinding(
                "review",
                "team/app",
                "deploy-key",
                EnumSet.of(PipelineName.GATE, PipelineName.RELEASE)));
    assertThat(s.getFirst().sealed()).asString(StandardCharsets.UTF_8).isEqualTo("sealed-bytes");
    assertThat(s.getFirst().pos()).isEqualTo(new Pos(2, 5));
    assertThat(s.getFirst().valuePos()).isEqualTo(new Pos(4, 12));
    assertThat(s.get(1).valuePos()).isEqualTo(new Pos(7, 98));
  }

  @Test
  void bad_entries_are_reported_at_their_position_and_the_file_is_refused() {
    var r =
        repoFile(
            "secrets:\n"
                + "  - {project: demo, name: token, pipelines: [check, post], value: "
                + CT
                + "}\n"
                + "  - {project: demo, name: other, value: 'not base64!'}\n"
                + "  - {project: demo, value: "
                + CT
                + ", vaule: x}\n"
                + "  - {project: demo, name: ok, pipelines: [post, deploy], value: "
                + CT
                + "}\n"
                + "  - {project: demo, name: same, value: "
                + CT
                + "}\n"
                + "  - {project: demo, name: same, pipelines: [release], value: "
                + CT
                + "}\n"
                + "  - {project: '../etc', name: 'a b', value: "
                + CT
                + "}\n");
    assertThat(r.sections()).isEmpty();
    assertThat(lines(r.problems(), "seakeeper.yaml"))
        .containsExactly(
            "seakeeper.yaml:2:45: error: a secret can never be offered to 'check', which runs code"
                + " nobody with merge rights approved",
            "seakeeper.yaml:3:41: error: the secret's value is not base64: paste the ciphertext"
                + " printed by seakeeper secrets encrypt (never the plain value)",
            "seakeeper.yaml:4:5: error: a secret needs a 'name': jobs read it from"
                + " $SEAKEEPER_SECRETS/NAME",
            "seakeeper.yaml:4:"
                + (4 + "{project: demo, value: ".length() + CT.length() + 3)
                + ": error: unknown key 'vaule' in a secret (did you mean 'value'?); expected"
                + " [connection, project, name, pipelines, value]",
            "seakeeper.yaml:5:49: error: unknown pipeline 'deploy'; expected some of gate, post,"
                + " periodic, release",
            "seakeeper.yaml:7:5: error: secret 'same' of project demo (connection local) is already"
                + " defined at line 6; define each secret once",
            "seakeeper.yaml:8:5: error: bad project name '../etc'",
            "seakeeper.yaml:8:5: error: bad secret name 'a b': use letters, digits, '.', '_' and"
                + " '-' (at most 64)");
  }

  @Test
  void secrets_must_be_a_list_of_mappings() {
    assertThat(lines(repoFile("secrets: {project: demo}\n").problems(), "f"))
        .containsExactly("f:1:10: error: 'secrets' must be a list, found a mapping");
    assertThat(lines(repoFile("secrets: [demo]\n").problems(), "f"))
        .containsExactly("f:1:11: error: each item of 'secrets' must be a mapping, found a string");
  }

  @Test
  void the_server_file_refuses_a_list_of_encrypted_secrets_and_keeps_key_file() {
    var r =
        ServerConfigParser.parse(
            ("secrets:\n  - {project: demo, name: token, value: " + CT + "}\n")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(r.config()).isEmpty();
    assertThat(lines(r.problems(), "server.yaml"))
        .containsExactly(
            "server.yaml:2:3: error: a list of encrypted secrets belongs in the trusted config"
                + " repo's file, not in the server config: here 'secrets' holds {key_file: PATH},"
                + " and an admin sets secrets with: seakeeper secrets set --config SERVER_CONFIG"
                + " PROJECT NAME");
    assertThat(
            ServerConfigParser.parse(
                    "secrets: {key_file: /etc/sk/secrets.key}\n".getBytes(StandardCharsets.UTF_8))
                .config()
                .orElseThrow()
                .secrets()
                .keyFile())
        .contains("/etc/sk/secrets.key");
    assertThat(
            ServerConfigParser.parse("secrets: {key_file: /k}\n".getBytes(StandardCharsets.UTF_8))
                .sections()
                .orElseThrow()
                .secrets())
        .isEmpty();
  }

  @Test
  void a_projects_own_file_cannot_define_secrets() {
    ConfigResult r =
        RepoConfigParser.parse(
            ("secrets:\n  - {project: demo, name: token, value: "
                    + CT
                    + "}\njobs:\n  a: {run: x}\npipelines: {post: [a]}\n")
                .getBytes(StandardCharsets.UTF_8),
            TrustedContext.offlineDefaults());
    assertThat(r.config()).isEmpty();
    assertThat(lines(r.problems(), ".seakeeper.yaml"))
        .containsExactly(
            ".seakeeper.yaml:1:1: error: a project's .seakeeper.yaml cannot define secrets: they"
                + " are defined in the trusted config repo's file (encrypted with seakeeper secrets"
                + " encrypt) or by an admin (seakeeper secrets set); a job only names them, e.g."
                + " secrets: [token]");
  }

  @Test
  void merging_keeps_the_config_repos_secrets() {
    TrustedSections srv =
        ServerConfigParser.parse(
                "base_jobs:\n  base/a: {run: a}\n".getBytes(StandardCharsets.UTF_8))
            .sections()
            .orElseThrow();
    TrustedSections repo =
        repoFile("secrets:\n  - {project: demo, name: token, value: " + CT + "}\n")
            .sections()
            .orElseThrow();
    Problems p = new Problems();
    assertThat(TrustedSections.merge(srv, repo, p).orElseThrow().secrets())
        .extracting(d -> d.binding().name())
        .containsExactly("token");
  }
}
