package org.seakeeper.core.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The fixed set of pipelines (docs/contracts.md §1) and the tier each runs in by default. */
public enum PipelineName {
  CHECK(Tier.UNTRUSTED),
  GATE(Tier.TRUSTED),
  POST(Tier.TRUSTED),
  PERIODIC(Tier.TRUSTED),
  RELEASE(Tier.PRIVILEGED);

  private final Tier tier;

  PipelineName(Tier tier) {
    this.tier = tier;
  }

  public Tier defaultTier() {
    return tier;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<PipelineName> parse(String s) {
    return Arrays.stream(values()).filter(p -> p.id().equals(s)).findFirst();
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(PipelineName::id).toList();
  }
}
