package org.seakeeper.artifact;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.seakeeper.core.artifact.ArtifactIndex;
import org.seakeeper.core.artifact.ArtifactKeeper;
import org.seakeeper.core.artifact.ArtifactRecord;
import org.seakeeper.core.artifact.BuildInputs;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.Tier;

/**
 * The server's {@link ArtifactKeeper} (docs/contracts.md §10): takes the files the executor
 * collected for a build ({@code STAGING/b<id>/PATH}), keeps each in the {@link ArtifactBlobs} by
 * digest, writes and signs the provenance of each artifact of a trusted or privileged build, and
 * records them all in the {@link ArtifactIndex} at once. Any failure (a path that leaves the
 * staging directory or is not a regular file, no room left, an I/O error) keeps nothing: the blobs
 * it made are deleted, no record is written, and the build fails with one line saying why. The
 * staging directory is removed either way. Thread-safe.
 */
public final class ServerArtifactKeeper implements ArtifactKeeper {
  private final Path staging;
  private final ArtifactBlobs blobs;
  private final ArtifactIndex index;
  private final SigningKey signer;
  private final URI publicUrl;
  private final Clock clock;
  private final Consumer<String> warnings;
  private final java.util.concurrent.locks.ReadWriteLock contents;

  public ServerArtifactKeeper(
      Path staging,
      ArtifactBlobs blobs,
      ArtifactIndex index,
      SigningKey signer,
      URI publicUrl,
      Clock clock,
      Consumer<String> warnings) {
    this(
        staging,
        blobs,
        index,
        signer,
        publicUrl,
        clock,
        warnings,
        new java.util.concurrent.locks.ReentrantReadWriteLock());
  }

  /**
   * @param contents held for reading from a content's write to its record, so that {@link
   *     Retention} (which deletes under the write side) never removes a content a keep counts on
   */
  public ServerArtifactKeeper(
      Path staging,
      ArtifactBlobs blobs,
      ArtifactIndex index,
      SigningKey signer,
      URI publicUrl,
      Clock clock,
      Consumer<String> warnings,
      java.util.concurrent.locks.ReadWriteLock contents) {
    this.contents = contents;
    this.staging = staging.toAbsolutePath().normalize();
    this.blobs = blobs;
    this.index = index;
    this.signer = signer;
    this.publicUrl = publicUrl;
    this.clock = clock;
    this.warnings = warnings;
  }

  /** Where the executor leaves a build's collected files (its request id is {@code b<id>}). */
  public static String stagingName(long buildId) {
    return "b" + buildId;
  }

  @Override
  public Executor.Result keep(Build build, BuildInputs inputs, Executor.Result result) {
    if (!(result.outcome() instanceof JobOutcome.Succeeded) || result.artifacts().isEmpty()) {
      return result;
    }
    Path dir = staging.resolve(stagingName(build.id()));
    List<String> created = new ArrayList<>();
    contents.readLock().lock();
    try {
      Instant finished = clock.instant();
      List<ArtifactRecord> records = new ArrayList<>();
      for (String path : result.artifacts()) {
        Path file = inside(dir, path);
        ArtifactBlobs.Stored s = blobs.put(file);
        if (s.created()) {
          created.add(s.sha256());
        }
        Optional<String> provenance =
            build.tier() == Tier.UNTRUSTED
                ? Optional.empty()
                : Optional.of(
                    Dsse.sign(
                        signer,
                        Dsse.IN_TOTO,
                        Provenance.statement(
                            publicUrl, build, inputs, path, s.sha256(), finished)));
        records.add(
            new ArtifactRecord(
                s.sha256(),
                s.size(),
                MediaTypes.of(path),
                build.id(),
                build.connection(),
                build.project(),
                build.commit(),
                build.ref(),
                build.pipeline().id(),
                build.job().orElse(""),
                build.tier(),
                path,
                finished,
                provenance));
      }
      index.add(records);
      return result;
    } catch (IOException | RuntimeException e) {
      for (String sha : created) {
        try {
          blobs.delete(sha);
        } catch (IOException ex) {
          warnings.accept("artifacts: cannot remove " + sha + " after a failed keep: " + ex);
        }
      }
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      JobOutcome o =
          e instanceof ArtifactBlobs.NoRoom || e instanceof Refused
              ? new JobOutcome.LimitExceeded("artifacts: nothing kept: " + why)
              : new JobOutcome.InfraError("artifacts: nothing kept: " + why);
      return new Executor.Result(o, result.elapsed(), List.of());
    } finally {
      contents.readLock().unlock();
      deleteTree(dir);
    }
  }

  /** A path the executor reported, refused unless it names a regular file inside {@code dir}. */
  static Path inside(Path dir, String path) throws Refused {
    Path rel = Path.of(path);
    if (path.isEmpty()
        || rel.isAbsolute()
        || !rel.normalize().equals(rel)
        || rel.startsWith("..")
        || path.contains("\0")) {
      throw new Refused("artifact path '" + path + "' escapes the workspace");
    }
    Path file = dir.resolve(rel);
    try {
      Path real = file.toRealPath(LinkOption.NOFOLLOW_LINKS);
      Path realDir = dir.toRealPath();
      if (!real.startsWith(realDir)
          || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          || !file.toRealPath().equals(realDir.resolve(rel))) {
        throw new Refused(
            "artifact path '" + path + "' escapes the workspace or is not a regular file");
      }
    } catch (IOException e) {
      throw new Refused("artifact '" + path + "' cannot be read: " + e.getMessage());
    }
    return file;
  }

  /** An artifact refused for what the job made: a limit, not an infrastructure error. */
  static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private void deleteTree(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
              Files.delete(f);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      warnings.accept("artifacts: cannot remove " + dir + ": " + e);
    }
  }
}
