package org.seakeeper.artifact;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.seakeeper.core.artifact.BuildInputs;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.model.Tier;

/**
 * The in-toto Statement v1 with a SLSA Provenance v1 predicate that the server writes for one
 * artifact of a trusted or privileged build (docs/contracts.md §10; fields in docs/server.md,
 * "Provenance"). Written by the control plane from what it knows of the build, never from anything
 * the job produced except the artifact's bytes (through its digest). Stateless.
 */
public final class Provenance {
  public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
  public static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";
  public static final String BUILD_TYPE = "urn:seakeeper:build-type:job:v1";

  private Provenance() {}

  /** {@code PUBLIC_URL/builders/<tier>}. */
  public static String builderId(URI publicUrl, Tier tier) {
    String base = publicUrl.toString();
    return (base.endsWith("/") ? base : base + "/") + "builders/" + tier.id();
  }

  /** The source as {@code --source} names it: {@code CONNECTION/PROJECT}. */
  public static String source(String connection, String project) {
    return connection + "/" + project;
  }

  /** The statement's JSON bytes. */
  public static byte[] statement(
      URI publicUrl, Build b, BuildInputs inputs, String path, String sha256, Instant finishedAt) {
    ObjectNode st = Dsse.JSON.createObjectNode();
    st.put("_type", STATEMENT_TYPE);
    ObjectNode subject = st.putArray("subject").addObject();
    subject.put("name", path);
    subject.putObject("digest").put("sha256", sha256);
    st.put("predicateType", PREDICATE_TYPE);
    ObjectNode pred = st.putObject("predicate");
    ObjectNode def = pred.putObject("buildDefinition");
    def.put("buildType", BUILD_TYPE);
    ObjectNode ext = def.putObject("externalParameters");
    ext.put("connection", b.connection());
    ext.put("project", b.project());
    ext.put("ref", b.ref());
    ext.put("commit", b.commit());
    ext.put("pipeline", b.pipeline().id());
    ext.put("job", b.job().orElse(""));
    ObjectNode internal = def.putObject("internalParameters");
    internal.put("tier", b.tier().id());
    internal.put("attempt", b.attempt());
    ArrayNode deps = def.putArray("resolvedDependencies");
    ObjectNode src = deps.addObject();
    src.put("name", "source");
    src.put("uri", "git+" + source(b.connection(), b.project()) + "@" + b.ref());
    src.putObject("digest").put("gitCommit", b.commit());
    for (ChangeRef d : inputs.dependencies()) {
      ObjectNode o = deps.addObject();
      o.put("name", "depends-on");
      o.put(
          "uri",
          "git+"
              + source(d.connection(), d.project())
              + "@refs/heads/"
              + d.branch()
              + "#change="
              + d.change()
              + ","
              + d.patchset());
      o.putObject("digest").put("gitCommit", d.commit());
    }
    ObjectNode image = deps.addObject();
    image.put("name", "image");
    image.put("uri", "seakeeper-image:" + inputs.image());
    ObjectNode run = pred.putObject("runDetails");
    run.putObject("builder").put("id", builderId(publicUrl, b.tier()));
    ObjectNode meta = run.putObject("metadata");
    String base = publicUrl.toString().endsWith("/") ? publicUrl.toString() : publicUrl + "/";
    meta.put("invocationId", base + "api/v1/builds/" + b.id());
    b.startedAt().ifPresent(t -> meta.put("startedOn", t.toString()));
    meta.put("finishedOn", finishedAt.toString());
    return st.toString().getBytes(StandardCharsets.UTF_8);
  }
}
