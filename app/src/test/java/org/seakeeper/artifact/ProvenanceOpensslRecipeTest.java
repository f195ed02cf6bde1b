package org.seakeeper.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.artifact.ArtifactRecord;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;
import org.seakeeper.testkit.InMemoryArtifactIndex;

/**
 * The standard-tools recipe of docs/server.md ({@code examples/verify-provenance-openssl.sh}:
 * openssl {@code pkeyutl -verify -rawin} on the DSSE pre-authentication encoding, jq, sha256sum)
 * accepts what the server signs and refuses, with one line each, what {@code seakeeper verify}
 * refuses. Skipped, saying why, where openssl 3 or jq is missing.
 */
class ProvenanceOpensslRecipeTest {
  static Path script;

  @TempDir Path tmp;

  @BeforeAll
  static void tools() throws Exception {
    for (String tool : List.of("openssl", "jq", "sha256sum", "base64", "awk")) {
      assumeTrue(
          run(Path.of("."), "sh", "-c", "command -v " + tool).code() == 0,
          tool + " is not installed: the openssl recipe is not tested here");
    }
    Result v = run(Path.of("."), "openssl", "version");
    assumeTrue(
        v.out().startsWith("OpenSSL 3"),
        "openssl 3 is needed for pkeyutl -rawin (Ed25519), found: " + v.out().strip());
    script = ExamplesDir.locate().resolve("verify-provenance-openssl.sh");
  }

  record Result(int code, String out, String err) {}

  static Result run(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void openssl_and_jq_verify_the_envelope_and_refuse_each_bad_input() throws Exception {
    Path staging = Files.createDirectories(tmp.resolve("data/artifacts"));
    InMemoryArtifactIndex index = new InMemoryArtifactIndex();
    SigningKey key = SigningKey.loadOrCreate(tmp.resolve("keys/provenance.key"));
    SigningKey retired = SigningKey.loadOrCreate(tmp.resolve("keys/old.key"));
    Path f = staging.resolve("b7/out/app.deb");
    Files.createDirectories(f.getParent());
    Files.writeString(f, "a debian package");
    new ServerArtifactKeeper(
            staging,
            new FileBlobs(staging.resolve("blobs"), 0),
            index,
            key,
            ProvenanceTest.URL,
            Clock.fixed(Instant.parse("2025-03-04T05:06:07Z"), ZoneOffset.UTC),
            w -> {})
        .keep(
            ProvenanceTest.build(7, Tier.TRUSTED, PipelineName.POST),
            ProvenanceTest.INPUTS,
            new Executor.Result(
                new JobOutcome.Succeeded(), Duration.ofSeconds(1), List.of("out/app.deb")));
    ArtifactRecord r = index.ofBuild(7).getFirst();
    Path file = tmp.resolve("app.deb");
    Files.writeString(file, "a debian package");
    Path env = tmp.resolve("app.deb.intoto.jsonl");
    Files.writeString(env, r.provenance().orElseThrow() + "\n");
    Path keys = tmp.resolve("keys.pem");
    // As published: the retired key first here, so the keyid has to pick the right one.
    Files.writeString(
        keys,
        new ProvenanceKeys(retired, List.of(key.publicKey())).pem().replace("(current)", "(x)"));
    String builder = "http://ci.example:8080/builders/trusted";

    Result ok =
        verify(file, env, keys, builder, "local/demo", ProvenanceTest.COMMIT.substring(0, 10));
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out().strip())
        .isEqualTo(
            "verified: sha256:"
                + r.sha256()
                + " built by "
                + builder
                + " from local/demo at "
                + ProvenanceTest.COMMIT);
    assertThat(verify(file, env, keys).code()).isZero();

    no(
        verify(file, env, keys, "http://ci.example:8080/builders/untrusted"),
        file
            + ": not verified: built by "
            + builder
            + ", not http://ci.example:8080/builders/untrusted");
    no(
        verify(file, env, keys, builder, "local/other"),
        file + ": not verified: the provenance is for local/demo, not local/other");
    no(
        verify(file, env, keys, builder, "local/demo", "1234567"),
        file
            + ": not verified: the provenance is for commit "
            + ProvenanceTest.COMMIT
            + ", not 1234567");
    Path other = tmp.resolve("other.deb");
    Files.writeString(other, "another file");
    no(
        verify(other, env, keys),
        other
            + ": not verified: its SHA-256 "
            + ProvenanceTest.sha256("another file")
            + " matches no subject of the provenance");
    // Another key only: the keyid is not among the keys.
    Path onlyRetired = tmp.resolve("retired.pem");
    Files.writeString(onlyRetired, new ProvenanceKeys(retired, List.of()).pem());
    assertThat(verify(file, env, onlyRetired).err())
        .startsWith(file + ": not verified: signed by key " + key.keyId() + ", which is not in");
    // A changed statement, signature kept: openssl refuses it.
    String e = Files.readString(env);
    String payload =
        new String(
            java.util.Base64.getDecoder()
                .decode(
                    com.fasterxml.jackson.databind.json.JsonMapper.builder()
                        .build()
                        .readTree(e)
                        .get("payload")
                        .asText()),
            StandardCharsets.UTF_8);
    String forged =
        e.replace(
            java.util.Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8)),
            java.util.Base64.getEncoder()
                .encodeToString(
                    payload
                        .replace("builders/trusted", "builders/trustee")
                        .getBytes(StandardCharsets.UTF_8)));
    assertThat(forged).isNotEqualTo(e);
    Path forgedEnv = tmp.resolve("forged.jsonl");
    Files.writeString(forgedEnv, forged);
    no(
        verify(file, forgedEnv, keys),
        file + ": not verified: the signature does not verify with key " + key.keyId());
    Path notDsse = tmp.resolve("x.jsonl");
    Files.writeString(notDsse, "{}\n");
    no(verify(file, notDsse, keys), file + ": not verified: not a DSSE envelope");
  }

  private Result verify(Path file, Path env, Path keys, String... more) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("sh", script.toString(), file.toString()));
    cmd.add(env.toString());
    cmd.add(keys.toString());
    cmd.addAll(List.of(more));
    return run(tmp, cmd.toArray(String[]::new));
  }

  private static void no(Result r, String line) {
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo(line);
  }

  /** Where {@code examples/} is, from the module's directory or the repository's. */
  static final class ExamplesDir {
    static Path locate() {
      for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
        if (Files.isRegularFile(p.resolve("examples/verify-provenance-openssl.sh"))) {
          return p.resolve("examples");
        }
      }
      throw new IllegalStateException("examples/ not found");
    }
  }
}
