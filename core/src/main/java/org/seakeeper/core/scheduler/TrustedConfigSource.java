package org.seakeeper.core.scheduler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.seakeeper.core.config.ConfigResult;
import org.seakeeper.core.config.ConfigSecretDecl;
import org.seakeeper.core.config.Pos;
import org.seakeeper.core.config.Problem;
import org.seakeeper.core.config.Problems;
import org.seakeeper.core.config.RepoConfigParser;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.config.TrustedSections;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.secret.ConfigSecretOpener;
import org.seakeeper.core.secret.ConfigSecrets;
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.core.secret.SecretStore;

/**
 * Where the effective trusted config comes from (docs/contracts.md §2): the server file's trusted
 * sections, plus, when {@code config_repo} is declared, the sections of that repo's file at the tip
 * of its branch, used only as merged.
 *
 * <ul>
 *   <li>The repo's file is read at start and again whenever its branch moves (a ref update event),
 *       never from a proposed change. A tip whose file has errors (or conflicts with the server
 *       file) is rejected: the last good trusted config stays in force and the problems are
 *       reported ({@code FILE:LINE:COL: error: MESSAGE}) to the listener and {@link #state()}.
 *   <li>Anything of the config repo other than {@code post}/{@code periodic} on that branch (a
 *       proposed change, its gate run, another branch, a tag) is {@linkplain #validateOnly
 *       validated only}: both files are checked and the result recorded, and no job of it runs.
 *   <li>The file's {@code secrets:} are decrypted (through the {@link ConfigSecretOpener}) only to
 *       decide whether a file is usable; only those of the file put in force reach {@link
 *       TrustedConfig#secrets()}, and so jobs. A proposed change's secrets are at most checked.
 * </ul>
 *
 * Confined to the scheduler thread, except {@link #current()} and {@link #state()}, which any
 * thread may call (the state is one immutable value, published through a volatile field).
 */
public final class TrustedConfigSource {
  /**
   * Hears what happens to the config repo: the server logs it and remembers the last good commit.
   */
  public interface Listener {
    Listener NONE =
        new Listener() {
          @Override
          public void loaded(String commit, List<String> warnings) {}

          @Override
          public void rejected(String commit, List<String> problems) {}
        };

    /** The file at {@code commit} is now in force. */
    void loaded(String commit, List<String> warnings);

    /** The file at {@code commit} has errors and is not used. */
    void rejected(String commit, List<String> problems);
  }

  /**
   * What is in force now and what was last refused.
   *
   * @param commit the config repo commit whose file is in force; empty when only the server file is
   * @param rejected the newest commit whose file was refused since the last good one
   * @param problems the problems of that refused file (or warnings of the one in force)
   */
  public record State(
      TrustedConfig config,
      Optional<String> commit,
      Optional<String> rejected,
      List<String> problems) {
    public State {
      problems = List.copyOf(problems);
    }
  }

  record Attempt(Optional<TrustedSections> merged, ConfigSecrets secrets, List<Problem> problems) {}

  private final TrustedSections server;
  private final Optional<ServerConfig.ConfigRepo> repo;
  private final RepoAccess repos;
  private final Optional<String> remembered;
  private final Listener listener;
  private final ConfigSecretOpener opener;
  private volatile State state;

  /**
   * @param server the server file's trusted sections
   * @param remembered the last commit whose file was in force before a restart, tried when the tip
   *     is broken
   */
  public TrustedConfigSource(
      TrustedSections server,
      Optional<ServerConfig.ConfigRepo> repo,
      RepoAccess repos,
      Optional<String> remembered,
      Listener listener) {
    this(server, repo, repos, remembered, listener, ConfigSecretOpener.NONE);
  }

  /**
   * @param opener decrypts the {@code secrets:} of the config repo's file; a secret that does not
   *     decrypt (for its own binding) is an error of that file, like any other. The secrets of the
   *     file in force go to {@link TrustedConfig#secrets()}; those of any other commit (a proposed
   *     change, a broken tip) are at most checked and then dropped.
   */
  public TrustedConfigSource(
      TrustedSections server,
      Optional<ServerConfig.ConfigRepo> repo,
      RepoAccess repos,
      Optional<String> remembered,
      Listener listener,
      ConfigSecretOpener opener) {
    this.opener = opener;
    this.server = server;
    this.repo = repo;
    this.repos = repos;
    this.remembered = remembered;
    this.listener = listener;
    this.state = new State(TrustedConfig.of(server), Optional.empty(), Optional.empty(), List.of());
  }

  /** A source without a config repo: always {@code config}. */
  public static TrustedConfigSource fixed(TrustedConfig config) {
    TrustedConfigSource s =
        new TrustedConfigSource(
            TrustedSections.EMPTY, Optional.empty(), null, Optional.empty(), Listener.NONE);
    s.state = new State(config, Optional.empty(), Optional.empty(), List.of());
    return s;
  }

  public TrustedConfig current() {
    return state.config();
  }

  public State state() {
    return state;
  }

  public Optional<ServerConfig.ConfigRepo> repo() {
    return repo;
  }

