package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.web.WebFixture.error;
import static org.seakeeper.web.WebFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;

class BuildApiTest {
  private final WebFixture web = new WebFixture();

  @AfterEach
  void stop() {
    web.close();
  }

  private static List<String> ids(JsonNode list) {
    List<String> ids = new ArrayList<>();
    list.path("builds").forEach(b -> ids.add(b.path("id").asText()));
    return ids;
  }

  @Test
  void a_build_has_every_field_of_the_contract() throws Exception {
    Build b = web.insert();
    var r = web.get("/api/v1/builds/" + b.id());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode n = json(r);
    assertThat(n.path("id").isTextual()).isTrue();
    assertThat(n.path("id").asText()).isEqualTo(Long.toString(b.id()));
    assertThat(n.path("connection").asText()).isEqualTo("local");
    assertThat(n.path("project").asText()).isEqualTo("demo");
    assertThat(n.path("change").asText()).isEqualTo("1234");
    assertThat(n.path("patchset").asText()).isEqualTo("2");
    assertThat(n.path("ref").asText()).isEqualTo("refs/changes/34/1234/2");
    assertThat(n.path("commit").asText()).isEqualTo("c0ffee");
    assertThat(n.path("pipeline").asText()).isEqualTo("check");
    assertThat(n.path("job").asText()).isEqualTo("unit");
    assertThat(n.path("attempt").asInt()).isEqualTo(1);
    assertThat(n.path("status").asText()).isEqualTo("success");
    assertThat(n.path("tier").asText()).isEqualTo("untrusted");
    assertThat(n.path("queued_at").asText()).isEqualTo("2026-01-31T12:00:00Z");
    assertThat(n.path("started_at").asText()).isEqualTo("2026-01-31T12:00:05Z");
    assertThat(n.path("finished_at").asText()).isEqualTo("2026-01-31T12:01:05Z");
    assertThat(n.path("detail").asText()).isEqualTo("exit 0");
    assertThat(n.path("log_url").asText())
        .isEqualTo("https://ci.example.org/api/v1/builds/" + b.id() + "/log");
    assertThat(n.path("web_url").asText()).isEqualTo("https://ci.example.org/builds/" + b.id());
  }

  @Test
  void absent_values_are_null() throws Exception {
    Build b =
        web.insert(
            x ->
                new Build(
                    0,
                    1,
                    "local",
                    "demo",
                    Optional.empty(),
                    Optional.empty(),
                    "refs/heads/main",
                    "c0ffee",
                    PipelineName.POST,
                    Optional.empty(),
                    1,
                    BuildStatus.QUEUED,
                    Tier.TRUSTED,
                    List.of(),
                    WebFixture.T0,
                    Optional.empty(),
                    Optional.empty(),
                    "",
                    Optional.empty()));
    JsonNode n = json(web.get("/api/v1/builds/" + b.id()));
    for (String field : List.of("change", "patchset", "job", "started_at", "finished_at")) {
      assertThat(n.has(field)).as(field).isTrue();
      assertThat(n.get(field).isNull()).as(field).isTrue();
    }
    assertThat(n.path("status").asText()).isEqualTo("queued");
  }

  @Test
  void unknown_and_malformed_build_ids_are_404_json() throws Exception {
    assertThat(error(web.get("/api/v1/builds/99"), 404)).isEqualTo("not_found");
    assertThat(error(web.get("/api/v1/builds/abc"), 404)).isEqualTo("not_found");
    assertThat(error(web.get("/api/v1/builds/-1"), 404)).isEqualTo("not_found");
    assertThat(error(web.get("/api/v1/builds/99999999999999999999999"), 404))
        .isEqualTo("not_found");
  }

  @Test
  void builds_are_listed_newest_first() throws Exception {
    for (int i = 0; i < 3; i++) {
      web.insert();
    }
    JsonNode n = json(web.get("/api/v1/builds"));
    assertThat(ids(n)).containsExactly("3", "2", "1");
    assertThat(n.get("next").isNull()).isTrue();
  }

  @Test
  void builds_are_filtered_by_every_parameter() throws Exception {
    web.insert(); // 1
    web.insert(
        b ->
            new Build(
                0,
                1,
                "review",
                "other",
                Optional.of("77"),
                Optional.of("1"),
                "refs/changes/77/77/1",
                "beef",
                PipelineName.GATE,
                Optional.of("lint"),
                1,
                BuildStatus.FAILURE,
                Tier.TRUSTED,
                List.of(),
                WebFixture.T0,
                Optional.empty(),
                Optional.empty(),
                "",
                Optional.empty())); // 2
    web.insert(); // 3
    assertThat(ids(json(web.get("/api/v1/builds?connection=review")))).containsExactly("2");
    assertThat(ids(json(web.get("/api/v1/builds?project=demo")))).containsExactly("3", "1");
    assertThat(ids(json(web.get("/api/v1/builds?change=77")))).containsExactly("2");
    assertThat(ids(json(web.get("/api/v1/builds?pipeline=gate")))).containsExactly("2");
    assertThat(ids(json(web.get("/api/v1/builds?status=failure")))).containsExactly("2");
    assertThat(
            ids(
                json(
                    web.get(
                        "/api/v1/builds?status=success&project=demo&connection=local&pipeline=check"))))
        .containsExactly("3", "1");
    assertThat(ids(json(web.get("/api/v1/builds?project=")))).containsExactly("3", "2", "1");
  }

  @Test
  void pages_follow_before_and_the_next_link() throws Exception {
    for (int i = 0; i < 5; i++) {
      web.insert();
    }
    var first = web.get("/api/v1/builds?limit=2&project=demo");
    JsonNode n = json(first);
    assertThat(ids(n)).containsExactly("5", "4");
    String next = n.path("next").asText();
    assertThat(next)
        .startsWith("https://ci.example.org/api/v1/builds?")
        .contains("limit=2")
        .contains("project=demo")
        .contains("before=4");
    assertThat(first.headers().firstValue("Link")).hasValue("<" + next + ">; rel=\"next\"");
    String path = next.substring("https://ci.example.org".length());
    JsonNode second = json(web.get(path));
    assertThat(ids(second)).containsExactly("3", "2");
    assertThat(ids(json(web.get("/api/v1/builds?limit=2&before=2")))).containsExactly("1");
  }

  @Test
  void bad_list_parameters_are_400_json() throws Exception {
    for (String q :
        List.of(
            "limit=0",
            "limit=1001",
            "limit=ten",
            "limit=-5",
            "before=0",
            "before=x",
            "status=green",
            "pipeline=nightly")) {
      assertThat(error(web.get("/api/v1/builds?" + q), 400)).as(q).isEqualTo("bad_request");
    }
    assertThat(json(web.get("/api/v1/builds?limit=1000")).path("builds").isArray()).isTrue();
  }

  @Test
  void the_default_limit_is_50() throws Exception {
    for (int i = 0; i < 51; i++) {
      web.insert();
    }
    JsonNode n = json(web.get("/api/v1/builds"));
    assertThat(n.path("builds").size()).isEqualTo(50);
    assertThat(n.path("next").asText()).endsWith("before=2");
  }
}
