package org.seakeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.web.WebFixture.error;
import static org.seakeeper.web.WebFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.scheduler.SchedulerCommands.CommandResult;

class CommandApiTest {
  private static final String TRIGGER =
      "{\"connection\":\"local\",\"project\":\"demo\",\"pipeline\":\"post\",\"ref\":\"refs/heads/main\"}";
  private final WebFixture web = new WebFixture();

  /** Builds 1..9 of project demo: the policy reads a build's project before the scheduler acts. */
  @org.junit.jupiter.api.BeforeEach
  void builds() {
    for (int i = 0; i < 9; i++) {
      web.insert();
    }
  }

  @AfterEach
  void stop() {
    web.close();
  }

  @Test
  void every_post_needs_the_admin_token() throws Exception {
    for (String path :
        List.of("/api/v1/builds/1/cancel", "/api/v1/builds/1/retry", "/api/v1/trigger")) {
      var none = web.send("POST", path, TRIGGER);
      assertThat(error(none, 401)).as(path).isEqualTo("unauthorized");
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(error(web.send("POST", path, TRIGGER, "Authorization", "Bearer wrong"), 401))
          .isEqualTo("unauthorized");
      assertThat(
              error(
                  web.send("POST", path, TRIGGER, "Authorization", "Basic " + WebFixture.TOKEN),
                  401))
          .isEqualTo("unauthorized");
      assertThat(
              error(
                  web.send(
                      "POST", path, TRIGGER, "Authorization", "Bearer " + WebFixture.TOKEN + "x"),
                  401))
          .isEqualTo("unauthorized");
    }
    assertThat(web.commands.calls).isEmpty();
  }

  @Test
  void an_empty_configured_token_accepts_nobody() throws Exception {
    assertThat(AdminAuth.sameSecret("", "")).isTrue();
    try (var other = new WebFixture("")) {
      assertThat(
              error(
                  other.send("POST", "/api/v1/builds/1/cancel", null, "Authorization", "Bearer "),
                  401))
          .isEqualTo("unauthorized");
    }
  }

