package org.seakeeper.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.seakeeper.core.model.Glob;

/** Copies the files matching a job's artifact globs out of its workspace. Stateless. */
final class Artifacts {
  private Artifacts() {}

  /** Returns the collected paths, relative to the workspace; symlinks are never followed. */
  static List<String> collect(Path workspace, List<String> globs, Path into) throws IOException {
    List<Glob> gs = globs.stream().map(Glob::of).toList();
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(workspace)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        String rel = workspace.relativize(p).toString();
        if (gs.stream().anyMatch(g -> g.matches(rel))) {
          Path target = into.resolve(rel);
          Files.createDirectories(target.getParent());
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
          out.add(rel);
        }
      }
    }
    return out;
  }
}
