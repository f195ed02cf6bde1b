package org.seakeeper.artifact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.secrets.SecretKeys;

/**
 * The provenance signer's keys (docs/contracts.md §10): the current signing key, from {@code
 * provenance.key_file} (default {@code provenance.key} beside the secrets key file, so outside
 * {@code data_dir} like it), and the public keys of retired signing keys ({@code
 * provenance.retired_keys}, PEM files), published beside the current one so that what they signed
 * still verifies after a rotation. Immutable.
 */
public final class ProvenanceKeys {
  private final SigningKey current;
  private final List<PublicKey> retired;

  public ProvenanceKeys(SigningKey current, List<PublicKey> retired) {
    this.current = current;
    this.retired = List.copyOf(retired);
  }

  /** The key file of {@code cfg}, resolved against {@code env} like the secrets key file. */
  public static Path keyFile(ServerConfig cfg, Map<String, String> env) {
    if (cfg.provenance().keyFile().isPresent()) {
      return Path.of(cfg.provenance().keyFile().get()).toAbsolutePath().normalize();
    }
    return SecretKeys.keyFile(cfg, env).resolveSibling("provenance.key");
  }

  /** The keys of {@code cfg}, after checking the key file is outside {@code data_dir}. */
  public static ProvenanceKeys of(ServerConfig cfg) throws IOException {
    Path key = keyFile(cfg, System.getenv());
    Path data = Path.of(cfg.dataDir()).toAbsolutePath().normalize();
    if (SecretKeys.inside(key, data)) {
      throw new IOException(
          "the provenance signing key "
              + key
              + " is inside data_dir "
              + data
              + "; put it elsewhere (provenance: {key_file: PATH}), so no copy of the data"
              + " directory can sign");
    }
    List<PublicKey> retired = new ArrayList<>();
    for (String f : cfg.provenance().retiredKeys()) {
      try {
        List<PublicKey> keys =
            Pem.publicKeys(Files.readString(Path.of(f), StandardCharsets.US_ASCII));
        if (keys.isEmpty()) {
          throw new IOException("it holds no PUBLIC KEY block");
        }
        retired.addAll(keys);
      } catch (IOException | IllegalArgumentException e) {
        throw new IOException(
            "cannot read the retired provenance key " + f + ": " + e.getMessage(), e);
      }
    }
    return new ProvenanceKeys(SigningKey.loadOrCreate(key), retired);
  }

  public SigningKey signer() {
    return current;
  }

  /** Every key a provenance of this server may be signed with: the current one first. */
  public List<PublicKey> all() {
    List<PublicKey> out = new ArrayList<>();
    out.add(current.publicKey());
    out.addAll(retired);
    return out;
  }

  /** The public keys as served by {@code GET /api/v1/provenance/keys}. */
  public String pem() {
    StringBuilder sb = new StringBuilder(Pem.publicPem(current.publicKey(), " (current)"));
    for (PublicKey k : retired) {
      sb.append(Pem.publicPem(k, " (retired)"));
    }
    return sb.toString();
  }
}
