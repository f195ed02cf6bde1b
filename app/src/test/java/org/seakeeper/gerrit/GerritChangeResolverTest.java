package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.seakeeper.core.gate.ChangeResolver;
import org.seakeeper.core.gate.DependsOn;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.ServerConfig;

/**
 * Depends-On resolution over REST against a real Gerrit: URLs, bare Change-Ids (and their
 * ambiguity), parent changes.
 */
@Tag("slow")
class GerritChangeResolverTest {
  @RegisterExtension static final GerritServer GERRIT = new GerritServer();

  static DependsOn.Ref ref(String value) {
    return DependsOn.parse("Depends-On: " + value).refs().getFirst();
  }

  @Test
  void urls_change_ids_and_parent_changes_resolve_and_an_ambiguous_change_id_names_every_candidate()
      throws Exception {
    GERRIT.createProject("deps-lib");
    GERRIT.admin().put("projects/deps-lib/branches/stable", GerritRest.json("revision", "master"));
    JsonNode lib =
        GERRIT
            .admin()
            .post(
                "changes/",
                GerritRest.json(
                    "project", "deps-lib", "branch", "master", "subject", "Library change"));
    String number = lib.path("_number").asText();
    String changeId = lib.path("change_id").asText();
    GerritEndpoint e =
        new GerritEndpoint(
            "review",
            GERRIT.url(),
            GerritServer.CI_USER,
            GERRIT.ciPassword(),
            new ServerConfig.Ssh("127.0.0.1", GERRIT.sshPort(), GERRIT.ciKey().toString()),
            List.of("*"));
    GerritChangeResolver r = new GerritChangeResolver(Map.of("review", e));

    ChangeResolver.Resolution byUrl =
        r.resolve("review", ref(GERRIT.url() + "c/deps-lib/+/" + number));
    assertThat(byUrl).isInstanceOf(ChangeResolver.Found.class);
    ChangeResolver.Resolved found = ((ChangeResolver.Found) byUrl).change();
    assertThat(found.merged()).isFalse();
    assertThat(found.change().project()).isEqualTo("deps-lib");
    assertThat(found.change().branch()).isEqualTo("master");
    assertThat(found.change().change()).isEqualTo(number);
    assertThat(found.change().patchset()).isEqualTo("1");
    assertThat(found.change().commit()).hasSize(40);
    assertThat(r.resolve("review", ref(GERRIT.url() + "#/c/" + number + "/"))).isEqualTo(byUrl);
    assertThat(r.resolve("review", ref(changeId))).isEqualTo(byUrl);
    assertThat(r.openChangeAt(new RepoRef("review", "deps-lib"), found.change().commit()))
        .contains(found.change());

    // A cherry-pick to another branch keeps the Change-Id: the bare id is ambiguous now.
    JsonNode pick =
        GERRIT
            .admin()
            .post(
                "changes/deps-lib~" + number + "/revisions/current/cherrypick",
                GerritRest.json("destination", "stable", "allow_empty", true));
    ChangeResolver.Resolution ambiguous = r.resolve("review", ref(changeId));
    assertThat(ambiguous).isInstanceOf(ChangeResolver.Ambiguous.class);
    assertThat(((ChangeResolver.Ambiguous) ambiguous).candidates())
        .containsExactlyInAnyOrder(
            "deps-lib master " + number, "deps-lib stable " + pick.path("_number").asText());

    assertThat(r.resolve("review", ref("https://elsewhere.example.org/c/deps-lib/+/" + number)))
        .isEqualTo(
            new ChangeResolver.NotFound(
                "no Gerrit connection has the URL host elsewhere.example.org"));
    assertThat(r.resolve("review", ref(GERRIT.url() + "c/deps-lib/+/99999")))
        .isInstanceOf(ChangeResolver.NotFound.class);
    assertThat(r.resolve("local", ref(changeId))).isInstanceOf(ChangeResolver.NotFound.class);
  }
}
