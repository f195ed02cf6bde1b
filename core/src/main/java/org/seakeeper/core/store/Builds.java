package org.seakeeper.core.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.gate.ChangeRef;

/** Buildsets and builds. Only the scheduler writes through this interface. */
public interface Builds {
  /** Stores a new buildset and returns it with its id. */
  Buildset insert(Buildset buildset);

  /** Stores a new build and returns it with its id (ids grow with insertion order). */
  Build insert(Build build);

  /** Replaces the stored build of the same id. */
  void update(Build build);

  void update(Buildset buildset);

  Optional<Build> build(long id);

  Optional<Buildset> buildset(long id);

  /** The builds of a buildset, oldest first. */
  List<Build> ofBuildset(long buildsetId);

  /** Builds in any of these statuses, oldest first. */
  List<Build> withStatus(Set<BuildStatus> statuses);

  /** Buildsets not yet finished, oldest first. */
  List<Buildset> unfinished();

  /**
   * The owner recorded on the newest buildset of this change that has one (a change's owner does
   * not change), for a buildset whose trigger names none (a gate run, a recheck); empty when none
   * was ever recorded.
   */
  Optional<String> changeOwner(String connection, String project, String change);

  /**
   * Keeps the changes of other repositories that a buildset's builds check out beside the
   * workspace, in this order, replacing any kept before (an empty list forgets them).
   *
   * @throws IllegalArgumentException if there is no such buildset
   */
  void saveDependencies(long buildsetId, List<ChangeRef> dependencies);

  /** The dependencies kept for a buildset, in the order saved; empty when none. */
  List<ChangeRef> dependencies(long buildsetId);

  /**
   * Keeps the {@code .seakeeper.yaml} bytes a buildset was planned from, so that its queued builds
   * can start after a restart without reading the repository again; replaces any kept before. Equal
   * contents are stored once, however many buildsets share them.
   *
   * @throws IllegalArgumentException if there is no such buildset
   */
  void saveConfigSource(long buildsetId, byte[] content);

  /** The config bytes kept for a buildset (a copy), or empty when none were saved. */
  Optional<byte[]> configSource(long buildsetId);

  /**
   * Keeps what a build was given when it started (its secrets' names, network, image, limits and
   * resolved config), replacing any kept before; the scheduler calls it in the transaction that
   * moves the build to {@code running}.
   *
   * @throws IllegalArgumentException if there is no such build
   */
  void saveRun(long buildId, org.seakeeper.core.build.BuildRun run);

  /** What the build was given when it started, or empty when it never started. */
  Optional<org.seakeeper.core.build.BuildRun> run(long buildId);
}
