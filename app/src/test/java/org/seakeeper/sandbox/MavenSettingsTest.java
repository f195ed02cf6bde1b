package org.seakeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The Maven settings a job gets when it brings none: every repository mirrored to the cache's URL,
 * after the cache's own verified files as read-only {@code file:} repositories (releases only,
 * never mirrored), for dependencies and plugins alike.
 */
class MavenSettingsTest {
  static Document parse(String xml) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  static List<String> texts(Document d, String tag) {
    NodeList l = d.getElementsByTagName(tag);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < l.getLength(); i++) {
      out.add(l.item(i).getTextContent().trim());
    }
    return out;
  }

  @Test
  void without_file_repositories_everything_is_mirrored_to_the_cache() throws Exception {
    Document d = parse(BwrapCommand.m2Settings("http://127.0.0.1:9781/", 0));
    assertThat(texts(d, "mirrorOf")).containsExactly("*");
    assertThat(texts(d, "url")).containsExactly("http://127.0.0.1:9781/maven/");
    assertThat(d.getElementsByTagName("profile").getLength()).isZero();
  }

  @Test
  void the_caches_files_come_first_as_release_only_file_repositories_never_mirrored()
      throws Exception {
    Document d = parse(BwrapCommand.m2Settings("http://127.0.0.1:9781/", 2));
    assertThat(texts(d, "mirrorOf")).containsExactly("*,!seakeeper-files-0,!seakeeper-files-1");
    assertThat(texts(d, "activeProfile")).containsExactly("seakeeper-files");
    for (String tag : List.of("repository", "pluginRepository")) {
      NodeList repos = d.getElementsByTagName(tag);
      assertThat(repos.getLength()).as(tag).isEqualTo(2);
      for (int i = 0; i < 2; i++) {
        Element r = (Element) repos.item(i);
        assertThat(r.getElementsByTagName("id").item(0).getTextContent())
            .isEqualTo("seakeeper-files-" + i);
        assertThat(r.getElementsByTagName("url").item(0).getTextContent())
            .isEqualTo("file://" + BwrapCommand.mavenFiles(i) + "/");
        Element releases = (Element) r.getElementsByTagName("releases").item(0);
        Element snapshots = (Element) r.getElementsByTagName("snapshots").item(0);
        assertThat(releases.getElementsByTagName("enabled").item(0).getTextContent())
            .isEqualTo("true");
        assertThat(snapshots.getElementsByTagName("enabled").item(0).getTextContent())
            .as("snapshots change: they always come through the cache's URL")
            .isEqualTo("false");
      }
    }
  }

  @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp;

  @Test
  void the_caches_files_are_offered_only_where_a_tier_user_can_reach_them() throws Exception {
    java.nio.file.Path open = tmp.resolve("open");
    java.nio.file.Path closed = tmp.resolve("closed");
    java.nio.file.Files.createDirectories(open.resolve("maven"));
    java.nio.file.Files.createDirectories(closed.resolve("maven"));
    for (java.nio.file.Path p :
        List.of(tmp, open, open.resolve("maven"), closed.resolve("maven"))) {
      java.nio.file.Files.setPosixFilePermissions(
          p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    java.nio.file.Files.setPosixFilePermissions(
        closed, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    assertThat(BubblewrapExecutor.openToAnyone(open.resolve("maven"))).isTrue();
    assertThat(BubblewrapExecutor.openToAnyone(open.resolve("not-yet/maven")))
        .as("not made yet: its parents decide")
        .isTrue();
    assertThat(BubblewrapExecutor.openToAnyone(closed.resolve("maven"))).isFalse();
    assertThat(BubblewrapExecutor.openToAnyone(closed.resolve("not-yet"))).isFalse();
    java.nio.file.Files.setPosixFilePermissions(
        open.resolve("maven"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    assertThat(BubblewrapExecutor.openToAnyone(open.resolve("maven")))
        .as("searchable but not readable")
        .isFalse();
  }
}
