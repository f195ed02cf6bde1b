package org.seakeeper.server;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.eclipse.jgit.lib.PersonIdent;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.event.EventRecord;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.scheduler.RepoAccess;
import org.seakeeper.core.store.Embargo;
import org.seakeeper.core.store.Store;
import org.seakeeper.git.EmbargoRepos;
import org.seakeeper.web.ApiError;
import org.seakeeper.web.EmbargoDesk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes embargoed changes for the server: applies the patch in a private repository ({@link
 * EmbargoRepos}), then in one transaction adds the {@link TriggerEvent.Embargoed} event (release
 * pipeline, tier privileged) and the embargo mark that hides its builds, and wakes the scheduler.
 * Publishing only sets the mark's time; it never pushes anything anywhere. Thread-safe.
 */
final class EmbargoService implements EmbargoDesk {
  private static final Logger LOG = LoggerFactory.getLogger(EmbargoService.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Store store;
  private final EmbargoRepos repos;
  private final BiFunction<String, String, Optional<Path>> served;
  private final Clock clock;
  private final Runnable wake;

  /**
   * @param served the repository path of a (connection, project) the server serves: a local
   *     repository or a Gerrit mirror; empty when it serves no such project
   */
  EmbargoService(
      Store store,
      EmbargoRepos repos,
      BiFunction<String, String, Optional<Path>> served,
      Clock clock,
      Runnable wake) {
    this.store = store;
    this.repos = repos;
    this.served = served;
    this.clock = clock;
    this.wake = wake;
  }

  @Override
  public Embargo submit(String source, String project, String base, byte[] patch, String by) {
    if (TriggerEvent.EMBARGOED.equals(source)) {
      throw new ApiError(
          422,
          "unknown_project",
          "Embargoed changes are applied onto a served repository; name its connection (e.g."
              + " local), not "
              + source
              + ".");
    }
    Path path;
    try {
      path =
          served
              .apply(source, project)
              .orElseThrow(
                  () ->
                      new ApiError(
                          404,
                          "unknown_project",
                          "Connection " + source + " serves no project " + project + "."));
    } catch (RepoAccess.RepoAccessException e) {
      throw new ApiError(404, "unknown_project", e.getMessage());
    }
    String id = "e" + HexFormat.of().formatHex(bytes(8));
    Instant now = clock.instant();
    EmbargoRepos.Applied applied;
    try {
      applied =
          repos.apply(path, project, base, id, patch, new PersonIdent(by, by + "@seakeeper"), now);
    } catch (EmbargoRepos.Refused r) {
      throw new ApiError(
          r.status(),
          r.status() == 404
              ? "unknown_ref"
              : r.status() == 413 ? "too_large" : "patch_does_not_apply",
          r.getMessage());
    } catch (IOException e) {
      LOG.warn("embargoed change {}: {}", id, e.toString());
      throw new ApiError(
          500,
          "internal_error",
          "The patch could not be applied in the private repository; the server log names the"
              + " problem (embargo "
              + id
              + ").");
    }
    Embargo e =
        store.transaction(
            tx -> {
              TriggerEvent.Embargoed ev =
                  new TriggerEvent.Embargoed(
                      TriggerEvent.EMBARGOED,
                      project,
                      source,
                      applied.baseRef(),
                      applied.commit(),
                      id,
                      by);
              EventRecord rec =
                  tx.inbox()
                      .add(ev, now)
                      .orElseThrow(
                          () -> new IllegalStateException("embargo id " + id + " used twice"));
              Embargo mark =
                  new Embargo(
                      id,
                      rec.id(),
                      source,
                      project,
                      applied.baseRef(),
                      applied.baseCommit(),
                      applied.commit(),
                      by,
                      now,
                      Optional.empty());
              tx.embargoes().add(mark);
              return mark;
            });
    LOG.info("embargoed change {} queued ({} patch(es))", id, applied.patches());
    wake.run();
    return e;
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  @Override
  public List<Embargo> list() {
    return store.transaction(tx -> tx.embargoes().all());
  }

  @Override
  public Optional<Embargo> get(String id) {
    return store.transaction(tx -> tx.embargoes().get(id));
  }

  @Override
  public List<Build> builds(String id) {
    return store.transaction(
        tx -> {
          List<Build> out = new ArrayList<>();
          tx.embargoes().buildsets(id).forEach(s -> out.addAll(tx.builds().ofBuildset(s)));
          return out;
        });
  }

  @Override
  public boolean publish(String id, String by) {
    Instant now = clock.instant();
    boolean done =
        store.transaction(
            tx -> {
              if (tx.embargoes().get(id).isEmpty()) {
                throw new ApiError(404, "not_found", "There is no embargoed change " + id + ".");
              }
              return tx.embargoes().publish(id, now);
            });
    if (done) {
      LOG.info("embargoed change {} published by {}", id, by);
    }
    return done;
  }
}
