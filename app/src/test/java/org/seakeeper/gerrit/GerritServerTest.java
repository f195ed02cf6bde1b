package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test fixture itself: a real Gerrit with the CI account, label and permissions. */
@Tag("slow")
class GerritServerTest {
  @RegisterExtension static final GerritServer GERRIT = new GerritServer();

  @Test
  void the_ci_account_can_use_rest_and_the_verified_label_exists() throws Exception {
    GERRIT.createProject("fixture");
    assertThat(GERRIT.ci().get("accounts/self").get("username").asText()).isEqualTo(GerritServer.CI_USER);
    assertThat(GERRIT.admin().get("projects/fixture").get("labels").has("Verified")).isTrue();
  }
}
