package org.seakeeper.core.scheduler;

import java.util.List;
import org.seakeeper.core.config.Problem;
import org.seakeeper.core.model.RepoConfig;

/** What reading a commit's repo config gave. A closed set. */
sealed interface ConfigOutcome {
  /** The commit has no {@code .seakeeper.yaml}: the project has no CI there. */
  record Missing() implements ConfigOutcome {}

  /** The file has errors: nothing from it runs. */
  record Invalid(List<Problem> problems) implements ConfigOutcome {}

  /** The repository or commit could not be read. */
  record Unreadable(String reason) implements ConfigOutcome {}

  record Valid(RepoConfig config) implements ConfigOutcome {}

  /**
   * Checked, never run: a trusted config repo commit that is not merged (or whose trusted file is
   * broken). One record tells the result: {@code success} or {@code config_error}, with {@code
   * report} (a summary line, then {@code FILE:LINE:COL: error: MESSAGE} lines).
   */
  record Checked(boolean ok, String report) implements ConfigOutcome {}
}
