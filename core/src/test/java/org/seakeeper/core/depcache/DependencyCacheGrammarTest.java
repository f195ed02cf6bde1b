package org.seakeeper.core.depcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.depcache.CachePaths.Accepted;
import org.seakeeper.core.depcache.CachePaths.Refused;
import org.seakeeper.core.depcache.CacheRequest.MavenFile;
import org.seakeeper.core.depcache.CacheRequest.MavenKind;
import org.seakeeper.core.depcache.CacheRequest.NpmPackument;
import org.seakeeper.core.depcache.CacheRequest.NpmTarball;
import org.seakeeper.core.depcache.CacheRequest.PypiFile;
import org.seakeeper.core.depcache.CacheRequest.PypiProject;

/** The dependency cache's pure parts: the grammar, keys, URLs, digests, pages and eviction. */
class DependencyCacheGrammarTest {

  static CacheRequest accepted(String path) {
    CachePaths.Parsed p = CachePaths.parse("GET", path, null);
    assertThat(p).as(path).isInstanceOf(Accepted.class);
    return ((Accepted) p).request();
  }

  @Test
  void accepts_what_real_clients_ask_for_and_keys_it_canonically() {
    assertThat(accepted("/maven/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar"))
        .isEqualTo(
            new MavenFile("org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar", MavenKind.ARTIFACT));
    assertThat(accepted("/maven/org/x/lib/1.0/lib-1.0-sources.jar.sha1"))
        .isEqualTo(new MavenFile("org/x/lib/1.0/lib-1.0-sources.jar.sha1", MavenKind.CHECKSUM));
    assertThat(accepted("/maven/org/x/lib/maven-metadata.xml").mutable()).isTrue();
    assertThat(accepted("/maven/org/apache/maven/plugins/maven-metadata.xml.sha1"))
        .isEqualTo(
            new MavenFile(
                "org/apache/maven/plugins/maven-metadata.xml.sha1", MavenKind.METADATA_CHECKSUM));
    assertThat(accepted("/npm/left-pad")).isEqualTo(new NpmPackument("left-pad", false));
    assertThat(
            ((Accepted)
                    CachePaths.parse(
                        "GET", "/npm/@babel%2Fcore", "application/vnd.npm.install-v1+json"))
                .request())
        .isEqualTo(new NpmPackument("@babel/core", true));
    assertThat(accepted("/npm/@babel/core/-/core-7.24.0.tgz"))
        .isEqualTo(new NpmTarball("@babel/core", "7.24.0"));
    assertThat(accepted("/npm/@babel/core/-/core-7.24.0.tgz").storeKey())
        .isEqualTo("npm/@babel/core/-/core-7.24.0.tgz");
    assertThat(accepted("/pypi/simple/Django_REST.framework/"))
        .isEqualTo(new PypiProject("django-rest-framework"));
    assertThat(accepted("/pypi/simple/requests")).isEqualTo(new PypiProject("requests"));
    assertThat(accepted("/pypi/files/requests/requests-2.31.0-py3-none-any.whl"))
        .isEqualTo(new PypiFile("requests", "requests-2.31.0-py3-none-any.whl"));
    assertThat(CachePaths.parse("HEAD", "/npm/left-pad", null)).isInstanceOf(Accepted.class);
  }

  @Test
  void refuses_tricks_before_any_upstream_is_named() {
    for (String path :
        List.of(
            "/maven/../etc/passwd",
            "/maven/org/./x/1/x-1.jar",
            "/maven/org/%2e%2e/x/1/x-1.jar",
            "/maven/org%2fx/y/1/y-1.jar",
            "/maven/org/x/1/%252e%252e",
            "/maven//org/x/1/x-1.jar",
            "/maven/org/x/1/x-1.jar;jsessionid=1",
            "/maven/org\\x/y/1/y-1.jar",
            "/maven/org/x/1.0/other-1.0.jar",
            "/maven/org/x/1.0-SNAPSHOT/x-1.0-SNAPSHOT.jar",
            "/maven/x-1.jar",
            "/maven/a@evil/x/1/x-1.jar",
            "/maven/evil:80/x/1/x-1.jar",
            "/npm/@evil.example/x/-/y-1.0.0.tgz",
            "/npm/@scope%2f..%2f..",
            "/npm/@scope%2fname/-/name-1.0.0.tgz",
            "/npm/left-pad/-/other-1.0.0.tgz",
            "/npm/left-pad/-/left-pad-1.0.tgz",
            "/npm/left-pad/extra",
            "/npm/.hidden",
            "/npm/left-pad%2f..",
            "/pypi/simple/",
            "/pypi/simple/../x/",
            "/pypi/files/Not-Normal/x-1.0.tar.gz",
            "/pypi/files/x/../../etc/passwd",
            "/pypi/other/x",
            "//evil/x",
            "/x",
            "http://evil/maven/x",
            "*")) {
      assertThat(CachePaths.parse("GET", path, null)).as(path).isInstanceOf(Refused.class);
    }
    for (String method : List.of("POST", "PUT", "DELETE", "CONNECT", "PATCH", "OPTIONS")) {
      assertThat(CachePaths.parse(method, "/npm/left-pad", null))
          .isEqualTo(new Refused(405, "only GET and HEAD are served", Optional.of(Ecosystem.NPM)));
    }
  }

