package org.seakeeper.core.secret;

import java.util.Collection;
import org.seakeeper.core.store.LogStore;

/**
 * A log writer that masks the granted secrets in every line before it reaches the log store (the
 * last defence; see {@link SecretMasker}). Thread-safe as the writer it wraps.
 */
public final class MaskingLogWriter implements LogStore.Writer {
  private final LogStore.Writer inner;
  private final SecretMasker masker;

  private MaskingLogWriter(LogStore.Writer inner, SecretMasker masker) {
    this.inner = inner;
    this.masker = masker;
  }

  /** {@code inner} itself when there is nothing to mask. */
  public static LogStore.Writer of(LogStore.Writer inner, Collection<SecretValue> secrets) {
    SecretMasker m = SecretMasker.of(secrets);
    return m.isEmpty() ? inner : new MaskingLogWriter(inner, m);
  }

  @Override
  public void line(String line) {
    inner.line(masker.mask(line));
  }

  @Override
  public String seal() {
    return inner.seal();
  }
}
