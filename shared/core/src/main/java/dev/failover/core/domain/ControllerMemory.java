package dev.failover.core.domain;

import dev.failover.core.domain.ControllerEvent.BuildEvent;
import dev.failover.core.domain.ControllerEvent.CommandEvent;
import dev.failover.core.domain.ControllerEvent.IncidentEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The controller's memory of one load balancer: per-region incidents, builds, pins and states, and
 * the ids of recently recorded events.
 *
 * <p>{@link #record} is pure and idempotent: the same delivery twice changes nothing the second
 * time, and so does a renotification of what is already known. Incidents are ordered by their own
 * timestamps, so a late "open" after its "close" does not reopen; within one build, a status of an
 * earlier stage never overrides a later one, and an older build never overrides a newer.
 *
 * @param regions memory per region
 * @param recentEventIds the last {@link #EVENT_ID_WINDOW} recorded event ids, oldest first
 * @param notices the holds and pages last audited, by region name (or {@code page}), so that a
 *     standing hold is audited when it begins or changes, not on every tick
 * @param parkedBackends backend entries removed from a backend service (membership mode), by
 *     region, kept so that a restore re-adds exactly what was there
 * @param pendingWrites writes announced but whose outcome is not yet recorded, one per writer
 *     (concurrent instances each keep their own)
 * @param watches applied drains and restores whose effect on traffic is not yet verified
 * @param recentWrites writes applied in the last few minutes: when two instances write at once, the
 *     region states of the earlier write may be remembered last, and the load balancer then shows a
 *     write of ours that the states do not stand for; that is not drift
 * @param changes how many events have changed this memory (a sequence number)
 * @param reconciled the {@code changes} of the newest memory a reconcile planned from and completed
 *     with; while it is behind, an event that changes nothing still reconciles, so that a
 *     redelivery after a failed reconcile heals at once
 */
public record ControllerMemory(
    Map<Region, RegionMemory> regions,
    List<String> recentEventIds,
    Map<String, String> notices,
    Map<Region, String> parkedBackends,
    List<PendingWrite> pendingWrites,
    List<Watch> watches,
    List<PendingWrite> recentWrites,
    long changes,
    long reconciled) {

  /** How many event ids are remembered for redelivery detection. */
  public static final int EVENT_ID_WINDOW = 2048;

  public ControllerMemory {
    regions = java.util.Collections.unmodifiableMap(new TreeMap<>(regions));
    recentEventIds = List.copyOf(recentEventIds);
    notices = java.util.Collections.unmodifiableMap(new TreeMap<>(notices));
    parkedBackends = java.util.Collections.unmodifiableMap(new TreeMap<>(parkedBackends));
    pendingWrites = List.copyOf(pendingWrites);
    watches = List.copyOf(watches);
    recentWrites = List.copyOf(recentWrites);
    if (recentEventIds.size() > EVENT_ID_WINDOW) {
      throw new IllegalArgumentException("at most " + EVENT_ID_WINDOW + " event ids");
    }
  }

  public ControllerMemory(
      Map<Region, RegionMemory> regions,
      List<String> recentEventIds,
      Map<String, String> notices,
      Map<Region, String> parkedBackends,
      List<PendingWrite> pendingWrites) {
    this(regions, recentEventIds, notices, parkedBackends, pendingWrites, List.of());
  }

  public ControllerMemory(
      Map<Region, RegionMemory> regions,
      List<String> recentEventIds,
      Map<String, String> notices,
      Map<Region, String> parkedBackends,
      List<PendingWrite> pendingWrites,
      List<Watch> watches) {
    this(regions, recentEventIds, notices, parkedBackends, pendingWrites, watches, List.of(), 0, 0);
  }

  public static ControllerMemory empty() {
    return new ControllerMemory(
        Map.of(), List.of(), Map.of(), Map.of(), List.of(), List.of(), List.of(), 0, 0);
  }

  public RegionMemory region(Region region) {
    return regions.getOrDefault(region, RegionMemory.empty());
  }

  public ControllerMemory with(Region region, RegionMemory memory) {
    Map<Region, RegionMemory> copy = new HashMap<>(regions);
    copy.put(region, memory);
    return new ControllerMemory(
        copy,
        recentEventIds,
        notices,
        parkedBackends,
        pendingWrites,
        watches,
        recentWrites,
        changes,
        reconciled);
  }

  public boolean seen(String eventId) {
    return recentEventIds.contains(eventId);
  }

  /** What recording an event did. */
  public record Recorded(ControllerMemory memory, Effect effect, String detail) {
    public Recorded {
      Objects.requireNonNull(memory);
      Objects.requireNonNull(effect);
      Objects.requireNonNull(detail);
    }
  }

  /** Outcome of recording one event. */
  public enum Effect {
    /** The memory changed. */
    CHANGED,
    /** The same delivery was recorded before. */
    DUPLICATE,
    /** The event repeats what is known (a renotification). */
    UNCHANGED,
    /** The event is older than what is known and was not applied. */
    STALE
  }

  /** Records {@code event}. Pure: returns the new memory and what happened. */
  public Recorded record(ControllerEvent event) {
    if (seen(event.eventId())) {
      return new Recorded(this, Effect.DUPLICATE, "event " + event.eventId() + " already recorded");
    }
    RegionMemory before = region(event.region());
    Recorded applied;
    if (event instanceof IncidentEvent e) {
      applied = recordIncident(before, e);
    } else if (event instanceof BuildEvent e) {
      applied = recordBuild(before, e);
    } else if (event instanceof CommandEvent e) {
      applied = recordCommand(before, e);
    } else {
      throw new IllegalStateException("unknown event " + event);
    }
    Deque<String> ids = new ArrayDeque<>(applied.memory().recentEventIds());
    ids.addLast(event.eventId());
    while (ids.size() > EVENT_ID_WINDOW) {
      ids.removeFirst();
    }
    ControllerMemory withId =
        new ControllerMemory(
            applied.memory().regions(),
            List.copyOf(ids),
            notices,
            parkedBackends,
            pendingWrites,
            watches,
            recentWrites,
            applied.effect() == Effect.CHANGED ? changes + 1 : changes,
            reconciled);
    return new Recorded(withId, applied.effect(), applied.detail());
  }

  private Recorded recordIncident(RegionMemory before, IncidentEvent e) {
    Incident known = before.incidents().get(e.incidentId());
    Incident next;
    if (known == null) {
      next = new Incident(e.incidentId(), e.policy(), e.startedAt(), e.endedAt());
    } else if (!known.isOpen()) {
      return new Recorded(
          this,
          e.opens() ? Effect.STALE : Effect.UNCHANGED,
          "incident " + e.incidentId() + " already closed at " + known.endedAt().get());
    } else if (e.opens()) {
      return new Recorded(
          this, Effect.UNCHANGED, "incident " + e.incidentId() + " already open (renotification)");
    } else {
      next = known.closedAt(e.endedAt().get());
    }
    Map<String, Incident> incidents = new HashMap<>(before.incidents());
    incidents.put(next.id(), next);
    String what = next.isOpen() ? "opened" : "closed";
    return new Recorded(
        with(e.region(), before.withIncidents(incidents)),
        Effect.CHANGED,
        "incident " + e.incidentId() + " (" + e.policy() + ") " + what + " in " + e.region());
  }

  private Recorded recordBuild(RegionMemory before, BuildEvent e) {
    Optional<BuildState> known = before.build();
    if (known.isPresent()) {
      BuildState k = known.get();
      if (k.buildId().equals(e.buildId())) {
        if (k.status() == e.status()) {
          return new Recorded(
              this, Effect.UNCHANGED, "build " + e.buildId() + " already " + k.status());
        }
        if (e.status().stage() <= k.status().stage()) {
          return new Recorded(
              this,
              Effect.STALE,
              "build " + e.buildId() + " is already " + k.status() + "; ignoring " + e.status());
        }
      } else if (e.at().isBefore(k.at())) {
        return new Recorded(
            this,
            Effect.STALE,
            "build " + e.buildId() + " is older than build " + k.buildId() + " in " + e.region());
      }
    }
    return new Recorded(
        with(e.region(), before.withBuild(new BuildState(e.buildId(), e.status(), e.at()))),
        Effect.CHANGED,
        "build " + e.buildId() + " " + e.status() + " in " + e.region());
  }

  private Recorded recordCommand(RegionMemory before, CommandEvent e) {
    Optional<Pin> current = before.pin();
    if (current.isPresent() && current.get().createdAt().isAfter(e.at())) {
      return new Recorded(
          this,
          Effect.STALE,
          "a newer command ("
              + current.get().commandId()
              + ") already set the pin in "
              + e.region());
    }
    Optional<Pin> next =
        switch (e.action()) {
          case DRAIN -> Optional.of(pin(e, Pin.Kind.DRAIN));
          case PIN_SERVE -> Optional.of(pin(e, Pin.Kind.SERVE));
          case DRILL -> Optional.of(pin(e, Pin.Kind.DRILL));
          // restoring a drilled region ends the drill: it is then restored at once
          case RESTORE ->
              current
                  .filter(p -> p.kind() != Pin.Kind.DRAIN)
                  .map(p -> p.kind() == Pin.Kind.DRILL ? p.endedAt(e.at()) : p);
          case UNPIN -> Optional.empty();
        };
    if (next.equals(current)) {
      return new Recorded(
          this, Effect.UNCHANGED, e.action().wire() + " changes nothing in " + e.region());
    }
    return new Recorded(
        with(e.region(), before.withPin(next)),
        Effect.CHANGED,
        e.action().wire() + " by " + e.actor() + " in " + e.region());
  }

  private static Pin pin(CommandEvent e, Pin.Kind kind) {
    Duration ttl = e.ttl().orElseThrow();
    return new Pin(
        e.eventId(), kind, e.actor(), e.reason(), e.at(), e.at().plus(ttl), e.breakGlass());
  }

  /** Pins that ran out and incidents closed before {@code now - retention}, as found by prune. */
  public record Pruned(ControllerMemory memory, Map<Region, Pin> expiredPins) {}

  /** Drops expired pins and incidents that closed more than {@code retention} ago. */
  public Pruned prune(Instant now, Duration retention) {
    Map<Region, RegionMemory> next = new HashMap<>();
    Map<Region, Pin> expired = new TreeMap<>();
    Instant cutoff = now.minus(retention);
    for (Map.Entry<Region, RegionMemory> e : regions.entrySet()) {
      RegionMemory m = e.getValue();
      Map<String, Incident> kept = new HashMap<>();
      m.incidents()
          .forEach(
              (id, inc) -> {
                if (inc.isOpen() || inc.endedAt().get().isAfter(cutoff)) {
                  kept.put(id, inc);
                }
              });
      Optional<Pin> pin = m.pin();
      boolean endedDrill =
          pin.isPresent()
              && pin.get().kind() == Pin.Kind.DRILL
              && m.state().phase() != RegionState.Phase.SERVING;
      if (pin.isPresent() && !pin.get().activeAt(now) && !endedDrill) {
        expired.put(e.getKey(), pin.get());
        pin = Optional.empty();
      }
      next.put(e.getKey(), m.withIncidents(kept).withPin(pin));
    }
    return new Pruned(
        new ControllerMemory(
            next,
            recentEventIds,
            notices,
            parkedBackends,
            pendingWrites,
            watches,
            recentWrites,
            changes,
            reconciled),
        expired);
  }

  public ControllerMemory withNotices(Map<String, String> newNotices) {
    return new ControllerMemory(
        regions,
        recentEventIds,
        newNotices,
        parkedBackends,
        pendingWrites,
        watches,
        recentWrites,
        changes,
        reconciled);
  }

  public ControllerMemory withParked(Map<Region, String> parked) {
    return new ControllerMemory(
        regions,
        recentEventIds,
        notices,
        parked,
        pendingWrites,
        watches,
        recentWrites,
        changes,
        reconciled);
  }

  public ControllerMemory withPending(PendingWrite pending) {
    List<PendingWrite> next = new ArrayList<>(pendingWrites);
    next.remove(pending);
    next.add(pending);
    return new ControllerMemory(
        regions,
        recentEventIds,
        notices,
        parkedBackends,
        next,
        watches,
        recentWrites,
        changes,
        reconciled);
  }

  public ControllerMemory withoutPending(PendingWrite pending) {
    List<PendingWrite> next = new ArrayList<>(pendingWrites);
    next.remove(pending);
    return new ControllerMemory(
        regions,
        recentEventIds,
        notices,
        parkedBackends,
        next,
        watches,
        recentWrites,
        changes,
        reconciled);
  }

  /** Remembers an applied write, keeping only those applied at or after {@code since}. */
  public ControllerMemory withRecentWrite(PendingWrite applied, Instant since) {
    List<PendingWrite> next = new ArrayList<>();
    for (PendingWrite w : recentWrites) {
      if (!w.at().isBefore(since) && !w.equals(applied)) {
        next.add(w);
      }
    }
    next.add(applied);
    return new ControllerMemory(
        regions,
        recentEventIds,
        notices,
        parkedBackends,
        pendingWrites,
        watches,
        next,
        changes,
        reconciled);
  }

  public ControllerMemory withWatches(List<Watch> next) {
    return new ControllerMemory(
        regions,
        recentEventIds,
        notices,
        parkedBackends,
        pendingWrites,
        next,
        recentWrites,
        changes,
        reconciled);
  }

  /** True when a reconcile has planned from every change recorded so far. */
  public boolean settled() {
    return reconciled >= changes;
  }

  /** Notes that a reconcile planned from the memory with {@code basis} changes and completed. */
  public ControllerMemory withReconciled(long basis) {
    return new ControllerMemory(
        regions,
        recentEventIds,
        notices,
        parkedBackends,
        pendingWrites,
        watches,
        recentWrites,
        changes,
        Math.max(reconciled, basis));
  }
}