  /**
   * Reads the branch tip once: the scheduler at start, the CLI's {@code --config}. An outage keeps
   * the server file's trusted config (the next move of the branch, or a restart, reads it again).
   */
  public void load() {
    repo.ifPresent(
        r -> {
          try {
            apply(read(r));
          } catch (org.seakeeper.core.effect.Outage e) {
            apply(
                new Reload(
                    Optional.of(
                        r.path() + ":1:1: error: cannot read the config repo: " + e.getMessage()),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty()));
          }
        });
  }

  /**
   * What re-reading the config repo's branch tip found: read away from the scheduler's thread
   * ({@link #prepare}), put in force on it ({@link #apply}).
   *
   * @param unreadable why the tip could not be resolved, when it could not
   * @param tip the new tip; empty when there is nothing new
   */
  record Reload(
      Optional<String> unreadable,
      Optional<String> tip,
      Optional<Attempt> attempt,
      Optional<Attempt> remembered) {
    static final Reload NOTHING =
        new Reload(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * For a ref update of the config repo's branch: the tip read again (network reads, any thread; an
   * {@link org.seakeeper.core.effect.Outage} propagates). Empty for any other event.
   */
  Optional<Reload> prepare(TriggerEvent e) {
    if (e instanceof TriggerEvent.RefUpdated u
        && isRepo(new RepoRef(u.connection(), u.project()))
        && u.ref().equals(repo.get().ref())) {
      return Optional.of(read(repo.get()));
    }
    return Optional.empty();
  }

  /** Whether this is the config repo. */
  boolean isRepo(RepoRef repoRef) {
    return repo.isPresent()
        && repo.get().connection().equals(repoRef.connection())
        && repo.get().project().equals(repoRef.project());
  }

  /**
   * Whether a pipeline run of this repo and ref may only validate: true for the config repo unless
   * it is {@code post} or {@code periodic} of its branch (merged code).
   */
  boolean validateOnly(RepoRef repoRef, PipelineName pipeline, String ref) {
    return isRepo(repoRef)
        && !((pipeline == PipelineName.POST || pipeline == PipelineName.PERIODIC)
            && ref.equals(repo.get().ref()));
  }

  /**
   * The validation of a config repo commit as it would be if merged: its trusted file merged with
   * the server file, and its own {@code .seakeeper.yaml} against the result. Runs nothing.
   */
  ConfigOutcome.Checked validate(RepoRef repoRef, String commit) {
    Attempt a = attempt(repoRef, commit);
    List<String> lines = new ArrayList<>(format(a.problems(), repo.orElseThrow().path()));
    TrustedContext ctx = a.merged().map(TrustedSections::context).orElse(current().context());
    boolean ok = a.merged().isPresent();
    try {
      Optional<byte[]> own = repos.readFile(repoRef, commit, RepoConfigParser.FILE_NAME);
      if (own.isPresent()) {
        ConfigResult r = RepoConfigParser.parse(own.get(), ctx);
        lines.addAll(format(r.problems(), RepoConfigParser.FILE_NAME));
        ok &= r.config().isPresent();
      }
    } catch (RepoAccess.RepoAccessException e) {
      lines.add(RepoConfigParser.FILE_NAME + ":1:1: error: cannot read it: " + e.getMessage());
      ok = false;
    }
    String head =
        ok
            ? "validated, not run: "
                + repo.get().path()
                + " and "
                + RepoConfigParser.FILE_NAME
                + " have no errors; jobs of the trusted config repo run only after the change"
                + " merges (post)"
            : "the trusted config repo change has problems; nothing of it runs (jobs of the trusted"
                + " config repo run only after a change merges)";
    lines.addFirst(head);
    return new ConfigOutcome.Checked(ok, String.join("\n", lines));
  }

  /**
   * For {@code post}/{@code periodic} of the config branch: empty when the commit's trusted file is
   * usable, else the {@code config_error} that replaces its jobs.
   */
  Optional<ConfigOutcome.Checked> brokenAt(RepoRef repoRef, String commit) {
    Attempt a = attempt(repoRef, commit);
    if (a.merged().isPresent()) {
      return Optional.empty();
    }
    List<String> lines = new ArrayList<>(format(a.problems(), repo.orElseThrow().path()));
    lines.addFirst(
        "the trusted config at this commit has errors: the last good trusted config stays in force"
            + state.commit().map(c -> " (" + c + ")").orElse(" (the server file's)")
            + " and no job of this commit runs");
    return Optional.of(new ConfigOutcome.Checked(false, String.join("\n", lines)));
  }

  /** For {@code GET /status}. */
  public Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    State s = state;
    repo.ifPresent(
        r -> {
          m.put("connection", r.connection());
          m.put("project", r.project());
          m.put("branch", r.branch());
          m.put("path", r.path());
        });
    m.put("commit", s.commit().orElse(null));
    m.put("rejected_commit", s.rejected().orElse(null));
    m.put("problems", s.problems());
    return m;
  }

