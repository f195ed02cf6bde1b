package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.web.WebFixture.TOKEN;
import static org.seakeeper.web.WebFixture.error;
import static org.seakeeper.web.WebFixture.json;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.secret.SecretValue;
import org.seakeeper.secrets.SecretAdmin;
import org.seakeeper.testkit.InMemorySecretStore;

/** {@code /api/v1/secrets}: admin token for everything, values in and never out, clear refusals. */
class SecretApiTest {
  private static final ServerConfig CFG =
      ServerConfigParser.parse(
              """
              repos: [{name: demo, path: /srv/git/demo.git}]
              connections:
                - {name: review, type: gerrit, url: http://127.0.0.1:8081/, user: ci, http_password: x, ssh: {host: 127.0.0.1, key: /k}, projects: ["team/app"]}
              """
                  .getBytes(StandardCharsets.UTF_8))
          .config()
          .orElseThrow();

  private final InMemorySecretStore secrets = new InMemorySecretStore();
  private final WebFixture web = new WebFixture(TOKEN, new SecretAdmin(CFG, secrets));
  private static final String[] AUTH = {
    "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json"
  };

  @AfterEach
  void close() {
    web.close();
  }

  @Test
  void every_call_needs_the_admin_token() throws Exception {
    assertThat(error(web.get("/api/v1/secrets"), 401)).isEqualTo("unauthorized");
    assertThat(
            error(
                web.send(
                    "PUT",
                    "/api/v1/secrets/local/demo/token",
                    "{\"value\":\"x\"}",
                    "Content-Type",
                    "application/json"),
                401))
        .isEqualTo("unauthorized");
    assertThat(
            error(
                web.send(
                    "DELETE",
                    "/api/v1/secrets/local/demo/token",
                    null,
                    "Authorization",
                    "Bearer wrong"),
                401))
        .isEqualTo("unauthorized");
    assertThat(secrets.list(Optional.empty())).isEmpty();
  }

  @Test
  void a_value_goes_in_with_its_scope_and_never_comes_out() throws Exception {
    var put =
        web.send(
            "PUT",
            "/api/v1/secrets/local/demo/token",
            "{\"value\":\"hunter2-value\",\"pipelines\":[\"gate\",\"post\"]}",
            AUTH);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    assertThat(json(put).path("message").asText())
        .isEqualTo("secret 'token' of local/demo set for gate, post");
    assertThat(secrets.get("local", "demo", "token").orElseThrow().value())
        .isEqualTo(SecretValue.of("hunter2-value"));
    assertThat(secrets.get("local", "demo", "token").orElseThrow().binding().pipelines())
        .containsExactlyInAnyOrder(PipelineName.GATE, PipelineName.POST);

    var list = web.get("/api/v1/secrets?project=demo", AUTH);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).doesNotContain("hunter2");
    assertThat(json(list).path("secrets").get(0).toString())
        .isEqualTo(
            "{\"connection\":\"local\",\"project\":\"demo\",\"name\":\"token\",\"pipelines\":[\"gate\",\"post\"]}");
  }

  @Test
  void binary_values_and_projects_with_slashes_work() throws Exception {
    var put =
        web.send(
            "PUT", "/api/v1/secrets/review/team/app/key", "{\"value_base64\":\"AAEC/w==\"}", AUTH);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    assertThat(secrets.get("review", "team/app", "key").orElseThrow().value())
        .isEqualTo(SecretValue.of(new byte[] {0, 1, 2, (byte) 0xff}));
    assertThat(web.send("DELETE", "/api/v1/secrets/review/team/app/key", null, AUTH).statusCode())
        .isEqualTo(200);
    assertThat(error(web.send("DELETE", "/api/v1/secrets/review/team/app/key", null, AUTH), 404))
        .isEqualTo("not_found");
  }

  @Test
  void refusals_say_what_is_wrong() throws Exception {
    assertThat(
            error(
                web.send("PUT", "/api/v1/secrets/local/nope/token", "{\"value\":\"x\"}", AUTH),
                404))
        .isEqualTo("unknown_project");
    assertThat(
            error(
                web.send("PUT", "/api/v1/secrets/other/demo/token", "{\"value\":\"x\"}", AUTH),
                404))
        .isEqualTo("unknown_connection");
    var check =
        web.send(
            "PUT",
            "/api/v1/secrets/local/demo/token",
            "{\"value\":\"x\",\"pipelines\":[\"check\"]}",
            AUTH);
    assertThat(error(check, 422)).isEqualTo("invalid_secret");
    assertThat(check.body()).contains("never be offered to 'check'");
    assertThat(
            error(
                web.send("PUT", "/api/v1/secrets/local/demo/bad%20name", "{\"value\":\"x\"}", AUTH),
                422))
        .isEqualTo("invalid_secret");
    assertThat(
            error(
                web.send("PUT", "/api/v1/secrets/local/demo/token", "{\"value\":\"\"}", AUTH), 422))
        .isEqualTo("invalid_secret");
    assertThat(error(web.send("PUT", "/api/v1/secrets/local/demo/token", "not json", AUTH), 400))
        .isEqualTo("bad_request");
    assertThat(
            error(
                web.send(
                    "PUT",
                    "/api/v1/secrets/local/demo/token",
                    "{\"value\":\"x\",\"value_base64\":\"eA==\"}",
                    AUTH),
                400))
        .isEqualTo("bad_request");
    assertThat(
            error(
                web.send(
                    "PUT",
                    "/api/v1/secrets/local/demo/token",
                    "{\"value\":\"x\",\"scope\":[]}",
                    AUTH),
                400))
        .isEqualTo("bad_request");
    assertThat(secrets.list(Optional.empty())).isEmpty();
  }

  @Test
  void a_server_without_a_secret_store_answers_503() throws Exception {
    try (WebFixture plain = new WebFixture()) {
      assertThat(error(plain.get("/api/v1/secrets", AUTH), 503)).isEqualTo("secrets_unavailable");
    }
  }

  @Test
  void the_public_key_for_config_repo_secrets_needs_no_token_and_is_made_on_first_use(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    org.seakeeper.secrets.RsaKeyFile key =
        new org.seakeeper.secrets.RsaKeyFile(tmp.resolve("keys/secrets.key.rsa.pem"));
    try (WebFixture keyed = new WebFixture(TOKEN, new SecretAdmin(CFG, secrets, key))) {
      var r = keyed.get("/api/v1/secrets/public-key");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/x-pem-file");
      assertThat(r.body()).startsWith("-----BEGIN PUBLIC KEY-----\n").doesNotContain("PRIVATE");
      assertThat(org.seakeeper.secrets.RsaKeyFile.parsePublicPem(r.body()))
          .isEqualTo(key.publicKeyIfPresent());
      assertThat(tmp.resolve("keys/secrets.key.rsa.pem")).exists();
    }
    assertThat(error(web.get("/api/v1/secrets/public-key"), 503)).isEqualTo("key_unavailable");
  }
}
