package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.web.WebFixture.TOKEN;
import static org.seakeeper.web.WebFixture.error;
import static org.seakeeper.web.WebFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.store.BuildQuery;

/**
 * Embargoed builds through the web (docs/contracts.md §6): neither listed, counted nor readable
 * (404) without the admin token, by the API and the pages; visible with it; public once published.
 */
class EmbargoApiTest {
  private static final String[] ADMIN = {"Authorization", "Bearer " + TOKEN};
  private final WebFixture web = new WebFixture();
  private Build open1;
  private Build hidden;
  private Build open2;
  private String embargoId;

  @BeforeEach
  void builds() throws Exception {
    open1 = web.insert();
    var r =
        web.send(
            "POST",
            "/api/v1/embargoed?project=demo&base=main",
            "From 1234567890123456789012345678901234567890 Mon Sep 17 00:00:00 2001\n",
            ADMIN);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    embargoId = json(r).path("id").asText();
    hidden = web.store.queries().list(BuildQuery.latest(10)).getFirst();
    assertThat(hidden.connection()).isEqualTo("embargoed");
    web.update(hidden.moveTo(BuildStatus.SUCCESS, WebFixture.T0.plusSeconds(9), "exit 0"));
    web.logs.open(hidden.id()).line("CVE-2026-0001 fixed by changing the frobnicator");
    open2 = web.insert();
  }

  @AfterEach
  void stop() {
    web.close();
  }

  private static List<String> ids(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.path("builds").forEach(b -> out.add(b.path("id").asText()));
    return out;
  }

  /** The link of a build's row on the builds page. */
  private static String row(Build b) {
    return "<a href=\"/builds/" + b.id() + "\">#" + b.id() + "</a>";
  }

  /** Every read of one build: API object, log, log with Range, log stream, page. */
  private List<String> reads(long id) {
    return List.of(
        "/api/v1/builds/" + id,
        "/api/v1/builds/" + id + "/log",
        "/api/v1/builds/" + id + "/log/stream",
        "/builds/" + id);
  }

  @Test
  void every_read_of_an_embargoed_build_is_404_without_the_admin_token() throws Exception {
    for (String path : reads(hidden.id())) {
      HttpResponse<String> r = web.get(path);
      assertThat(error(r, 404)).as(path).isEqualTo("not_found");
      assertThat(r.body())
          .as(path)
          .doesNotContain("CVE")
          .doesNotContain("embargoed")
          .doesNotContain("secret-fix");
    }
    assertThat(error(web.get("/api/v1/builds/" + hidden.id() + "/log", "Range", "bytes=0-3"), 404))
        .isEqualTo("not_found");
    // the answer is the same as for a build that never existed
    assertThat(web.get("/api/v1/builds/" + hidden.id()).body())
        .isEqualTo(
            web.get("/api/v1/builds/999999").body().replace("999999", Long.toString(hidden.id())));
  }

  @Test
  void
      embargoed_builds_are_neither_listed_nor_counted_without_the_admin_token_and_paging_skips_them()
          throws Exception {
    JsonNode all = json(web.get("/api/v1/builds"));
    assertThat(ids(all)).containsExactly(Long.toString(open2.id()), Long.toString(open1.id()));
    for (String q :
        List.of(
            "?pipeline=release",
            "?connection=embargoed",
            "?status=success&project=demo&pipeline=release",
            "?project=demo&before=" + open2.id())) {
      assertThat(ids(json(web.get("/api/v1/builds" + q))))
          .as(q)
          .doesNotContain(Long.toString(hidden.id()));
    }
    // a page of one: the next page is the other public build, never a hidden one
    JsonNode first = json(web.get("/api/v1/builds?limit=1"));
    assertThat(ids(first)).containsExactly(Long.toString(open2.id()));
    String next = first.path("next").asText().substring("https://ci.example.org".length());
    assertThat(ids(json(web.get(next)))).containsExactly(Long.toString(open1.id()));

    String page = web.get("/builds").body();
    assertThat(page)
        .contains(row(open1))
        .contains(row(open2))
        .doesNotContain(row(hidden))
        .doesNotContain("secret-fix")
        .doesNotContain("refs/embargoed");
    assertThat(web.store.queries().publicView().countByStatus())
        .as("the counts the status page shows")
        .containsEntry(BuildStatus.SUCCESS, 2L);
    assertThat(web.store.queries().countByStatus()).containsEntry(BuildStatus.SUCCESS, 3L);
  }

