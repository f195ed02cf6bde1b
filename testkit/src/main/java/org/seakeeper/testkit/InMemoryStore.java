package org.seakeeper.testkit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.event.EventRecord;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.core.store.Builds;
import org.seakeeper.core.store.Embargo;
import org.seakeeper.core.store.Embargoes;
import org.seakeeper.core.store.GateState;
import org.seakeeper.core.store.Inbox;
import org.seakeeper.core.store.Outbox;
import org.seakeeper.core.store.OutboxEntry;
import org.seakeeper.core.store.OutboxKind;
import org.seakeeper.core.store.Store;

/**
 * A store in memory for scenario tests. Transactions copy the state and swap it in on success, so a
 * throwing transaction leaves nothing behind, as a database would. Thread-safe (one transaction at
 * a time). Passes {@link StoreContract}.
 */
public final class InMemoryStore implements Store {
  private State state = new State();

  private static final class State {
    long nextEvent = 1;
    long nextBuild = 1;
    long nextBuildset = 1;
    long nextOutbox = 1;
    TreeMap<Long, EventRecord> events = new TreeMap<>();
    TreeMap<Long, Build> builds = new TreeMap<>();
    TreeMap<Long, Buildset> buildsets = new TreeMap<>();
    TreeMap<Long, OutboxEntry> outbox = new TreeMap<>();
    InMemoryGateState gate = new InMemoryGateState();
    TreeMap<String, Embargo> embargoes = new TreeMap<>();
    TreeMap<Long, List<ChangeRef>> dependencies = new TreeMap<>();
    TreeMap<Long, org.seakeeper.core.store.QuarantinedEvent> quarantine = new TreeMap<>();

    List<org.seakeeper.core.store.QuarantinedEvent> quarantinedLatest(int limit) {
      return quarantine.values().stream()
          .sorted(
              java.util.Comparator.comparing(org.seakeeper.core.store.QuarantinedEvent::at)
                  .thenComparing(org.seakeeper.core.store.QuarantinedEvent::eventId)
                  .reversed())
          .limit(limit)
          .toList();
    }

    /** Buildset id to the SHA-256 (hex) of its config source, and the sources by that hash. */
    TreeMap<Long, String> configSources = new TreeMap<>();

    TreeMap<String, byte[]> configBlobs = new TreeMap<>();

    /** What each started build was given, by build id. */
    TreeMap<Long, org.seakeeper.core.build.BuildRun> runs = new TreeMap<>();

    /** Whether the buildset belongs to an unpublished embargo. */
    boolean hidden(long buildsetId) {
      Buildset s = buildsets.get(buildsetId);
      return s != null
          && embargoes.values().stream().anyMatch(e -> e.hidden() && e.eventId() == s.eventId());
    }

    State copy() {
      State s = new State();
      s.nextEvent = nextEvent;
      s.nextBuild = nextBuild;
      s.nextBuildset = nextBuildset;
      s.nextOutbox = nextOutbox;
      s.events = new TreeMap<>(events);
      s.builds = new TreeMap<>(builds);
      s.buildsets = new TreeMap<>(buildsets);
      s.outbox = new TreeMap<>(outbox);
      s.gate = gate.copy();
      s.embargoes = new TreeMap<>(embargoes);
      s.dependencies = new TreeMap<>(dependencies);
      s.quarantine = new TreeMap<>(quarantine);
      s.configSources = new TreeMap<>(configSources);
      s.configBlobs = new TreeMap<>(configBlobs);
      s.runs = new TreeMap<>(runs);
      return s;
    }
  }

  @Override
  public synchronized <T> T transaction(Function<Tx, T> work) {
    State s = state.copy();
    T result = work.apply(new MemTx(s));
    state = s;
    return result;
  }

  @Override
  public BuildQueries queries() {
    return new Queries(false);
  }

  /** All builds, or (publicOnly) those of no unpublished embargo. */
  private final class Queries implements BuildQueries {
    private final boolean publicOnly;