  private Reload read(ServerConfig.ConfigRepo r) {
    Optional<String> tip;
    try {
      tip = repos.resolve(new RepoRef(r.connection(), r.project()), r.ref());
    } catch (RepoAccess.RepoAccessException e) {
      return new Reload(
          Optional.of(r.path() + ":1:1: error: cannot read the config repo: " + e.getMessage()),
          Optional.empty(),
          Optional.empty(),
          Optional.empty());
    }
    State now = state;
    if (tip.isEmpty() || tip.equals(now.commit()) || tip.equals(now.rejected())) {
      return Reload.NOTHING; // no branch yet (only the server file applies), or nothing new
    }
    Attempt a = attempt(new RepoRef(r.connection(), r.project()), tip.get());
    Optional<Attempt> last = Optional.empty();
    if (a.merged().isEmpty()
        && now.commit().isEmpty()
        && remembered.isPresent()
        && !remembered.equals(tip)) {
      last = Optional.of(attempt(new RepoRef(r.connection(), r.project()), remembered.get()));
    }
    return new Reload(Optional.empty(), tip, Optional.of(a), last);
  }

  /**
   * Puts a reload in force (the scheduler's thread); true when the trusted config in force changed.
   */
  boolean apply(Reload reload) {
    ServerConfig.ConfigRepo r = repo.orElseThrow();
    if (reload.unreadable().isPresent()) {
      String line = reload.unreadable().get();
      state = new State(state.config(), state.commit(), state.rejected(), List.of(line));
      listener.rejected("(unreadable)", List.of(line));
      return false;
    }
    if (reload.tip().isEmpty()
        || reload.tip().equals(state.commit())
        || reload.tip().equals(state.rejected())) {
      return false;
    }
    String tip = reload.tip().get();
    Attempt a = reload.attempt().orElseThrow();
    if (a.merged().isPresent()) {
      use(tip, a);
      return true;
    }
    List<String> problems = format(a.problems(), r.path());
    listener.rejected(tip, problems);
    boolean changed = false;
    if (state.commit().isEmpty()
        && reload.remembered().isPresent()
        && reload.remembered().get().merged().isPresent()) {
      use(remembered.orElseThrow(), reload.remembered().get());
      changed = true;
    }
    state = new State(state.config(), state.commit(), Optional.of(tip), problems);
    return changed;
  }

  private void use(String commit, Attempt a) {
    List<String> warnings = format(a.problems(), repo.orElseThrow().path());
    state =
        new State(
            TrustedConfig.of(a.merged().orElseThrow(), a.secrets()),
            Optional.of(commit),
            Optional.empty(),
            warnings);
    listener.loaded(commit, warnings);
  }

  private Attempt attempt(RepoRef repoRef, String commit) {
    String path = repo.orElseThrow().path();
    Optional<byte[]> bytes;
    try {
      bytes = repos.readFile(repoRef, commit, path);
    } catch (RepoAccess.RepoAccessException e) {
      return new Attempt(
          Optional.empty(),
          ConfigSecrets.EMPTY,
          List.of(Problem.error(Pos.START, "cannot read it: " + e.getMessage())));
    }
    if (bytes.isEmpty()) {
      return new Attempt(
          Optional.of(server),
          ConfigSecrets.EMPTY,
          List.of(
              Problem.warning(
                  Pos.START,
                  "there is no "
                      + path
                      + " at this commit: only the server config's trusted sections apply")));
    }
    ServerConfigParser.SectionsResult parsed = ServerConfigParser.parseSections(bytes.get());
    Problems p = new Problems();
    parsed.problems().forEach(p::add);
    // Merged even when the file has errors, to report every problem at once; then not used.
    Optional<TrustedSections> merged = TrustedSections.merge(server, parsed.read(), p);
    ConfigSecrets secrets = decrypt(parsed.read().secrets(), p);
    return p.hasErrors()
        ? new Attempt(Optional.empty(), ConfigSecrets.EMPTY, p.sorted())
        : new Attempt(merged, secrets, p.sorted());
  }

  /**
   * The file's secrets, each opened for exactly its own binding; one that does not open is an error
   * at its value. The message says why, never a value.
   */
  private ConfigSecrets decrypt(List<ConfigSecretDecl> decls, Problems p) {
    if (!opener.decrypts()) {
      return ConfigSecrets.EMPTY;
    }
    List<SecretStore.Secret> out = new ArrayList<>();
    for (ConfigSecretDecl d : decls) {
      SecretBinding b = d.binding();
      String what =
          "secret '"
              + b.name()
              + "' of project "
              + b.project()
              + " (connection "
              + b.connection()
              + ", pipelines "
              + String.join(", ", b.pipelineIds())
              + ") cannot be decrypted: ";
      try {
        out.add(new SecretStore.Secret(b, opener.open(b, d.sealed())));
      } catch (SecretStore.UnreadableSecretException e) {
        p.error(d.valuePos(), what + e.getMessage());
      } catch (RuntimeException e) {
        p.error(d.valuePos(), what + e.getClass().getSimpleName());
      }
    }
    return new ConfigSecrets(out);
  }

  private static List<String> format(List<Problem> problems, String path) {
    return problems.stream().map(p -> p.format(path)).toList();
  }
}