  @Test
  void with_the_admin_token_embargoed_builds_are_listed_and_readable() throws Exception {
    assertThat(ids(json(web.get("/api/v1/builds", ADMIN)))).contains(Long.toString(hidden.id()));
    assertThat(ids(json(web.get("/api/v1/builds?pipeline=release", ADMIN))))
        .containsExactly(Long.toString(hidden.id()));
    JsonNode b = json(web.get("/api/v1/builds/" + hidden.id(), ADMIN));
    assertThat(b.path("tier").asText()).isEqualTo("privileged");
    assertThat(b.path("pipeline").asText()).isEqualTo("release");
    assertThat(web.get("/api/v1/builds/" + hidden.id() + "/log", ADMIN).body())
        .contains("CVE-2026-0001");
    var range =
        web.get(
            "/api/v1/builds/" + hidden.id() + "/log",
            "Authorization",
            "Bearer " + TOKEN,
            "Range",
            "bytes=0-3");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo("CVE-");
    var stream = web.get("/api/v1/builds/" + hidden.id() + "/log/stream", ADMIN);
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.body()).contains("data: CVE-2026-0001").contains("event: end");
    var page = web.get("/builds/" + hidden.id(), ADMIN);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("CVE-2026-0001").contains("privileged");
    assertThat(web.get("/builds", ADMIN).body()).contains(row(hidden));
  }

  @Test
  void a_wrong_token_on_a_read_is_refused_rather_than_quietly_downgraded() throws Exception {
    for (String path :
        List.of("/api/v1/builds", "/api/v1/builds/" + open1.id(), "/builds/" + hidden.id())) {
      assertThat(error(web.get(path, "Authorization", "Bearer wrong"), 401))
          .as(path)
          .isEqualTo("unauthorized");
    }
    // a non-bearer Authorization header (e.g. a proxy's Basic) is an anonymous reader
    assertThat(
            web.get("/api/v1/builds/" + open1.id(), "Authorization", "Basic Zm9vOmJhcg==")
                .statusCode())
        .isEqualTo(200);
    assertThat(
            web.get("/api/v1/builds/" + hidden.id(), "Authorization", "Basic Zm9vOmJhcg==")
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void publishing_makes_them_public() throws Exception {
    assertThat(error(web.send("POST", "/api/v1/embargoed/" + embargoId + "/publish", "{}"), 401))
        .isEqualTo("unauthorized");
    assertThat(web.get("/api/v1/builds/" + hidden.id()).statusCode()).isEqualTo(404);
    var r = web.send("POST", "/api/v1/embargoed/" + embargoId + "/publish", "{}", ADMIN);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).path("published_at").asText()).isNotBlank();
    for (String path : reads(hidden.id())) {
      assertThat(web.get(path).statusCode()).as(path).isEqualTo(200);
    }
    assertThat(ids(json(web.get("/api/v1/builds")))).contains(Long.toString(hidden.id()));
    assertThat(web.get("/builds").body()).contains(row(hidden));
    assertThat(
            error(
                web.send("POST", "/api/v1/embargoed/" + embargoId + "/publish", "{}", ADMIN), 409))
        .isEqualTo("already_published");
    assertThat(error(web.send("POST", "/api/v1/embargoed/nope/publish", "{}", ADMIN), 404))
        .isEqualTo("not_found");
  }

  @Test
  void the_embargo_endpoints_need_the_admin_token_and_say_nothing_without_it() throws Exception {
    for (var r :
        List.of(
            web.get("/api/v1/embargoed"),
            web.get("/api/v1/embargoed/" + embargoId),
            web.get("/api/v1/embargoed/nope"),
            web.send("POST", "/api/v1/embargoed?project=demo&base=main", "diff"),
            web.send("POST", "/api/v1/embargoed/" + embargoId + "/publish", "{}"))) {
      assertThat(error(r, 401)).isEqualTo("unauthorized");
      assertThat(r.body()).doesNotContain(embargoId).doesNotContain("demo");
    }
    JsonNode list = json(web.get("/api/v1/embargoed", ADMIN));
    assertThat(list.path("embargoed")).hasSize(1);
    assertThat(list.path("embargoed").get(0).path("published_at").isNull()).isTrue();
    JsonNode one = json(web.get("/api/v1/embargoed/" + embargoId, ADMIN));
    assertThat(one.path("project").asText()).isEqualTo("demo");
    assertThat(one.path("builds")).hasSize(1);
    assertThat(one.path("builds").get(0).path("id").asText()).isEqualTo(Long.toString(hidden.id()));
    assertThat(error(web.get("/api/v1/embargoed/nope", ADMIN), 404)).isEqualTo("not_found");
  }

  @Test
  void a_bad_submission_gets_a_clear_answer() throws Exception {
    assertThat(error(web.send("POST", "/api/v1/embargoed?base=main", "diff", ADMIN), 400))
        .isEqualTo("bad_request");
    assertThat(error(web.send("POST", "/api/v1/embargoed?project=demo", "diff", ADMIN), 400))
        .isEqualTo("bad_request");
    assertThat(error(web.send("POST", "/api/v1/embargoed?project=demo&base=main", "", ADMIN), 400))
        .isEqualTo("bad_request");
    web.desk.refuse =
        new ApiError(422, "patch_does_not_apply", "The patch does not apply to refs/heads/main.");
    var r = web.send("POST", "/api/v1/embargoed?project=demo&base=main", "diff", ADMIN);
    assertThat(error(r, 422)).isEqualTo("patch_does_not_apply");
    assertThat(json(r).path("message").asText()).contains("does not apply");
  }
}