    Queries(boolean publicOnly) {
      this.publicOnly = publicOnly;
    }

    private boolean visible(Build b) {
      return !publicOnly || !state.hidden(b.buildsetId());
    }

    @Override
    public List<Build> list(BuildQuery q) {
      synchronized (InMemoryStore.this) {
        return state.builds.descendingMap().values().stream()
            .filter(this::visible)
            .filter(b -> q.connection().map(b.connection()::equals).orElse(true))
            .filter(b -> q.project().map(b.project()::equals).orElse(true))
            .filter(b -> q.change().map(c -> b.change().map(c::equals).orElse(false)).orElse(true))
            .filter(b -> q.pipeline().map(p -> b.pipeline() == p).orElse(true))
            .filter(b -> q.status().map(st -> b.status() == st).orElse(true))
            .filter(b -> q.before().map(x -> b.id() < x).orElse(true))
            .limit(q.limit())
            .toList();
      }
    }

    @Override
    public Optional<Build> build(long id) {
      synchronized (InMemoryStore.this) {
        return Optional.ofNullable(state.builds.get(id)).filter(this::visible);
      }
    }

    @Override
    public Optional<Buildset> buildset(long id) {
      synchronized (InMemoryStore.this) {
        return Optional.ofNullable(state.buildsets.get(id))
            .filter(s -> !publicOnly || !state.hidden(s.id()));
      }
    }

    @Override
    public Optional<org.seakeeper.core.build.BuildRun> run(long buildId) {
      synchronized (InMemoryStore.this) {
        return build(buildId).map(b -> state.runs.get(b.id()));
      }
    }

    @Override
    public Map<BuildStatus, Long> countByStatus() {
      synchronized (InMemoryStore.this) {
        Map<BuildStatus, Long> m = new EnumMap<>(BuildStatus.class);
        state.builds.values().stream()
            .filter(this::visible)
            .forEach(b -> m.merge(b.status(), 1L, Long::sum));
        return m;
      }
    }

    @Override
    public List<org.seakeeper.core.store.QuarantinedEvent> quarantined(int limit) {
      synchronized (InMemoryStore.this) {
        return publicOnly ? List.of() : state.quarantinedLatest(limit);
      }
    }

    @Override
    public long quarantinedCount() {
      synchronized (InMemoryStore.this) {
        return publicOnly ? 0 : state.quarantine.size();
      }
    }

    @Override
    public BuildQueries publicView() {
      return publicOnly ? this : new Queries(true);
    }
  }

  @Override
  public void close() {}

