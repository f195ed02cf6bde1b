package org.seakeeper.core.scheduler;

import java.util.LinkedHashMap;
import java.util.Map;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.config.TrustedSections;
import org.seakeeper.core.gate.GateSettings;
import org.seakeeper.core.model.Cron;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.secret.ConfigSecrets;

/**
 * The effective trusted config the scheduler works with at one moment: what repo configs resolve
 * against, which tags start {@code release}, when {@code periodic} runs, the gate rules, and the
 * decrypted secrets of the config repo's merged file. Immutable; a new one replaces it when the
 * trusted config repo's branch moves.
 */
public record TrustedConfig(
    TrustedContext context,
    Glob releaseTags,
    Cron periodic,
    GateSettings gate,
    ConfigSecrets secrets) {
  /** A config without config repo secrets. */
  public TrustedConfig(TrustedContext context, Glob releaseTags, Cron periodic, GateSettings gate) {
    this(context, releaseTags, periodic, gate, ConfigSecrets.EMPTY);
  }

  /**
   * The effective config of merged trusted sections (defaults for what no file sets), without
   * secrets.
   */
  public static TrustedConfig of(TrustedSections s) {
    return of(s, ConfigSecrets.EMPTY);
  }

  /** The effective config of merged trusted sections with their decrypted secrets. */
  public static TrustedConfig of(TrustedSections s, ConfigSecrets secrets) {
    return new TrustedConfig(
        s.context(),
        Glob.of(s.rules().releaseTags()),
        Cron.parse(s.rules().periodicCron()).orElse(Cron.DAILY_0300),
        gateSettings(s.gateRules()),
        secrets);
  }

  /** The trusted gate rules, with shared queues turned into project to queue. */
  public static GateSettings gateSettings(ServerConfig.Gate g) {
    Map<String, String> byProject = new LinkedHashMap<>();
    g.sharedQueues().forEach((queue, projects) -> projects.forEach(p -> byProject.put(p, queue)));
    return new GateSettings(g.approvals(), byProject, g.window());
  }
}
