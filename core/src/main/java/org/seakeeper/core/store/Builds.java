package org.seakeeper.core.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;

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
}
