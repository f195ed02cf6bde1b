package org.seakeeper.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Verifies a provenance envelope for an artifact (docs/contracts.md §10), as {@code seakeeper
 * verify} and promotion do: the signature (DSSE, Ed25519, by one of the given keys), the statement
 * and predicate types, the builder id, the artifact's digest among the subjects, and optionally the
 * source and commit. The first check that fails is the answer, one line naming it. Stateless.
 */
public final class ProvenanceCheck {
  /**
   * What to expect.
   *
   * @param builderIds the builder ids accepted; empty: any {@code .../builders/trusted} or {@code
   *     .../builders/privileged}
   * @param source {@code CONNECTION/PROJECT} (or just {@code PROJECT}) the artifact must come from
   * @param commit the commit it must be built from (a full id, or a prefix of at least 7)
   */
  public record Expect(List<String> builderIds, Optional<String> source, Optional<String> commit) {
    public Expect {
      builderIds = List.copyOf(builderIds);
    }

    public static final Expect ANY = new Expect(List.of(), Optional.empty(), Optional.empty());
  }

  /** The verdict: what was verified, or the one line saying why not. */
  public record Verdict(boolean ok, String message, Optional<JsonNode> statement) {
    static Verdict no(String why) {
      return new Verdict(false, why, Optional.empty());
    }
  }

  private ProvenanceCheck() {}

  /** Checks {@code envelopes} (one or more; any may match) for the artifact {@code sha256}. */
  public static Verdict verify(
      List<String> envelopes, String sha256, List<PublicKey> keys, Expect expect) {
    if (envelopes.isEmpty()) {
      return Verdict.no("the provenance file holds no envelope");
    }
    Verdict first = null;
    for (String e : envelopes) {
      Verdict v = verify(e, sha256, keys, expect);
      if (v.ok()) {
        return v;
      }
      first = first == null ? v : first;
    }
    return first;
  }

  /** Checks one envelope (JSON) for the artifact {@code sha256}. */
  public static Verdict verify(
      String envelope, String sha256, List<PublicKey> keys, Expect expect) {
    JsonNode env;
    try {
      env = Dsse.read(envelope);
    } catch (IllegalArgumentException e) {
      return Verdict.no("the provenance is not a DSSE envelope: " + e.getMessage());
    }
    String type = env.path("payloadType").asText();
    if (!Dsse.IN_TOTO.equals(type)) {
      return Verdict.no("the envelope's payloadType is '" + type + "', not '" + Dsse.IN_TOTO + "'");
    }
    byte[] payload;
    try {
      payload = Base64.getDecoder().decode(env.path("payload").asText());
    } catch (IllegalArgumentException e) {
      return Verdict.no("the envelope's payload is not base64: the envelope was changed");
    }
    byte[] pae = Dsse.pae(type, payload);
    List<String> keyIds = new ArrayList<>();
    boolean signed = false;
    boolean knownKey = false;
    for (JsonNode s : env.path("signatures")) {
      String keyid = s.path("keyid").asText("");
      keyIds.add(keyid.isEmpty() ? "(no keyid)" : keyid);
      byte[] sig;
      try {
        sig = Base64.getDecoder().decode(s.path("sig").asText(""));
      } catch (IllegalArgumentException e) {
        continue;
      }
      for (PublicKey k : keys) {
        boolean sameId = keyid.isEmpty() || keyid.equals(Pem.keyId(k));
        if (!sameId) {
          continue;
        }
        knownKey = true;
        if (Dsse.verifyRaw(k, pae, sig)) {
          signed = true;
        }
      }
    }
    if (keyIds.isEmpty()) {
      return Verdict.no("the envelope has no signature");
    }
    if (!signed && !knownKey) {
      return Verdict.no(
          "the envelope is signed by key "
              + String.join(", ", keyIds)
              + ", which is not among the trusted keys (wrong key; see GET"
              + " /api/v1/provenance/keys)");
    }
    if (!signed) {
      return Verdict.no(
          "the signature does not verify: the envelope was changed after it was signed, or"
              + " signed by another key");
    }
    JsonNode st;
    try {
      st = Dsse.JSON.readTree(new String(payload, StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      return Verdict.no("the signed payload is not JSON");
    }
    if (!Provenance.STATEMENT_TYPE.equals(st.path("_type").asText())) {
      return Verdict.no("the payload is not an in-toto Statement v1");
    }
    if (!Provenance.PREDICATE_TYPE.equals(st.path("predicateType").asText())) {
      return Verdict.no(
          "the statement's predicate is '"
              + st.path("predicateType").asText()
              + "', not SLSA Provenance v1");
    }
    String builder = st.path("predicate").path("runDetails").path("builder").path("id").asText();
    if (expect.builderIds().isEmpty()) {
      if (!(builder.endsWith("/builders/trusted") || builder.endsWith("/builders/privileged"))) {
        return Verdict.no(
            "builder id '"
                + builder
                + "' is not a Seakeeper trusted or privileged builder (untrusted or unknown"
                + " builder)");
      }
    } else if (!expect.builderIds().contains(builder)) {
      return Verdict.no(
          "builder id '"
              + builder
              + "' is not the expected "
              + String.join(" or ", expect.builderIds()));
    }
    boolean subject = false;
    for (JsonNode s : st.path("subject")) {
      if (sha256.equals(s.path("digest").path("sha256").asText())) {
        subject = true;
      }
    }
    if (!subject) {
      return Verdict.no(
          "the artifact's SHA-256 "
              + sha256
              + " matches no subject of the provenance (the file was changed, or the provenance is"
              + " for another file)");
    }
    JsonNode ext = st.path("predicate").path("buildDefinition").path("externalParameters");
    String source =
        Provenance.source(ext.path("connection").asText(), ext.path("project").asText());
    if (expect.source().isPresent()
        && !expect.source().get().equals(source)
        && !expect.source().get().equals(ext.path("project").asText())) {
      return Verdict.no(
          "the provenance is for source " + source + ", not " + expect.source().get());
    }
    String commit = ext.path("commit").asText();
    if (expect.commit().isPresent()) {
      String want = expect.commit().get().toLowerCase(java.util.Locale.ROOT);
      if (want.length() < 7 || !commit.startsWith(want)) {
        return Verdict.no(
            "the provenance is for commit " + commit + ", not " + expect.commit().get());
      }
    }
    return new Verdict(
        true,
        "verified: sha256:"
            + sha256
            + " built by "
            + builder
            + " from "
            + source
            + " at "
            + commit
            + " ("
            + ext.path("pipeline").asText()
            + "/"
            + ext.path("job").asText()
            + ")",
        Optional.of(st));
  }

  /** The envelopes of a provenance file: one per line (.intoto.jsonl), or one JSON document. */
  public static List<String> envelopes(String text) {
    List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    boolean jsonl =
        !lines.isEmpty()
            && lines.stream()
                .allMatch(
                    l -> {
                      try {
                        return Dsse.JSON.readTree(l).isObject();
                      } catch (java.io.IOException e) {
                        return false;
                      }
                    });
    if (jsonl) {
      return lines;
    }
    String t = text.strip();
    return t.isEmpty() ? List.of() : List.of(t);
  }
}
