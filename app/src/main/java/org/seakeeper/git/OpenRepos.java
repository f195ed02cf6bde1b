package org.seakeeper.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;

/**
 * Repositories kept open between calls (opening one reads its config and scans its refs and packs:
 * ~1 ms per call under load), for the hot paths that read many commits of the same repositories:
 * speculative merges and config reads. A kept repository still sees every later push, fetch and
 * repack (JGit re-reads changed ref files and rescans the pack directory when an object is
 * missing). At most {@value #MAX_OPEN} are kept, least recently used dropped; one whose git
 * directory disappeared is opened afresh. Thread-safe.
 */
final class OpenRepos {
  static final int MAX_OPEN = 64;

  private static final Map<Path, Repository> OPEN =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Repository> eldest) {
          if (size() > MAX_OPEN) {
            eldest.getValue().close(); // the cache's use; callers still holding it keep it open
            return true;
          }
          return false;
        }
      };

  private OpenRepos() {}

  /**
   * The repository at {@code path} (as {@link GitDirs#open}), open for the caller: close it when
   * done, as with a freshly opened one.
   */
  static Repository open(Path path) throws IOException {
    synchronized (OPEN) {
      Repository r = OPEN.get(path);
      if (r != null && !r.getDirectory().isDirectory()) {
        OPEN.remove(path);
        r.close();
        r = null;
      }
      if (r == null) {
        r = GitDirs.open(path);
        OPEN.put(path, r);
      }
      r.incrementOpen();
      return r;
    }
  }
}