  @Test
  void cancel_passes_the_build_and_the_actor_to_the_scheduler() throws Exception {
    web.commands.next = CommandResult.done("Build 7 cancelled.", 7);
    var r = web.post("/api/v1/builds/7/cancel", null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode n = json(r);
    assertThat(n.path("message").asText()).isEqualTo("Build 7 cancelled.");
    assertThat(n.path("build_id").asText()).isEqualTo("7");
    assertThat(web.commands.calls).containsExactly("cancel 7 by admin");
  }

  @Test
  void retry_answers_202_with_the_new_build() throws Exception {
    web.commands.next = CommandResult.accepted("Queued attempt 2 as build 8.", 8);
    var r = web.post("/api/v1/builds/7/retry", "");
    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode n = json(r);
    assertThat(n.path("build_id").asText()).isEqualTo("8");
    assertThat(n.path("web_url").asText()).isEqualTo("https://ci.example.org/builds/8");
    assertThat(web.commands.calls).containsExactly("retry 7 by admin");
  }

  @Test
  void refusals_keep_the_scheduler_code_and_reason() throws Exception {
    web.commands.next =
        CommandResult.refused(409, "not_cancellable", "Build 7 already ended (success).");
    var r = web.post("/api/v1/builds/7/cancel", null);
    assertThat(error(r, 409)).isEqualTo("not_cancellable");
    assertThat(json(r).path("message").asText()).isEqualTo("Build 7 already ended (success).");
    web.commands.next = CommandResult.refused(404, "", "There is no build 9.");
    assertThat(error(web.post("/api/v1/builds/9/retry", null), 404)).isEqualTo("not_found");
  }

  @Test
  void a_non_numeric_build_id_is_404_without_asking_the_scheduler() throws Exception {
    assertThat(error(web.post("/api/v1/builds/abc/cancel", null), 404)).isEqualTo("not_found");
    assertThat(web.commands.calls).isEmpty();
  }

  @Test
  void trigger_starts_a_pipeline() throws Exception {
    web.commands.next = CommandResult.accepted("Queued post on demo refs/heads/main.", 12);
    var r = web.post("/api/v1/trigger", TRIGGER);
    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode n = json(r);
    assertThat(n.path("message").asText()).isEqualTo("Queued post on demo refs/heads/main.");
    assertThat(n.path("build_id").asText()).isEqualTo("12");
    assertThat(web.commands.calls)
        .containsExactly("trigger local demo post refs/heads/main by admin");
  }

  @Test
  void a_trigger_of_check_with_a_change_rechecks_that_change() throws Exception {
    String check =
        "{\"connection\":\"review\",\"project\":\"core\",\"pipeline\":\"check\","
            + "\"ref\":\"refs/changes/42/1042/3\",\"change\":\"1042\"}";
    assertThat(web.post("/api/v1/trigger", check).statusCode()).isEqualTo(200);
    assertThat(web.commands.calls).containsExactly("recheck review core 1042 by admin");
    assertThat(error(web.post("/api/v1/trigger", check.replace("\"check\"", "\"post\"")), 422))
        .as("a change goes with check only")
        .isEqualTo("change_needs_check");
    for (String bad :
        List.of(
            check.replace("\"1042\"", "42"),
            check.replace("\"1042\"", "\" \""),
            check.replace("\"1042\"", "\"" + "9".repeat(201) + "\""),
            check.replace("\"1042\"", "\"10\\u000042\""))) {
      assertThat(error(web.post("/api/v1/trigger", bad), 400)).as(bad).isEqualTo("bad_request");
    }
    assertThat(web.commands.calls).hasSize(1);
  }

  @Test
  void gate_queue_verbs_reach_the_scheduler_and_need_the_token() throws Exception {
    String body = "{\"connection\":\"review\",\"project\":\"core\",\"change\":42}";
    for (String verb : List.of("dequeue", "enqueue", "promote")) {
      assertThat(error(web.send("POST", "/api/v1/queues/" + verb, body), 401))
          .isEqualTo("unauthorized");
      assertThat(web.post("/api/v1/queues/" + verb, body).statusCode()).isEqualTo(200);
    }
    assertThat(web.commands.calls)
        .containsExactly(
            "dequeue review core 42 by admin",
            "enqueue review core 42 by admin",
            "promote review core 42 by admin");
    assertThat(error(web.post("/api/v1/queues/promote", "{\"project\":\"core\"}"), 400))
        .isEqualTo("bad_request");
  }

  @Test
  void a_ref_that_does_not_fit_the_pipeline_is_422() throws Exception {
    web.commands.next =
        CommandResult.refused(
            422, "ref_does_not_fit", "post runs on refs/heads/*, not refs/tags/v1.");
    assertThat(
            error(
                web.post("/api/v1/trigger", TRIGGER.replace("refs/heads/main", "refs/tags/v1")),
                422))
        .isEqualTo("ref_does_not_fit");
  }

  @Test
  void a_bad_trigger_body_is_400() throws Exception {
    for (String body :
        List.of(
            "",
            "{",
            "[]",
            "\"x\"",
            "{\"connection\":\"local\"}",
            TRIGGER.replace("\"post\"", "\"nightly\""),
            TRIGGER.replace("\"demo\"", "42"),
            TRIGGER.replace("}", ",\"extra\":1}"),
            TRIGGER.replace("\"demo\"", "\" \""))) {
      assertThat(error(web.post("/api/v1/trigger", body), 400)).as(body).isEqualTo("bad_request");
    }
    assertThat(web.commands.calls).isEmpty();
  }

  @Test
  void a_failing_scheduler_is_a_500_without_details() throws Exception {
    web.commands.failure = new IllegalStateException("database password is hunter2");
    var r = web.post("/api/v1/builds/1/cancel", null);
    assertThat(error(r, 500)).isEqualTo("internal_error");
    assertThat(r.body()).doesNotContain("hunter2").doesNotContain("IllegalState");
  }
}