  @Test
  void upstream_urls_keep_the_configured_host() {
    URI registry = URI.create("https://registry.example/npm");
    assertThat(UpstreamUrls.npm(registry, new NpmPackument("@a/b", true)))
        .isEqualTo(URI.create("https://registry.example/npm/@a%2fb"));
    assertThat(UpstreamUrls.npm(registry, new NpmTarball("@a/b", "1.0.0")))
        .isEqualTo(URI.create("https://registry.example/npm/@a/b/-/b-1.0.0.tgz"));
    assertThat(
            UpstreamUrls.sameOrigin(URI.create("https://x.example:443/a"), "https://x.example:443"))
        .isTrue();
    assertThat(
            UpstreamUrls.sameOrigin(URI.create("https://u@x.example/a"), "https://x.example:443"))
        .isFalse();
    assertThat(UpstreamUrls.sameOrigin(URI.create("http://x.example/a"), "https://x.example:443"))
        .isFalse();
  }

  @Test
  void digests_as_ecosystems_publish_them() {
    assertThat(
            Digest.npm("sha1-abc sha512-" + "A".repeat(86) + "==", null).orElseThrow().algorithm())
        .isEqualTo("SHA-512");
    assertThat(Digest.npm(null, "a".repeat(40)).orElseThrow().algorithm()).isEqualTo("SHA-1");
    assertThat(Digest.npm("md5-xyz", null)).isEmpty();
    assertThat(Digest.mavenSidecar("SHA-1", "  " + "b".repeat(40) + "  lib-1.0.jar\n")).isPresent();
    assertThat(Digest.mavenSidecar("SHA-1", "<html>not found</html>")).isEmpty();
  }

  @Test
  void pypi_pages_are_rebuilt_with_links_into_the_cache() {
    String sha = "c".repeat(64);
    String html =
        "<html><body>"
            + "<a href=\"https://files.example/p/demo-1.0.tar.gz#sha256="
            + sha
            + "\" data-requires-python=\"&gt;=3.8\" data-core-metadata=\"sha256="
            + sha
            + "\">demo-1.0.tar.gz</a>"
            + "<a href=\"../../p/demo-0.9.tar.gz#sha256="
            + sha
            + "\" data-yanked>demo-0.9.tar.gz</a>"
            + "<a href=\"https://evil.example/demo-0.8.tar.gz#sha256="
            + sha
            + "\">x</a>"
            + "<a href=\"https://files.example/p/demo-0.7.tar.gz#md5=abc\">no sha256</a>"
            + "<a href=\"javascript:alert(1)#sha256="
            + sha
            + "\">js</a>"
            + "</body></html>";
    List<PypiIndex.Link> links =
        PypiIndex.parse(
            html,
            URI.create("https://index.example/simple/demo/"),
            u ->
                UpstreamUrls.sameOrigin(u, "https://files.example:443")
                    || UpstreamUrls.sameOrigin(u, "https://index.example:443"));
    assertThat(links)
        .extracting(PypiIndex.Link::file)
        .containsExactly("demo-1.0.tar.gz", "demo-0.9.tar.gz");
    assertThat(links.get(1).url()).isEqualTo(URI.create("https://index.example/p/demo-0.9.tar.gz"));
    assertThat(links.get(1).yanked()).hasValue("");
    String page = PypiIndex.html("demo", links);
    assertThat(page)
        .contains("<a href=\"/pypi/files/demo/demo-1.0.tar.gz#sha256=" + sha + "\"")
        .contains("data-requires-python=\"&gt;=3.8\"")
        .contains("data-core-metadata=\"sha256=" + sha + "\"")
        .doesNotContain("files.example")
        .doesNotContain("evil");
    assertThat(PypiIndex.json("demo", links))
        .contains("\"url\":\"/pypi/files/demo/demo-0.9.tar.gz\"");
    assertThat(
            PypiIndex.wantsJson(
                "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1,"
                    + " text/html; q=0.01"))
        .isTrue();
    assertThat(PypiIndex.wantsJson("text/html")).isFalse();
    assertThat(PypiIndex.wantsJson(null)).isFalse();
  }

  @Test
  void eviction_is_lru_and_keeps_the_trusted_floor_from_untrusted_misses() {
    List<Eviction.Entry> entries =
        List.of(
            new Eviction.Entry("t1", 100, 1, true, false),
            new Eviction.Entry("t2", 100, 2, true, false),
            new Eviction.Entry("u1", 100, 3, false, false),
            new Eviction.Entry("u2", 100, 4, false, false));
    assertThat(Eviction.choose(entries, 100, false, 500, 200)).hasValue(List.of());
    assertThat(Eviction.choose(entries, 100, false, 400, 200)).hasValue(List.of("u1"));
    assertThat(Eviction.choose(entries, 100, true, 400, 200)).hasValue(List.of("t1"));
    assertThat(Eviction.choose(entries, 300, false, 400, 200)).isEmpty();
    assertThat(Eviction.choose(entries, 200, false, 400, 100)).hasValue(List.of("t1", "u1"));
    assertThat(Eviction.choose(entries, 500, true, 400, 0)).isEmpty();
  }
}
