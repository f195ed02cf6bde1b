package org.seakeeper.gerrit;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.GatePorts;
import org.seakeeper.core.gate.Merger;
import org.seakeeper.core.gate.ReviewSystem;
import org.seakeeper.git.JGitMerger;

/**
 * Gating through Gerrit: speculative merges in the connection's local mirrors (fetched first, so
 * the branch tip and every change are there) and submits over REST as the CI account.
 * Thread-safe.
 */
public final class GerritGate {
  private GerritGate() {}

  public static GatePorts ports(GerritRepoAccess access, Map<String, GerritEndpoint> endpoints) {
    JGitMerger mirrors = new JGitMerger(access::mirrorPath); // one for all calls: it remembers merges
    Merger merger = new Merger() {
      @Override
      public Result speculate(String connection, String project, String branch, List<ChangeRef> changes) {
        access.resolve(connection, project, "refs/heads/" + branch); // fetches the mirror
        for (ChangeRef c : changes) {
          access.checkout(c.connection(), c.project(), c.commit()); // fetches a change when missing
        }
        // A shared queue holds changes of other repositories: only this repository's merge here.
        List<ChangeRef> own = changes.stream().filter(c -> c.connection().equals(connection) && c.project().equals(project)).toList();
        return mirrors.speculate(connection, project, branch, own);
      }

      @Override
      public void prepare(String connection, String project, String branch, List<ChangeRef> changes) {
        try {
          speculate(connection, project, branch, changes);
        } catch (RuntimeException e) {
          // Only a hint: the calls that follow report the problem.
        }
      }
    };
    ReviewSystem review = c -> {
      GerritEndpoint e = endpoints.get(c.connection());
      if (e == null) {
        return new ReviewSystem.SubmitResult(false, "no gerrit connection named " + c.connection());
      }
      try {
        e.rest().post("changes/" + GerritRest.encode(c.project()) + "~" + c.change() + "/submit", "{}");
        return new ReviewSystem.SubmitResult(true, "submitted");
      } catch (IOException ex) {
        return new ReviewSystem.SubmitResult(false, ex.getMessage());
      }
    };
    return new GatePorts(merger, review, new GerritChangeResolver(endpoints));
  }

}
