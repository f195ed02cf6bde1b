package org.seakeeper.server;

import java.util.List;
import java.util.stream.Collectors;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.build.Verdict;
import org.seakeeper.core.report.Reporter;
import org.seakeeper.core.store.OutboxEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reports results of local connections, which have no review system, to the server log. */
public final class LogReporter implements Reporter {
  private static final Logger LOG = LoggerFactory.getLogger(LogReporter.class);

  @Override
  public boolean report(OutboxEntry entry, Buildset s, List<Build> builds) {
    boolean passed = Verdict.of(builds) == Verdict.PASSED;
    LOG.info(
        "{} {} {} {} at {}: {} [{}]",
        s.pipeline().id(),
        s.connection(),
        s.project(),
        s.change().map(c -> "change " + c + "/" + s.patchset().orElse("?")).orElse(s.ref()),
        s.commit().substring(0, Math.min(12, s.commit().length())),
        passed ? "passed" : "failed",
        Verdict.latestAttempts(builds).stream()
            .map(b -> b.job().orElse("(config)") + "=" + b.status().id())
            .collect(Collectors.joining(", ")));
    return true;
  }
}
