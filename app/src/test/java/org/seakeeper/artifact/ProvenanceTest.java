package org.seakeeper.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.artifact.ArtifactRecord;
import org.seakeeper.core.artifact.BuildInputs;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;
import org.seakeeper.testkit.InMemoryArtifactIndex;

/**
 * The artifact keeper, the provenance it signs and the checks of {@code seakeeper verify} and
 * promotion (docs/contracts.md §10): each bad input of issue 14 is refused with its own message and
 * nothing is kept or promoted.
 */
class ProvenanceTest {
  static final URI URL = URI.create("http://ci.example:8080/");
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  static final Instant T0 = Instant.parse("2025-03-04T05:06:07Z");

  @TempDir Path tmp;
  Path staging;
  FileBlobs blobs;
  InMemoryArtifactIndex index;
  SigningKey key;
  ServerArtifactKeeper keeper;
  List<String> warnings = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    staging = Files.createDirectories(tmp.resolve("data/artifacts"));
    blobs = new FileBlobs(staging.resolve("blobs"), 0);
    index = new InMemoryArtifactIndex();
    key = SigningKey.loadOrCreate(tmp.resolve("keys/provenance.key"));
    keeper = keeper(blobs);
  }

  ServerArtifactKeeper keeper(ArtifactBlobs b) {
    return new ServerArtifactKeeper(
        staging,
        b,
        index,
        key,
        URL,
        Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC),
        warnings::add);
  }

  static Build build(long id, Tier tier, PipelineName pipeline) {
    return new Build(
        id,
        1,
        "local",
        "demo",
        Optional.empty(),
        Optional.empty(),
        "refs/heads/main",
        COMMIT,
        pipeline,
        Optional.of("package"),
        1,
        BuildStatus.RUNNING,
        tier,
        List.of(),
        T0,
        Optional.of(T0),
        Optional.empty(),
        "",
        Optional.empty());
  }

  static final BuildInputs INPUTS =
      new BuildInputs(
          "host",
          List.of(
              new ChangeRef(
                  "local", "lib", "main", "42", "1", "fedcba9876543210fedcba9876543210fedcba98")));

  /** Leaves {@code files} (path, content) where the executor would have collected them. */
  Executor.Result collected(long id, String... files) throws Exception {
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < files.length; i += 2) {
      Path f = staging.resolve("b" + id).resolve(files[i]);
      Files.createDirectories(f.getParent());
      Files.writeString(f, files[i + 1]);
      paths.add(files[i]);
    }
    return new Executor.Result(new JobOutcome.Succeeded(), Duration.ofSeconds(3), paths);
  }

  static String sha256(String s) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  ArtifactRecord keepTrusted() throws Exception {
    Executor.Result r = collected(7, "out/demo.deb", "debian package");
    assertThat(keeper.keep(build(7, Tier.TRUSTED, PipelineName.POST), INPUTS, r)).isEqualTo(r);
    return index.ofBuild(7).getFirst();
  }

  ProvenanceCheck.Verdict check(String envelope, String sha, List<PublicKey> keys) {
    return ProvenanceCheck.verify(
        envelope,
        sha,
        keys,
        new ProvenanceCheck.Expect(List.of(), Optional.of("local/demo"), Optional.of(COMMIT)));
  }

  @Test
  void a_trusted_builds_artifact_is_kept_by_digest_with_signed_slsa_provenance() throws Exception {
    ArtifactRecord a = keepTrusted();
    assertThat(a.sha256()).isEqualTo(sha256("debian package"));
    assertThat(a.mediaType()).isEqualTo("application/vnd.debian.binary-package");
    assertThat(a.size()).isEqualTo(14);
    assertThat(a.path()).isEqualTo("out/demo.deb");
    try (InputStream in = blobs.open(a.sha256(), 7)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("package");
    }
    assertThat(staging.resolve("b7")).as("the staging directory is removed").doesNotExist();
    ProvenanceCheck.Verdict v =
        check(a.provenance().orElseThrow(), a.sha256(), List.of(key.publicKey()));
    assertThat(v.ok()).as(v.message()).isTrue();
    var st = v.statement().orElseThrow();
    assertThat(st.path("predicate").path("runDetails").path("builder").path("id").asText())
        .isEqualTo("http://ci.example:8080/builders/trusted");
    var ext = st.path("predicate").path("buildDefinition").path("externalParameters");
    assertThat(ext.path("pipeline").asText()).isEqualTo("post");
    assertThat(ext.path("job").asText()).isEqualTo("package");
    assertThat(ext.path("ref").asText()).isEqualTo("refs/heads/main");
    var deps = st.path("predicate").path("buildDefinition").path("resolvedDependencies");
    assertThat(deps.get(0).path("digest").path("gitCommit").asText()).isEqualTo(COMMIT);
    assertThat(deps.get(1).path("name").asText()).isEqualTo("depends-on");
    assertThat(deps.get(2).path("uri").asText()).isEqualTo("seakeeper-image:host");
    var meta = st.path("predicate").path("runDetails").path("metadata");
    assertThat(meta.path("invocationId").asText())
        .isEqualTo("http://ci.example:8080/api/v1/builds/7");
    assertThat(meta.path("startedOn").asText()).isEqualTo(T0.toString());
    assertThat(meta.path("finishedOn").asText()).isEqualTo(T0.plusSeconds(60).toString());
    assertThat(Dsse.read(a.provenance().get()).path("payloadType").asText())
        .isEqualTo("application/vnd.in-toto+json");
  }

  @Test
  void an_untrusted_builds_artifact_is_kept_without_provenance_and_never_promoted()
      throws Exception {
    Executor.Result r = collected(8, "x.bin", "untrusted bytes");
    keeper.keep(build(8, Tier.UNTRUSTED, PipelineName.CHECK), INPUTS, r);
    ArtifactRecord a = index.ofBuild(8).getFirst();
    assertThat(a.provenance()).isEmpty();
    ArtifactDesk.Outcome o = desk().promote(a.sha256(), "candidate", "admin");
    assertThat(o.status()).isEqualTo(422);
    assertThat(o.message()).contains("built only by untrusted builds");
    assertThat(index.current("candidate")).isEmpty();
  }

  @Test
  void a_tampered_artifact_matches_no_subject() throws Exception {
    ArtifactRecord a = keepTrusted();
    assertThat(
            check(a.provenance().orElseThrow(), sha256("debian packagE"), List.of(key.publicKey()))
                .message())
        .contains("matches no subject");
  }

  @Test
  void a_tampered_envelope_does_not_verify() throws Exception {
    ArtifactRecord a = keepTrusted();
    ObjectNode env = (ObjectNode) Dsse.read(a.provenance().orElseThrow());
    String payload =
        new String(Base64.getDecoder().decode(env.path("payload").asText()), StandardCharsets.UTF_8)
            .replace(COMMIT, "f".repeat(40));
    env.put(
        "payload", Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8)));
    assertThat(check(env.toString(), a.sha256(), List.of(key.publicKey())).message())
        .startsWith("the signature does not verify");
    assertThat(check("{\"not\": \"an envelope\"}", a.sha256(), List.of(key.publicKey())).message())
        .startsWith("the provenance is not a DSSE envelope");
  }

  @Test
  void a_wrong_key_is_named() throws Exception {
    ArtifactRecord a = keepTrusted();
    SigningKey other = SigningKey.loadOrCreate(tmp.resolve("other/key"));
    assertThat(
            check(a.provenance().orElseThrow(), a.sha256(), List.of(other.publicKey())).message())
        .contains("which is not among the trusted keys (wrong key");
  }

  /** A statement like the server's, with one field changed, signed by the server's key. */
  String signedWith(String field, String value) throws Exception {
    String st =
        new String(
            Provenance.statement(
                URL, build(9, Tier.TRUSTED, PipelineName.POST), INPUTS, "a", sha256("a"), T0),
            StandardCharsets.UTF_8);
    ObjectNode n = (ObjectNode) Dsse.JSON.readTree(st);
    switch (field) {
      case "builder" ->
          ((ObjectNode) n.path("predicate").path("runDetails").path("builder")).put("id", value);
      default ->
          ((ObjectNode) n.path("predicate").path("buildDefinition").path("externalParameters"))
              .put(field, value);
    }
    return Dsse.sign(key, Dsse.IN_TOTO, n.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void an_untrusted_or_unknown_builder_id_is_refused() throws Exception {
    List<PublicKey> keys = List.of(key.publicKey());
    assertThat(
            check(
                    signedWith("builder", "http://ci.example:8080/builders/untrusted"),
                    sha256("a"),
                    keys)
                .message())
        .contains("is not a Seakeeper trusted or privileged builder");
    assertThat(
            ProvenanceCheck.verify(
                    signedWith("builder", "https://elsewhere/builders/trusted"),
                    sha256("a"),
                    keys,
                    new ProvenanceCheck.Expect(
                        List.of("http://ci.example:8080/builders/trusted"),
                        Optional.empty(),
                        Optional.empty()))
                .message())
        .contains("is not the expected http://ci.example:8080/builders/trusted");
  }

  @Test
  void a_provenance_for_another_commit_or_repo_is_refused() throws Exception {
    List<PublicKey> keys = List.of(key.publicKey());
    assertThat(check(signedWith("commit", "f".repeat(40)), sha256("a"), keys).message())
        .isEqualTo("the provenance is for commit " + "f".repeat(40) + ", not " + COMMIT);
    assertThat(check(signedWith("project", "other"), sha256("a"), keys).message())
        .isEqualTo("the provenance is for source local/other, not local/demo");
    assertThat(check(signedWith("job", "x"), sha256("a"), keys).ok()).isTrue();
  }

  @Test
  void old_signatures_verify_after_a_key_rotation() throws Exception {
    ArtifactRecord a = keepTrusted();
    Files.writeString(tmp.resolve("old.pub"), Pem.publicPem(key.publicKey(), ""));
    ServerConfig cfg =
        ServerConfigParser.parse(
                ("data_dir: "
                        + tmp.resolve("data")
                        + "\nprovenance: {key_file: "
                        + tmp.resolve("keys/new.key")
                        + ", retired_keys: ["
                        + tmp.resolve("old.pub")
                        + "]}\n")
                    .getBytes(StandardCharsets.UTF_8))
            .config()
            .orElseThrow();
    ProvenanceKeys rotated = ProvenanceKeys.of(cfg);
    assertThat(rotated.signer().keyId()).isNotEqualTo(key.keyId());
    assertThat(rotated.pem()).contains(key.keyId()).contains(rotated.signer().keyId());
    assertThat(Pem.publicKeys(rotated.pem()).stream().map(Pem::keyId).toList())
        .containsExactly(rotated.signer().keyId(), key.keyId());
    assertThat(check(a.provenance().orElseThrow(), a.sha256(), Pem.publicKeys(rotated.pem())).ok())
        .isTrue();
  }

  @Test
  void the_signing_key_must_be_outside_data_dir_and_private() throws Exception {
    ServerConfig inside =
        ServerConfigParser.parse(
                ("data_dir: "
                        + tmp.resolve("data")
                        + "\nprovenance: {key_file: "
                        + tmp.resolve("data/provenance.key")
                        + "}\n")
                    .getBytes(StandardCharsets.UTF_8))
            .config()
            .orElseThrow();
    assertThatThrownBy(() -> ProvenanceKeys.of(inside)).hasMessageContaining("is inside data_dir");
    Files.setPosixFilePermissions(key.file(), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> SigningKey.loadOrCreate(key.file()))
        .hasMessageContaining("is readable by others");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(
                    SigningKey.loadOrCreate(tmp.resolve("fresh/k")).file())))
        .isEqualTo("rw-------");
  }

  @Test
  void a_path_escaping_the_workspace_keeps_nothing() throws Exception {
    Executor.Result r = collected(10, "ok.txt", "fine");
    Executor.Result escaping =
        new Executor.Result(r.outcome(), r.elapsed(), List.of("ok.txt", "../../../etc/passwd"));
    Executor.Result out = keeper.keep(build(10, Tier.TRUSTED, PipelineName.POST), INPUTS, escaping);
    assertThat(out.outcome()).isInstanceOf(JobOutcome.LimitExceeded.class);
    assertThat(((JobOutcome.LimitExceeded) out.outcome()).limit())
        .isEqualTo(
            "artifacts: nothing kept: artifact path '../../../etc/passwd' escapes the workspace");
    assertThat(index.ofBuild(10)).isEmpty();
    assertThat(blobs.size(sha256("fine"))).as("the blob made before is removed").isEmpty();

    Executor.Result s = collected(11, "real.txt", "x");
    Files.createSymbolicLink(staging.resolve("b11/link.txt"), Path.of("/etc/passwd"));
    Executor.Result linked = new Executor.Result(s.outcome(), s.elapsed(), List.of("link.txt"));
    out = keeper.keep(build(11, Tier.TRUSTED, PipelineName.POST), INPUTS, linked);
    assertThat(((JobOutcome.LimitExceeded) out.outcome()).limit())
        .contains("'link.txt' escapes the workspace or is not a regular file");
    assertThat(index.ofBuild(11)).isEmpty();
  }

  @Test
  void a_job_filling_the_disk_keeps_nothing_and_promotes_nothing() throws Exception {
    ServerArtifactKeeper full = keeper(new FileBlobs(staging.resolve("blobs"), Long.MAX_VALUE / 4));
    Executor.Result r = collected(12, "big.bin", "pretend this is large");
    Executor.Result out = full.keep(build(12, Tier.TRUSTED, PipelineName.POST), INPUTS, r);
    assertThat(((JobOutcome.LimitExceeded) out.outcome()).limit())
        .startsWith("artifacts: nothing kept: keeping 21 bytes would leave less than the");
    assertThat(out.artifacts()).isEmpty();
    assertThat(index.ofBuild(12)).isEmpty();
    assertThat(staging.resolve("b12")).doesNotExist();
    assertThat(desk().promote(sha256("pretend this is large"), "candidate", "admin").status())
        .isEqualTo(404);
  }

  ArtifactDesk desk() throws Exception {
    return new ArtifactDesk(
        index,
        blobs,
        new ProvenanceKeys(key, List.of()),
        URL,
        List.of(
            new ServerConfig.Channel("candidate", Optional.empty()),
            new ServerConfig.Channel("production", Optional.of("candidate"))),
        Clock.fixed(T0, ZoneOffset.UTC));
  }

  @Test
  void promotion_checks_digest_channel_and_order_records_who_and_rolls_back() throws Exception {
    ArtifactRecord a = keepTrusted();
    ArtifactDesk d = desk();
    assertThat(d.promote(a.sha256(), "staging", "admin").message())
        .startsWith("There is no channel 'staging'");
    assertThat(d.promote("e".repeat(64), "candidate", "admin").error())
        .isEqualTo("unknown_artifact");
    ArtifactDesk.Outcome early = d.promote(a.sha256(), "production", "admin");
    assertThat(early.status()).isEqualTo(409);
    assertThat(early.message()).contains("takes artifacts from 'candidate'");
    assertThat(d.promote(a.sha256(), "candidate", "admin").status()).isEqualTo(201);
    ArtifactDesk.Outcome prod = d.promote(a.sha256(), "production", "admin");
    assertThat(prod.ok()).isTrue();
    assertThat(prod.promotion().orElseThrow().from()).contains("candidate");
    assertThat(prod.promotion().orElseThrow().who()).isEqualTo("admin");

    Executor.Result r = collected(13, "out/demo.deb", "debian package v2");
    keeper.keep(build(13, Tier.TRUSTED, PipelineName.POST), INPUTS, r);
    String v2 = index.ofBuild(13).getFirst().sha256();
    d.promote(v2, "candidate", "admin");
    d.promote(v2, "production", "admin");
    assertThat(index.current("production").orElseThrow().sha256()).isEqualTo(v2);
    ArtifactDesk.Outcome back = d.promote(a.sha256(), "production", "admin");
    assertThat(back.promotion().orElseThrow().replaced()).contains(v2);
    assertThat(index.current("production").orElseThrow().sha256()).isEqualTo(a.sha256());
  }

  @Test
  void a_provenance_changed_in_the_store_is_not_promoted() throws Exception {
    Executor.Result r = collected(14, "a.txt", "a");
    // What a database edit could do: a record that claims trust with another key's envelope.
    SigningKey other = SigningKey.loadOrCreate(tmp.resolve("other/key"));
    new ServerArtifactKeeper(staging, blobs, index, other, URL, Clock.systemUTC(), warnings::add)
        .keep(build(14, Tier.TRUSTED, PipelineName.POST), INPUTS, r);
    ArtifactDesk.Outcome o = desk().promote(sha256("a"), "candidate", "admin");
    assertThat(o.status()).isEqualTo(422);
    assertThat(o.message()).startsWith("Not promoted: the envelope is signed by key");
    assertThat(index.current("candidate")).isEmpty();
  }
}
