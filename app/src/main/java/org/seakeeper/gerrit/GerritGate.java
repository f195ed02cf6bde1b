package org.seakeeper.gerrit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seakeeper.core.effect.Outage;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.GatePorts;
import org.seakeeper.core.gate.Merger;
import org.seakeeper.core.gate.ReviewSystem;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.git.JGitMerger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gating through Gerrit: speculative merges in the connection's local mirrors (fetched first, so
 * the branch tip and every change are there) and submits over REST as the CI account.
 *
 * <p>Failures: a fetch that cannot reach Gerrit throws {@link Outage} out of {@link
 * Merger#speculate} (never a {@link Merger.Conflict}: only a content conflict is one). A submit
 * returns {@code SubmitResult(false, Gerrit's message)} only for Gerrit's explicit refusal, a 4xx
 * other than 408 and 429 (409 "change cannot be merged", 403, 404, ...); when a 409 comes for a
 * change that is merged at the same patch set (an earlier attempt's answer was lost), it is
 * reported as merged. Everything else (refused, reset, timed out, 5xx, 408, 429) throws {@link
 * Outage}: the change keeps its place and the submit is tried again. Thread-safe.
 */
public final class GerritGate {
  private static final Logger log = LoggerFactory.getLogger(GerritGate.class);

  private GerritGate() {}

  public static GatePorts ports(GerritRepoAccess access, Map<String, GerritEndpoint> endpoints) {
    JGitMerger mirrors =
        new JGitMerger(access::mirrorPath); // one for all calls: it remembers merges
    Merger merger =
        new Merger() {
          @Override
          public Result speculate(RepoRef repo, String branch, List<ChangeRef> changes) {
            access.resolve(repo, "refs/heads/" + branch); // fetches the mirror
            for (ChangeRef c : changes) {
              access.checkout(c.repo(), c.commit()); // fetches a change when missing
            }
            // A shared queue holds changes of other repositories: only this repository's merge
            // here.
            List<ChangeRef> own = changes.stream().filter(c -> c.repo().equals(repo)).toList();
            return mirrors.speculate(repo, branch, own);
          }

          @Override
          public void prepare(RepoRef repo, String branch, List<ChangeRef> changes) {
            try {
              speculate(repo, branch, changes);
            } catch (RuntimeException e) {
              // Only a hint: the calls that follow report the problem.
              log.info(
                  "connection {}, project {}, branch {}: preparing the speculative merges of {}"
                      + " change(s) failed (the merges themselves will say why): {}",
                  repo.connection(),
                  repo.project(),
                  branch,
                  changes.size(),
                  e.toString());
            }
          }
        };
    Map<String, GerritRest> rest = new LinkedHashMap<>();
    endpoints.forEach((name, e) -> rest.put(name, e.rest()));
    ReviewSystem review = c -> submit(rest.get(c.connection()), c);
    return new GatePorts(merger, review, new GerritChangeResolver(endpoints));
  }

  /** Submits the change; see the class comment for what is a refusal and what an {@link Outage}. */
  static ReviewSystem.SubmitResult submit(GerritRest api, ChangeRef c) {
    if (api == null) {
      return new ReviewSystem.SubmitResult(false, "no gerrit connection named " + c.connection());
    }
    String change = "changes/" + GerritRest.encode(c.project()) + "~" + c.change();
    try {
      api.post(change + "/submit", "{}");
      log.info("{}: submitted", c);
      return new ReviewSystem.SubmitResult(true, "submitted");
    } catch (GerritRest.HttpError refused) {
      if (refused.status() == 409 && mergedAt(api, change, c)) {
        log.info(
            "{}: Gerrit says it is merged already at this patch set (an earlier submit's answer was"
                + " lost)",
            c);
        return new ReviewSystem.SubmitResult(true, "submitted");
      }
      log.warn("{}: Gerrit refused the submit: {}", c, refused.getMessage());
      return new ReviewSystem.SubmitResult(false, refused.getMessage());
    } catch (Outage o) {
      log.warn(
          "{}: the submit did not get an answer from Gerrit, it will be tried again: {}",
          c,
          o.getMessage());
      throw o;
    }
  }

  /** Whether Gerrit has the change merged with {@code c}'s commit as its current revision. */
  private static boolean mergedAt(GerritRest api, String change, ChangeRef c) {
    try {
      JsonNode n = api.get(change + "?o=CURRENT_REVISION");
      return "MERGED".equals(n.path("status").asText())
          && c.commit().equals(n.path("current_revision").asText());
    } catch (IOException e) {
      log.warn("{}: cannot read the change after a refused submit: {}", c, e.getMessage());
      return false;
    }
  }
}
