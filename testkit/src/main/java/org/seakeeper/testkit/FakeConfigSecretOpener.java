package org.seakeeper.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.seakeeper.core.secret.ConfigSecretOpener;
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.core.secret.SecretStore;
import org.seakeeper.core.secret.SecretValue;

/**
 * A stand-in for the server's key pair in scenario tests: "sealed" values are the binding and the
 * value in plain bytes, and open fails closed, as the real cipher does, when the binding is not the
 * one it was sealed for. No secrecy (the real cipher is tested in app). Counts opens, so a test can
 * show that a proposed change's secrets are never put in force. Thread-safe.
 */
public final class FakeConfigSecretOpener implements ConfigSecretOpener {
  private static final String MAGIC = "fake-sealed\n";
  private int opened;

  /** The "ciphertext" of {@code value} for exactly {@code binding}. */
  public static byte[] seal(SecretBinding binding, String value) {
    return (MAGIC + slot(binding) + "\n" + value).getBytes(StandardCharsets.UTF_8);
  }

  private static String slot(SecretBinding b) {
    return b.connection()
        + "|"
        + b.project()
        + "|"
        + b.name()
        + "|"
        + String.join(",", b.pipelineIds());
  }

  @Override
  public synchronized SecretValue open(SecretBinding binding, byte[] sealed) {
    opened++;
    String s = new String(sealed, StandardCharsets.UTF_8);
    if (!s.startsWith(MAGIC)) {
      throw new SecretStore.UnreadableSecretException(
          "it is not a value printed by seakeeper secrets encrypt (unknown format)", null);
    }
    String rest = s.substring(MAGIC.length());
    int nl = rest.indexOf('\n');
    if (nl < 0 || !rest.substring(0, nl).equals(slot(binding))) {
      throw new SecretStore.UnreadableSecretException(
          "it was encrypted for another connection, project, name or pipelines, or it was changed;"
              + " encrypt the value again for this entry with seakeeper secrets encrypt",
          null);
    }
    byte[] b = Arrays.copyOfRange(sealed, MAGIC.length() + nl + 1, sealed.length);
    return SecretValue.of(b);
  }

  public synchronized int opened() {
    return opened;
  }
}
