package org.seakeeper.core.event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.seakeeper.core.model.PipelineName;

/**
 * Something that happened at a source (a connection) and may start pipelines. A closed set; the
 * scheduler maps each kind to pipelines. Every event has a content key: the same event arriving
 * twice (a replay, a catch-up) has the same key and is processed once.
 */
public sealed interface TriggerEvent {
  /** The connection it came from, e.g. {@code local} or a Gerrit connection's name. */
  String connection();

  String project();

  /** Identifies this event's content within its connection, for de-duplication. */
  String contentKey();

  /**
   * A ref moved: a branch got new commits ({@code post}) or a tag appeared ({@code release}).
   *
   * @param sequence the source's position of this update (a journal offset, a stream timestamp), so
   *     the same move made twice is two events; empty when the source has none
   */
  record RefUpdated(
      String connection,
      String project,
      String ref,
      String oldCommit,
      String newCommit,
      String sequence)
      implements TriggerEvent {
    public RefUpdated {
      Objects.requireNonNull(ref);
      Objects.requireNonNull(newCommit);
      Objects.requireNonNull(sequence);
    }

    @Override
    public String contentKey() {
      return "ref-updated:"
          + project
          + ":"
          + ref
          + ":"
          + oldCommit
          + ":"
          + newCommit
          + ":"
          + sequence;
    }
  }

  /**
   * A new patch set of a proposed change ({@code check}).
   *
   * @param owner the change's owner as the review system's event names them (a Gerrit username, or
   *     the email of an account without one); empty when the source knows none (the local git
   *     connection) or the event was stored before owners were recorded
   */
  record ChangeProposed(
      String connection,
      String project,
      String branch,
      String change,
      String patchset,
      String commit,
      String ref,
      Optional<String> owner)
      implements TriggerEvent {
    public ChangeProposed {
      Objects.requireNonNull(owner);
    }

    /** A patch set whose owner the source does not know. */
    public ChangeProposed(
        String connection,
        String project,
        String branch,
        String change,
        String patchset,
        String commit,
        String ref) {
      this(connection, project, branch, change, patchset, commit, ref, Optional.empty());
    }

    @Override
    public String contentKey() {
      return "patchset:" + project + ":" + branch + ":" + change + ":" + patchset + ":" + commit;
    }
  }

  /**
   * The periodic timer fired for a branch ({@code periodic}); {@code slot} is the scheduled time.
   */
  record Periodic(String connection, String project, String branch, Instant slot)
      implements TriggerEvent {
    @Override
    public String contentKey() {
      return "periodic:" + project + ":" + branch + ":" + slot;
    }
  }

  /**
   * Someone asked for a pipeline run on a ref (API, CLI, {@code recheck}). {@code nonce} makes two
   * identical requests two runs.
   */
  record Manual(
      String connection,
      String project,
      PipelineName pipeline,
      String ref,
      String commit,
      Optional<String> change,
      Optional<String> patchset,
      String requestedBy,
      String nonce)
      implements TriggerEvent {
    @Override
    public String contentKey() {
      return "manual:" + nonce;
    }
  }

  /**
   * Someone asked to test a proposed change again (a {@code recheck} review comment): runs {@code
   * check} on that patch set. {@code sequence} identifies the comment at its source (two identical
   * comments are two rechecks).
   *
   * @param owner the change's owner (not the comment's author), as in {@link ChangeProposed}
   */
  record Recheck(
      String connection,
      String project,
      String branch,
      String change,
      String patchset,
      String commit,
      String ref,
      String author,
      String sequence,
      Optional<String> owner)
      implements TriggerEvent {
    public Recheck {
      Objects.requireNonNull(owner);
    }

    /** A recheck whose change's owner the source does not know. */
    public Recheck(
        String connection,
        String project,
        String branch,
        String change,
        String patchset,
        String commit,
        String ref,
        String author,
        String sequence) {
      this(
          connection,
          project,
          branch,
          change,
          patchset,
          commit,
          ref,
          author,
          sequence,
          Optional.empty());
    }

    @Override
    public String contentKey() {
      return "recheck:" + project + ":" + change + ":" + patchset + ":" + author + ":" + sequence;
    }
  }

  /** A proposed change was abandoned: its queued and running builds are cancelled. */
  record ChangeAbandoned(String connection, String project, String change, String sequence)
      implements TriggerEvent {
    @Override
    public String contentKey() {
      return "abandoned:" + project + ":" + change + ":" + sequence;
    }
  }

  /**
   * The approvals of a change's current patch set, as a review system reported them (e.g. a Gerrit
   * comment with votes): may let the change enter the gate.
   *
   * @param approvals label name to the highest vote currently given, e.g. {@code Code-Review=2}
   */
  record ApprovalsChanged(
      String connection,
      String project,
      String branch,
      String change,
      String patchset,
      String commit,
      java.util.Map<String, Integer> approvals,
      String sequence)
      implements TriggerEvent {
    public ApprovalsChanged {
      approvals = java.util.Map.copyOf(approvals);
    }

    @Override
    public String contentKey() {
      return "approvals:"
          + project
          + ":"
          + change
          + ":"
          + patchset
          + ":"
          + new java.util.TreeMap<>(approvals)
          + ":"
          + sequence;
    }
  }

  /**
   * The security team submitted an embargoed change (a patch applied in a private repository): runs
   * {@code release}, tier privileged, on {@code commit}, which only the private repository of the
   * {@value #EMBARGOED} connection holds. Its builds stay hidden until the embargo {@code id} is
   * published.
   *
   * @param connection always {@value #EMBARGOED}: builds read the private repository, never the
   *     served one
   * @param source the connection whose repository held the base
   * @param baseRef the full ref the patch was applied onto
   */
  record Embargoed(
      String connection,
      String project,
      String source,
      String baseRef,
      String commit,
      String id,
      String requestedBy)
      implements TriggerEvent {
    public Embargoed {
      if (!EMBARGOED.equals(connection)) {
        throw new IllegalArgumentException(
            "embargoed events belong to the connection " + EMBARGOED);
      }
      Objects.requireNonNull(project);
      Objects.requireNonNull(baseRef);
      Objects.requireNonNull(commit);
      Objects.requireNonNull(id);
    }

    /** The ref its builds show: {@code refs/embargoed/ID}. */
    public String ref() {
      return "refs/embargoed/" + id;
    }

    @Override
    public String contentKey() {
      return "embargoed:" + id;
    }
  }

  /** The reserved connection name of embargoed builds (no configured connection may use it). */
  String EMBARGOED = "embargoed";
}
