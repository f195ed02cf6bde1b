package org.seakeeper.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.seakeeper.artifact.Pem;
import org.seakeeper.artifact.ProvenanceCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code seakeeper verify FILE --provenance FILE.intoto.jsonl [--key PEM] [--builder-id ID]
 * [--source REPO] [--commit SHA]} (docs/contracts.md §10): exit 0 verified, 1 not (one line saying
 * which check failed), 2 usage error. Without {@code --key}, the keys come from the server's {@code
 * GET /api/v1/provenance/keys}.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Verifies an artifact against its signed provenance: signature, subject digest, builder"
            + " id, source and commit. Exit 0 verified, 1 not (one line why), 2 usage error.")
final class VerifyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ServerOptions server;

  @Parameters(paramLabel = "FILE", description = "The artifact.")
  Path file;

  @Option(
      names = "--provenance",
      required = true,
      paramLabel = "FILE.intoto.jsonl",
      description = "The DSSE envelope(s): GET /api/v1/artifacts/SHA256/provenance.")
  Path provenance;

  @Option(
      names = "--key",
      paramLabel = "PEM",
      description =
          "The public key(s) to trust (PEM; default: the server's, GET /api/v1/provenance/keys).")
  Path key;

  @Option(
      names = "--builder-id",
      paramLabel = "ID",
      description =
          "The builder id required (default: any PUBLIC_URL/builders/trusted or .../privileged).")
  List<String> builderIds = List.of();

  @Option(names = "--source", paramLabel = "REPO", description = "CONNECTION/PROJECT or PROJECT.")
  String source;

  @Option(names = "--commit", paramLabel = "SHA", description = "The commit (at least 7 digits).")
  String commit;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isRegularFile(file)) {
      err.println("seakeeper: verify: " + file + " is not a file");
      return Main.USAGE;
    }
    if (!Files.isRegularFile(provenance)) {
      err.println("seakeeper: verify: " + provenance + " is not a file");
      return Main.USAGE;
    }
    List<PublicKey> keys;
    try {
      keys = Pem.publicKeys(keyText());
    } catch (IllegalArgumentException e) {
      err.println("seakeeper: verify: the keys are not Ed25519 public keys in PEM form");
      return Main.USAGE;
    } catch (IOException e) {
      err.println("seakeeper: verify: " + e.getMessage() + " (pass --key PEM)");
      return Main.USAGE;
    }
    if (keys.isEmpty()) {
      err.println("seakeeper: verify: no PUBLIC KEY in the keys given");
      return Main.USAGE;
    }
    ProvenanceCheck.Verdict v =
        ProvenanceCheck.verify(
            ProvenanceCheck.envelopes(Files.readString(provenance, StandardCharsets.UTF_8)),
            sha256(file),
            keys,
            new ProvenanceCheck.Expect(
                builderIds, Optional.ofNullable(source), Optional.ofNullable(commit)));
    if (v.ok()) {
      out.println(file + ": " + v.message());
      return 0;
    }
    err.println(file + ": not verified: " + v.message());
    return 1;
  }

  private String keyText() throws IOException, InterruptedException {
    if (key != null) {
      return Files.readString(key, StandardCharsets.US_ASCII);
    }
    ServerOptions.Reply r = server.call("GET", "api/v1/provenance/keys", (String) null, false);
    if (r.status() != 200) {
      throw new IOException("the server answered " + r.status() + " for its provenance keys");
    }
    return r.body();
  }

  /** The SHA-256 of a file, read in a stream. */
  static String sha256(Path f) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(f)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
