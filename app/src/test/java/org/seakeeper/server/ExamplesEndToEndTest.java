package org.seakeeper.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.server.ServerFixture.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.config.ServerConfigParser;

/**
 * The artifact examples of {@code examples/} run unchanged on a real server (real bubblewrap, local
 * git): {@code debian-package} makes a {@code .deb} in {@code post} and {@code oci-image} an OCI
 * image archive; both are downloaded, verified with {@code seakeeper verify} (builder id, source,
 * commit), promoted candidate → production; a second version of the package is promoted and the
 * first one rolled back, as the examples' READMEs walk through.
 */
@Tag("slow")
class ExamplesEndToEndTest {
  @TempDir Path tmp;

  static final Path EXAMPLES = locate();

  private static Path locate() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("examples/debian-package"))) {
        return p.resolve("examples");
      }
    }
    throw new IllegalStateException("examples/ not found above " + Path.of("").toAbsolutePath());
  }

  @Test
  void the_debian_package_and_the_oci_image_are_built_verified_promoted_and_rolled_back()
      throws Exception {
    Path hello = bare("hello");
    Path site = bare("site");
    int port = freePort();
    Path etc = Files.createDirectories(tmp.resolve("etc"));
    String yaml =
        "data_dir: "
            + tmp.resolve("data")
            + "\nhttp: {port: "
            + port
            + ", bind: 127.0.0.1, public_url: http://127.0.0.1:"
            + port
            + "/}\nrepos:\n  - {name: hello, path: "
            + hello
            + "}\n  - {name: site, path: "
            + site
            + "}\nsecrets: {key_file: "
            + etc.resolve("secrets.key")
            + "}\nchannels: [candidate, {name: production, from: candidate}]\n";
    var cfg =
        ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8)).config().orElseThrow();
    try (ServerRuntime rt = ServerRuntime.start(cfg, Clock.systemUTC())) {
      String server = "http://127.0.0.1:" + port + "/";
      String token = Files.readString(rt.adminTokenFile()).strip();
      Path helloWork = work("debian-package");
      Path siteWork = work("oci-image");
      String helloV1 = commitAndPush(helloWork, hello, "hello 1.0");
      String siteV1 = commitAndPush(siteWork, site, "site 1.0");
      List<JsonNode> builds =
          awaitBuilds(port, b -> b.size() == 3 && allEnded(b), Duration.ofSeconds(180));
      for (JsonNode b : builds) {
        assertThat(b.get("status").asText())
            .as(b.get("job").asText() + ": " + get(port, "/api/v1/builds/" + id(b) + "/log").body())
            .isEqualTo("success");
        assertThat(b.get("pipeline").asText()).isEqualTo("post");
      }

      // The Debian package: one artifact of job deb, root-owned entries, the program inside.
      JsonNode deb = artifactOf(port, builds, "hello", "deb");
      assertThat(deb.get("path").asText()).isEqualTo("out/hello-seakeeper_1.0_all.deb");
      Path debFile = download(server, deb, "hello.deb");
      verified(server, debFile, "local/hello", helloV1);
      String info = run(tmp, "dpkg-deb", "--field", debFile.toString(), "Package", "Version");
      assertThat(info).contains("Package: hello-seakeeper").contains("Version: 1.0");
      String contents = run(tmp, "dpkg-deb", "--contents", debFile.toString());
      assertThat(contents).contains("root/root").contains("./usr/bin/hello-seakeeper");
      assertThat(contents.lines().filter(l -> !l.contains("root/root"))).isEmpty();

      // The OCI image: a valid layout whose every blob matches its digest.
      JsonNode oci = artifactOf(port, builds, "site", "image");
      assertThat(oci.get("path").asText()).isEqualTo("out/site.oci.tar");
      Path ociFile = download(server, oci, "site.oci.tar");
      verified(server, ociFile, "local/site", siteV1);
      checkOciArchive(ociFile, "1.0", "./srv/www/index.html");

      // Promotion: production only from candidate; both artifacts reach production.
      String sha1 = deb.get("sha256").asText();
      assertThat(promote(port, token, sha1, "production").statusCode()).isEqualTo(409);
      for (String sha : List.of(sha1, oci.get("sha256").asText())) {
        Cli c =
            cli(
                "",
                "artifacts",
                "promote",
                "--server",
                server,
                "--token-file",
                rt.adminTokenFile().toString(),
                sha,
                "--channel",
                "candidate");
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(promote(port, token, sha, "production").statusCode()).isEqualTo(201);
      }

      // Version 1.1, promoted; then the rollback to 1.0.
      Files.writeString(helloWork.resolve("VERSION"), "1.1\n");
      String helloV2 = commitAndPush(helloWork, hello, "hello 1.1");
      List<JsonNode> all =
          awaitBuilds(port, b -> b.size() == 5 && allEnded(b), Duration.ofSeconds(180));
      JsonNode deb2 = artifactOf(port, all.subList(3, 5), "hello", "deb");
      assertThat(deb2.get("path").asText()).isEqualTo("out/hello-seakeeper_1.1_all.deb");
      String sha2 = deb2.get("sha256").asText();
      verified(server, download(server, deb2, "hello-1.1.deb"), "local/hello", helloV2);
      assertThat(promote(port, token, sha2, "candidate").statusCode()).isEqualTo(201);
      JsonNode p2 = JSON.readTree(promote(port, token, sha2, "production").body());
      assertThat(p2.path("promotion").path("replaced").asText())
          .isEqualTo(oci.get("sha256").asText());
      JsonNode back = JSON.readTree(promote(port, token, sha1, "production").body());
      assertThat(back.path("promotion").path("replaced").asText()).isEqualTo(sha2);
      JsonNode production = JSON.readTree(get(port, "/api/v1/channels/production").body());
      assertThat(production.get("promotions").get(0).get("sha256").asText()).isEqualTo(sha1);
      assertThat(production.get("promotions")).hasSize(4);

      // A deploy step's result, over HTTP: who may promote reports it; it shows on the promotion.
      long id = back.path("promotion").path("id").asLong();
      String result = "/api/v1/promotions/" + id + "/result";
      assertThat(post(port, result, null, "{\"outcome\":\"passed\"}").statusCode()).isEqualTo(401);
      assertThat(post(port, result, token, "{\"outcome\":\"meh\"}").statusCode()).isEqualTo(400);
      assertThat(
              post(port, "/api/v1/promotions/999/result", token, "{\"outcome\":\"passed\"}")
                  .statusCode())
          .isEqualTo(404);
      var reported = post(port, result, token, "{\"outcome\":\"passed\",\"detail\":\"smoke ok\"}");
      assertThat(reported.statusCode()).as(reported.body()).isEqualTo(200);
      JsonNode deploy = JSON.readTree(get(port, "/api/v1/promotions/" + id).body()).path("deploy");
      assertThat(deploy.path("state").asText()).isEqualTo("passed");
      assertThat(deploy.path("detail").asText()).isEqualTo("smoke ok");
      assertThat(deploy.path("by").asText()).isEqualTo("admin");
    }
  }

  private Path bare(String name) throws Exception {
    Path bare = tmp.resolve(name + ".git");
    git(tmp, "init", "-q", "--bare", "--initial-branch=main", bare.toString());
    return bare;
  }

  /** A work tree holding a copy of {@code examples/NAME}. */
  private Path work(String name) throws Exception {
    Path src = EXAMPLES.resolve(name);
    Path dst = Files.createDirectories(tmp.resolve("work-" + name));
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : s.toList()) {
        Path t = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    git(dst, "init", "-q", "--initial-branch=main", ".");
    return dst;
  }

  private static String commitAndPush(Path work, Path bare, String message) throws Exception {
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", message);
    git(work, "push", "-q", bare.toString(), "HEAD:refs/heads/main");
    return git(work, "rev-parse", "HEAD");
  }

  private static String id(JsonNode b) {
    return b.get("id").asText();
  }

  private static JsonNode artifactOf(int port, List<JsonNode> builds, String project, String job)
      throws Exception {
    JsonNode b =
        builds.stream()
            .filter(
                x -> x.get("project").asText().equals(project) && x.get("job").asText().equals(job))
            .findFirst()
            .orElseThrow();
    JsonNode arts =
        JSON.readTree(get(port, "/api/v1/builds/" + id(b) + "/artifacts").body()).get("artifacts");
    assertThat(arts).hasSize(1);
    assertThat(arts.get(0).get("provenance_url").isNull()).isFalse();
    assertThat(arts.get(0).get("tier").asText()).isEqualTo("trusted");
    return arts.get(0);
  }

  private Path download(String server, JsonNode artifact, String name) {
    Path file = tmp.resolve(name);
    Cli got =
        cli(
            "",
            "artifacts",
            "get",
            "--server",
            server,
            artifact.get("sha256").asText(),
            "-o",
            file.toString(),
            "--provenance",
            file + ".intoto.jsonl");
    assertThat(got.code()).as(got.err()).isZero();
    return file;
  }

  private static void verified(String server, Path file, String source, String commit) {
    Cli ok =
        cli(
            "",
            "verify",
            "--server",
            server,
            file.toString(),
            "--provenance",
            file + ".intoto.jsonl",
            "--builder-id",
            server + "builders/trusted",
            "--source",
            source,
            "--commit",
            commit);
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).startsWith(file + ": verified: sha256:");
  }

  private static java.net.http.HttpResponse<String> promote(
      int port, String token, String sha, String channel) throws Exception {
    return post(
        port, "/api/v1/artifacts/" + sha + "/promote", token, "{\"channel\":\"" + channel + "\"}");
  }

  /**
   * An OCI archive as the image-spec's layout says: {@code oci-layout}, an index naming one
   * manifest by tag, every blob (manifest, config, layer) named by its SHA-256 with the size its
   * descriptor gives, the config's diff id the digest of the uncompressed layer, which holds {@code
   * file}.
   */
  private void checkOciArchive(Path archive, String tag, String file) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("oci"));
    run(dir, "tar", "-xf", archive.toString());
    assertThat(JSON.readTree(dir.resolve("oci-layout").toFile()).get("imageLayoutVersion").asText())
        .isEqualTo("1.0.0");
    JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
    assertThat(index.get("schemaVersion").asInt()).isEqualTo(2);
    JsonNode m = index.get("manifests").get(0);
    assertThat(m.path("annotations").path("org.opencontainers.image.ref.name").asText())
        .isEqualTo(tag);
    JsonNode manifest = JSON.readTree(blob(dir, m).toFile());
    assertThat(manifest.get("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");
    JsonNode config = JSON.readTree(blob(dir, manifest.get("config")).toFile());
    assertThat(config.get("os").asText()).isEqualTo("linux");
    JsonNode layer = manifest.get("layers").get(0);
    assertThat(layer.get("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
    Path gz = blob(dir, layer);
    Path tar = tmp.resolve("layer.tar");
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      Files.copy(in, tar);
    }
    assertThat("sha256:" + sha256(tar))
        .isEqualTo(config.path("rootfs").path("diff_ids").get(0).asText());
    String listing = run(tmp, "tar", "-tvf", tar.toString());
    assertThat(listing).contains(file);
    assertThat(listing.lines().filter(l -> !l.contains(" 0/0 "))).isEmpty();
    try (Stream<Path> blobs = Files.list(dir.resolve("blobs/sha256"))) {
      assertThat(blobs.count()).isEqualTo(3);
    }
  }

  /** The blob a descriptor names, checked against its digest and size. */
  private static Path blob(Path layout, JsonNode descriptor) throws IOException {
    String digest = descriptor.get("digest").asText();
    assertThat(digest).startsWith("sha256:");
    Path p = layout.resolve("blobs/sha256").resolve(digest.substring(7));
    assertThat(sha256(p)).isEqualTo(digest.substring(7));
    assertThat(Files.size(p)).isEqualTo(descriptor.get("size").asLong());
    return p;
  }

  private static String sha256(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String run(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out;
  }
}
