package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.web.WebFixture.error;
import static org.seakeeper.web.WebFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/audit} and its JSON-lines export (docs/contracts.md §9, docs/roles.md). */
class AuditApiTest {
  private final WebFixture web = new WebFixture();
  private static final String ADMIN = "Bearer " + WebFixture.TOKEN;

  @AfterEach
  void stop() {
    web.close();
  }

  @Test
  void refused_and_allowed_requests_are_listed_filtered_paged_and_exported_to_admins()
      throws Exception {
    web.insert();
    web.send("POST", "/api/v1/builds/1/cancel", null); // anonymous: refused
    web.send("POST", "/api/v1/builds/1/cancel", null, "Authorization", ADMIN); // allowed
    web.send("POST", "/api/v1/nowhere", "{}"); // unknown route: audited too
    assertThat(error(web.get("/api/v1/audit"), 401)).isEqualTo("unauthorized");
    JsonNode all = json(web.get("/api/v1/audit", "Authorization", ADMIN));
    assertThat(all.path("records").get(0).path("action").asText()).isEqualTo("audit.read");
    JsonNode refused =
        json(web.get("/api/v1/audit?outcome=refused&action=build.cancel", "Authorization", ADMIN));
    assertThat(refused.path("records")).hasSize(1);
    JsonNode r = refused.path("records").get(0);
    assertThat(r.path("who").asText()).isEqualTo("anonymous");
    assertThat(r.path("from").asText()).isEqualTo("127.0.0.1");
    assertThat(r.path("target").asText()).isEqualTo("build 1");
    assertThat(r.path("at").asText()).isNotBlank();
    assertThat(r.path("status").asInt()).isEqualTo(401);
    JsonNode allowed =
        json(web.get("/api/v1/audit?who=admin&action=build.cancel", "Authorization", ADMIN));
    assertThat(allowed.path("records").get(0).path("outcome").asText()).isEqualTo("allowed");
    assertThat(
            json(web.get("/api/v1/audit?action=POST%20/api/v1/nowhere", "Authorization", ADMIN))
                .path("records"))
        .hasSize(1);
    JsonNode page = json(web.get("/api/v1/audit?limit=1", "Authorization", ADMIN));
    assertThat(page.path("records")).hasSize(1);
    assertThat(page.path("next").asText()).contains("before=");
    var export = web.get("/api/v1/audit/export", "Authorization", ADMIN);
    assertThat(export.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/x-ndjson");
    String[] lines = export.body().split("\n");
    assertThat(lines.length).isGreaterThanOrEqualTo(5);
    for (String line : lines) {
      assertThat(Json.MAPPER.readTree(line).has("outcome")).isTrue();
    }
    assertThat(error(web.get("/api/v1/audit?outcome=maybe", "Authorization", ADMIN), 400))
        .isEqualTo("bad_request");
  }
}
