package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.store.AuditRecord;

/**
 * The audit page ({@code /audit}) over HTTP: admins only (anonymous is sent to log in, a refusal is
 * a page and is audited), the API's filters as a plain GET form, paging, and hostile fields shown
 * as text.
 */
class AuditPageTest {
  static final String ADMIN = "Bearer " + WebFixture.TOKEN;
  private final WebFixture web = new WebFixture();

  @AfterEach
  void stop() {
    web.close();
  }

  private void record(String who, String action, AuditRecord.Outcome outcome, String message) {
    web.access.append(
        new AuditRecord(
            0,
            Instant.parse("2026-02-01T10:00:00Z"),
            who,
            "127.0.0.1",
            action,
            "build 7",
            outcome,
            outcome == AuditRecord.Outcome.ALLOWED ? 200 : 403,
            message));
  }

  private static int rows(String page) {
    return page.split("<tr class=\"", -1).length - 1;
  }

  @Test
  void admins_read_the_trail_filtered_by_who_action_and_outcome() throws Exception {
    record("user:alice", "build.retry", AuditRecord.Outcome.ALLOWED, "retried");
    record("user:bob", "build.retry", AuditRecord.Outcome.REFUSED, "not a maintainer");
    record("user:bob", "build.cancel", AuditRecord.Outcome.REFUSED, "not a maintainer");
    HttpResponse<String> all = web.get("/audit", "Authorization", ADMIN);
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
    assertThat(all.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(all.body())
        .contains("<h1>Audit</h1>")
        .contains("<form method=\"get\"")
        .contains("name=\"who\"")
        .contains("name=\"action\"")
        .contains("name=\"outcome\"")
        .contains("user:alice")
        .contains("not a maintainer");
    assertThat(rows(all.body())).as("the three, and this read of the trail itself").isEqualTo(4);
    assertThat(all.body()).contains("<td>audit.read</td>");
    String bob = web.get("/audit?who=user:bob", "Authorization", ADMIN).body();
    assertThat(rows(bob)).isEqualTo(2);
    assertThat(bob).doesNotContain("<td>user:alice</td>").contains("value=\"user:bob\"");
    String cancel = web.get("/audit?action=build.cancel", "Authorization", ADMIN).body();
    assertThat(rows(cancel)).isEqualTo(1);
    assertThat(cancel).contains("<td>build.cancel</td>");
    String refused = web.get("/audit?outcome=refused&who=user:bob", "Authorization", ADMIN).body();
    assertThat(rows(refused)).isEqualTo(2);
    assertThat(refused).contains("<option value=\"refused\" selected>");
    String allowed = web.get("/audit?outcome=allowed", "Authorization", ADMIN).body();
    assertThat(allowed).contains("<td>user:alice</td>").doesNotContain("<td>user:bob</td>");
    String none = web.get("/audit?who=nobody", "Authorization", ADMIN).body();
    assertThat(none).contains("No record matches.");
    HttpResponse<String> bad = web.get("/audit?outcome=maybe", "Authorization", ADMIN);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("<p class=\"error\">").contains("allowed or refused");
  }

  @Test
  void it_pages_with_a_link_that_keeps_the_filters() throws Exception {
    for (int i = 0; i < AuditPage.PAGE + 5; i++) {
      record("user:carol", "trigger", AuditRecord.Outcome.ALLOWED, "n" + i);
    }
    String first = web.get("/audit?who=user:carol", "Authorization", ADMIN).body();
    assertThat(rows(first)).isEqualTo(AuditPage.PAGE);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("href=\"(/audit\\?[^\"]*)\">Older records").matcher(first);
    assertThat(m.find()).isTrue();
    String next = m.group(1).replace("&amp;", "&");
    assertThat(next).contains("who=user%3Acarol").contains("before=");
    String second = web.get(next, "Authorization", ADMIN).body();
    assertThat(rows(second)).isGreaterThanOrEqualTo(5); // plus this test's own reads, if audited
    assertThat(second).contains("<td>n0</td>").doesNotContain("Older records");
  }

  @Test
  void hostile_fields_show_as_text() throws Exception {
    record(
        "user:" + UiPageTest.HOSTILE,
        "build.retry",
        AuditRecord.Outcome.REFUSED,
        "</td><script>alert(1)</script>" + UiPageTest.HOSTILE);
    String page =
        web.get(
                "/audit?who="
                    + java.net.URLEncoder.encode(
                        "\"><script>x</script>", java.nio.charset.StandardCharsets.UTF_8),
                "Authorization",
                ADMIN)
            .body();
    assertThat(page).doesNotContain("<script>x</script>").contains("&quot;&gt;&lt;script&gt;");
    String all = web.get("/audit", "Authorization", ADMIN).body();
    assertThat(all)
        .doesNotContain("<img src=x")
        .doesNotContain("<script>alert(1)")
        .contains("&lt;img src=x onerror=alert(1)&gt;");
  }

  @Test
  void anonymous_is_sent_to_log_in_and_a_non_admin_is_refused_with_a_page() throws Exception {
    HttpResponse<String> anon = web.get("/audit");
    assertThat(anon.statusCode()).isEqualTo(302);
    assertThat(anon.headers().firstValue("Location")).hasValue("/login?return_to=/audit");
    HttpResponse<String> wrong = web.get("/audit", "Authorization", "Bearer not-a-token");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("<p class=\"error\">").doesNotContain("<tr class=");
    // dave has a personal token and no role: a 403 page, and the refusal is in the trail
    record("user:alice", "build.retry", AuditRecord.Outcome.ALLOWED, "retried");
    String secret = org.seakeeper.auth.TokenSecrets.newToken();
    Instant now = Instant.now();
    web.access.addToken(
        new org.seakeeper.core.store.ApiToken(
            org.seakeeper.auth.TokenSecrets.id(),
            "dave",
            "laptop",
            org.seakeeper.auth.TokenSecrets.sha256(secret),
            java.util.Set.of(),
            now,
            now.plusSeconds(3600),
            java.util.Optional.empty(),
            java.util.Optional.empty(),
            "user:dave"));
    HttpResponse<String> dave = web.get("/audit", "Authorization", "Bearer " + secret);
    assertThat(dave.statusCode()).isEqualTo(403);
    assertThat(dave.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
    assertThat(dave.body()).contains("<p class=\"error\">").doesNotContain("retried");
    assertThat(web.access.all())
        .anySatisfy(
            r -> {
              assertThat(r.who()).isEqualTo("user:dave");
              assertThat(r.action()).isEqualTo("audit.read");
              assertThat(r.outcome()).isEqualTo(AuditRecord.Outcome.REFUSED);
            });
  }
}