  /**
   * How many distinct config sources are kept (the contract checks that equal ones are kept once).
   */
  public synchronized int configBlobCount() {
    return state.configBlobs.size();
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private record MemTx(State s) implements Tx {
    @Override
    public Inbox inbox() {
      return new Inbox() {
        @Override
        public Optional<EventRecord> add(TriggerEvent event, Instant receivedAt) {
          boolean dup =
              s.events.values().stream()
                  .anyMatch(
                      e ->
                          e.event().connection().equals(event.connection())
                              && e.event().contentKey().equals(event.contentKey()));
          if (dup) {
            return Optional.empty();
          }
          EventRecord r = new EventRecord(s.nextEvent++, event, receivedAt, Optional.empty());
          s.events.put(r.id(), r);
          return Optional.of(r);
        }

        @Override
        public List<EventRecord> unprocessed(int limit, java.util.Set<String> except) {
          return s.events.values().stream()
              .filter(e -> e.processedAt().isEmpty() && !except.contains(e.event().connection()))
              .filter(e -> !s.quarantine.containsKey(e.id()))
              .limit(limit)
              .toList();
        }

        @Override
        public void markProcessed(long eventId, Instant at) {
          EventRecord e = s.events.get(eventId);
          s.events.put(
              eventId, new EventRecord(e.id(), e.event(), e.receivedAt(), Optional.of(at)));
        }

        @Override
        public long count() {
          return s.events.size();
        }

        @Override
        public Optional<EventRecord> event(long eventId) {
          return Optional.ofNullable(s.events.get(eventId));
        }

        @Override
        public void quarantine(long eventId, String reason, Instant at) {
          EventRecord e = s.events.get(eventId);
          if (e == null || e.processedAt().isPresent() || s.quarantine.containsKey(eventId)) {
            throw new IllegalArgumentException("no unprocessed, unquarantined event " + eventId);
          }
          s.quarantine.put(eventId, new org.seakeeper.core.store.QuarantinedEvent(e, at, reason));
        }

        @Override
        public Optional<org.seakeeper.core.store.QuarantinedEvent> quarantined(long eventId) {
          return Optional.ofNullable(s.quarantine.get(eventId))
              .map(
                  q ->
                      new org.seakeeper.core.store.QuarantinedEvent(
                          s.events.get(eventId), q.at(), q.reason()));
        }

        @Override
        public List<org.seakeeper.core.store.QuarantinedEvent> quarantinedLatest(int limit) {
          return s.quarantinedLatest(limit);
        }

        @Override
        public long quarantinedCount() {
          return s.quarantine.size();
        }

        @Override
        public boolean release(long eventId) {
          return s.quarantine.remove(eventId) != null;
        }
      };
    }

    @Override
    public Builds builds() {
      return new Builds() {
        @Override
        public Buildset insert(Buildset b) {
          Buildset withId = b.withId(s.nextBuildset++);
          s.buildsets.put(withId.id(), withId);
          return withId;
        }

        @Override
        public Build insert(Build b) {
          Build withId = b.withId(s.nextBuild++);
          s.builds.put(withId.id(), withId);
          return withId;
        }

        @Override
        public void update(Build b) {
          if (!s.builds.containsKey(b.id())) {
            throw new IllegalArgumentException("no build " + b.id());
          }
          s.builds.put(b.id(), b);
        }

        @Override
        public void update(Buildset b) {
          if (!s.buildsets.containsKey(b.id())) {
            throw new IllegalArgumentException("no buildset " + b.id());
          }
          s.buildsets.put(b.id(), b);
        }

        @Override
        public Optional<Build> build(long id) {
          return Optional.ofNullable(s.builds.get(id));
        }

        @Override
        public Optional<Buildset> buildset(long id) {
          return Optional.ofNullable(s.buildsets.get(id));
        }

        @Override
        public List<Build> ofBuildset(long buildsetId) {
          return s.builds.values().stream().filter(b -> b.buildsetId() == buildsetId).toList();
        }

        @Override
        public List<Build> withStatus(Set<BuildStatus> statuses) {
          return s.builds.values().stream().filter(b -> statuses.contains(b.status())).toList();
        }

        @Override
        public List<Buildset> unfinished() {
          return s.buildsets.values().stream()
              .filter(b -> b.finishedAt().isEmpty())
              .sorted(Comparator.comparingLong(Buildset::id))
              .toList();
        }

        @Override
        public Optional<String> changeOwner(String connection, String project, String change) {
          return s.buildsets.descendingMap().values().stream()
              .filter(
                  b ->
                      b.connection().equals(connection)
                          && b.project().equals(project)
                          && b.change().equals(Optional.of(change))
                          && b.owner().isPresent())
              .map(b -> b.owner().get())
              .findFirst();
        }

        @Override
        public void saveDependencies(long buildsetId, List<ChangeRef> dependencies) {
          requireBuildset(buildsetId);
          if (dependencies.isEmpty()) {
            s.dependencies.remove(buildsetId);
          } else {
            s.dependencies.put(buildsetId, List.copyOf(dependencies));
          }
        }

        @Override
        public List<ChangeRef> dependencies(long buildsetId) {
          return s.dependencies.getOrDefault(buildsetId, List.of());
        }

        @Override
        public void saveConfigSource(long buildsetId, byte[] content) {
          requireBuildset(buildsetId);
          String sha = sha256(content);
          s.configBlobs.putIfAbsent(sha, content.clone());
          s.configSources.put(buildsetId, sha);
        }

        @Override
        public Optional<byte[]> configSource(long buildsetId) {
          return Optional.ofNullable(s.configSources.get(buildsetId))
              .map(sha -> s.configBlobs.get(sha).clone());
        }

        @Override
        public void saveRun(long buildId, org.seakeeper.core.build.BuildRun run) {
          if (!s.builds.containsKey(buildId)) {
            throw new IllegalArgumentException("no build " + buildId);
          }
          s.runs.put(buildId, java.util.Objects.requireNonNull(run));
        }

        @Override
        public Optional<org.seakeeper.core.build.BuildRun> run(long buildId) {
          return Optional.ofNullable(s.runs.get(buildId));
        }

        private void requireBuildset(long buildsetId) {
          if (!s.buildsets.containsKey(buildsetId)) {
            throw new IllegalArgumentException("no buildset " + buildsetId);
          }
        }
      };
    }

    @Override
    public Embargoes embargoes() {
      return new Embargoes() {
        @Override
        public void add(Embargo e) {
          if (s.embargoes.containsKey(e.id())) {
            throw new IllegalArgumentException("embargo " + e.id() + " exists");
          }
          s.embargoes.put(e.id(), e);
        }

        @Override
        public Optional<Embargo> get(String id) {
          return Optional.ofNullable(s.embargoes.get(id));
        }

        @Override
        public List<Embargo> all() {
          return s.embargoes.values().stream()
              .sorted(
                  Comparator.comparing(Embargo::submittedAt)
                      .thenComparing(Embargo::eventId)
                      .reversed())
              .toList();
        }

        @Override
        public boolean publish(String id, Instant at) {
          Embargo e = s.embargoes.get(id);
          if (e == null || !e.hidden()) {
            return false;
          }
          s.embargoes.put(id, e.published(at));
          return true;
        }

        @Override
        public List<Long> buildsets(String id) {
          Embargo e = s.embargoes.get(id);
          return e == null
              ? List.of()
              : s.buildsets.values().stream()
                  .filter(b -> b.eventId() == e.eventId())
                  .map(Buildset::id)
                  .toList();
        }
      };
    }

    @Override
    public Outbox outbox() {
      return new Outbox() {
        @Override
        public OutboxEntry add(OutboxEntry entry) {
          OutboxEntry e = entry.withId(s.nextOutbox++);
          s.outbox.put(e.id(), e);
          return e;
        }

        @Override
        public List<OutboxEntry> pending(int limit, Instant now) {
          return new ArrayList<>(
              s.outbox.values().stream().filter(e -> e.due(now)).limit(limit).toList());
        }

        @Override
        public void defer(long id, Instant notBefore, String error) {
          s.outbox.put(id, entry(id).deferred(notBefore, error));
        }

        @Override
        public void markDelivered(long id, Instant at) {
          s.outbox.put(id, entry(id).delivered(at));
        }

        @Override
        public List<PendingCount> pendingCounts() {
          Map<String, Map<OutboxKind, Long>> counts = new TreeMap<>();
          s.outbox.values().stream()
              .filter(e -> e.deliveredAt().isEmpty())
              .forEach(
                  e ->
                      counts
                          .computeIfAbsent(
                              s.buildsets.get(e.buildsetId()).connection(),
                              c -> new EnumMap<>(OutboxKind.class))
                          .merge(e.kind(), 1L, Long::sum));
          List<PendingCount> out = new ArrayList<>();
          counts.forEach(
              (c, byKind) -> byKind.forEach((k, n) -> out.add(new PendingCount(c, k, n))));
          return out;
        }

        private OutboxEntry entry(long id) {
          OutboxEntry e = s.outbox.get(id);
          if (e == null) {
            throw new IllegalArgumentException("no outbox entry " + id);
          }
          return e;
        }
      };
    }

    @Override
    public GateState gate() {
      return s.gate;
    }
  }
}
