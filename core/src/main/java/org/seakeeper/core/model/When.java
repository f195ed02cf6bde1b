package org.seakeeper.core.model;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * When a job applies: branch globs and changed-file globs (Zuul's {@code branches}, {@code files}
 * and {@code irrelevant-files}). An empty list means "no restriction". Immutable.
 */
public record When(List<Glob> branches, List<Glob> files, List<Glob> ignoreFiles) {
  public static final When ALWAYS = new When(List.of(), List.of(), List.of());

  public When {
    branches = List.copyOf(branches);
    files = List.copyOf(files);
    ignoreFiles = List.copyOf(ignoreFiles);
  }

  /**
   * Whether a job applies to a build on {@code branch} whose change touched {@code changedFiles}.
   * Unknown branch or unknown files (empty optionals) never exclude a job.
   *
   * @return empty when it applies, else the reason it does not
   */
  public Optional<String> excludes(Optional<String> branch, Optional<Set<String>> changedFiles) {
    if (!branches.isEmpty()
        && branch.isPresent()
        && branches.stream().noneMatch(g -> g.matches(branch.get()))) {
      return Optional.of("branch '" + branch.get() + "' does not match " + branches);
    }
    if (changedFiles.isPresent() && !changedFiles.get().isEmpty()) {
      Set<String> changed = changedFiles.get();
      if (!files.isEmpty()
          && changed.stream().noneMatch(f -> files.stream().anyMatch(g -> g.matches(f)))) {
        return Optional.of("no changed file matches " + files);
      }
      if (!ignoreFiles.isEmpty()
          && changed.stream().allMatch(f -> ignoreFiles.stream().anyMatch(g -> g.matches(f)))) {
        return Optional.of("every changed file matches ignore_files " + ignoreFiles);
      }
    }
    return Optional.empty();
  }
}
