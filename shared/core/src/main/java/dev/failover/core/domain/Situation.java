package dev.failover.core.domain;

import dev.failover.core.domain.ControllerEvent.BuildEvent;
import dev.failover.core.domain.ControllerEvent.CommandEvent;
import dev.failover.core.domain.ControllerEvent.IncidentEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the planner decides on: per region, its incidents, newest build, pin and state.
 *
 * <p>{@link #record} is pure: a renotification of what is already known changes nothing. Incidents
 * are ordered by their own timestamps, so a late "open" after its "close" does not reopen; within
 * one build, a status of an earlier stage never overrides a later one, and an older build never
 * overrides a newer; a command older than the pin in place does not replace it.
 *
 * @param regions memory per region (a region never mentioned has {@link RegionMemory#empty})
 */
public record Situation(Map<Region, RegionMemory> regions) {

  /**
   * Open incidents kept per region; more are refused (the region is wanted out already). With ids
   * and policy names capped at 256 and 512 characters, this keeps a forged flood of opens far below
   * the store's document limit.
   */
  public static final int MAX_OPEN_INCIDENTS = 32;

  /** Incidents kept per region, open and recently closed; the oldest closed make room. */
  public static final int MAX_INCIDENTS = 64;

  public Situation {
    regions = Collections.unmodifiableMap(new TreeMap<>(regions));
  }

  public static Situation empty() {
    return new Situation(Map.of());
  }

  public RegionMemory region(Region region) {
    return regions.getOrDefault(region, RegionMemory.empty());
  }

  public Situation with(Region region, RegionMemory memory) {
    Map<Region, RegionMemory> copy = new HashMap<>(regions);
    copy.put(region, memory);
    return new Situation(copy);
  }

  /** What an event did to the situation: the new situation, the effect and a detail for people. */
  public record Change(Situation situation, ControllerMemory.Effect effect, String detail) {}

  /** Applies {@code event}; never {@link ControllerMemory.Effect#DUPLICATE} (the ledger's call). */
  public Change record(ControllerEvent event) {
    RegionMemory before = region(event.region());
    if (event instanceof IncidentEvent e) {
      return recordIncident(before, e);
    }
    if (event instanceof BuildEvent e) {
      return recordBuild(before, e);
    }
    if (event instanceof CommandEvent e) {
      return recordCommand(before, e);
    }
    throw new IllegalStateException("unknown event " + event);
  }

  private Change unchanged(String detail) {
    return new Change(this, ControllerMemory.Effect.UNCHANGED, detail);
  }

  private Change stale(String detail) {
    return new Change(this, ControllerMemory.Effect.STALE, detail);
  }

  private Change changed(Region region, RegionMemory next, String detail) {
    return new Change(with(region, next), ControllerMemory.Effect.CHANGED, detail);
  }

  private Change recordIncident(RegionMemory before, IncidentEvent e) {
    Incident known = before.incidents().get(e.incidentId());
    Incident next;
    if (known == null) {
      long open = before.incidents().values().stream().filter(Incident::isOpen).count();
      if (e.opens() && open >= MAX_OPEN_INCIDENTS) {
        return new Change(
            this,
            ControllerMemory.Effect.REFUSED,
            "incident "
                + e.incidentId()
                + " not kept: "
                + e.region()
                + " already has "
                + open
                + " open incidents, the most the controller keeps per region (the region is wanted"
                + " out already)");
      }
      next = new Incident(e.incidentId(), e.policy(), e.startedAt(), e.endedAt());
    } else if (!known.isOpen()) {
      String detail = "incident " + e.incidentId() + " already closed at " + known.endedAt().get();
      return e.opens() ? stale(detail) : unchanged(detail);
    } else if (e.opens()) {
      return unchanged("incident " + e.incidentId() + " already open (renotification)");
    } else {
      next = known.closedAt(e.endedAt().get());
    }
    Map<String, Incident> incidents = new HashMap<>(before.incidents());
    incidents.put(next.id(), next);
    List<String> dropped = dropOldestClosed(incidents);
    String what = next.isOpen() ? "opened" : "closed";
    return changed(
        e.region(),
        before.withIncidents(incidents),
        "incident "
            + e.incidentId()
            + " ("
            + e.policy()
            + ") "
            + what
            + " in "
            + e.region()
            + (dropped.isEmpty()
                ? ""
                : "; forgot the oldest closed incident(s) "
                    + dropped
                    + " to keep "
                    + MAX_INCIDENTS));
  }

  /** Drops the earliest-closed incidents until at most {@link #MAX_INCIDENTS} remain. */
  private static List<String> dropOldestClosed(Map<String, Incident> incidents) {
    List<String> dropped = new ArrayList<>();
    if (incidents.size() <= MAX_INCIDENTS) {
      return dropped;
    }
    List<Incident> closed =
        incidents.values().stream()
            .filter(i -> !i.isOpen())
            .sorted(
                java.util.Comparator.comparing((Incident i) -> i.endedAt().orElseThrow())
                    .thenComparing(Incident::id))
            .toList();
    for (Incident i : closed) {
      if (incidents.size() <= MAX_INCIDENTS) {
        break;
      }
      incidents.remove(i.id());
      dropped.add(i.id());
    }
    return dropped;
  }

  private Change recordBuild(RegionMemory before, BuildEvent e) {
    Optional<BuildState> known = before.build();
    if (known.isPresent()) {
      BuildState k = known.get();
      if (k.buildId().equals(e.buildId())) {
        if (k.forgotten()) {
          return stale(
              "build "
                  + e.buildId()
                  + " was forgotten by an operator in "
                  + e.region()
                  + "; ignoring "
                  + e.status());
        }
        if (k.status() == e.status()) {
          return unchanged("build " + e.buildId() + " already " + k.status());
        }
        if (e.status().stage() <= k.status().stage()) {
          return stale(
              "build " + e.buildId() + " is already " + k.status() + "; ignoring " + e.status());
        }
      } else if (e.at().isBefore(k.at())) {
        return stale(
            "build " + e.buildId() + " is older than build " + k.buildId() + " in " + e.region());
      }
    }
    return changed(
        e.region(),
        before.withBuild(
            new BuildState(
                e.buildId(), e.status(), e.at(), false, e.timeout(), e.sharedDeploy(), false)),
        "build " + e.buildId() + " " + e.status() + " in " + e.region());
  }

  private Change recordCommand(RegionMemory before, CommandEvent e) {
    if (e.action() == CommandEvent.Action.FORGET_INCIDENT) {
      return forgetIncident(before, e, e.target().orElseThrow());
    }
    if (e.action() == CommandEvent.Action.FORGET_BUILD) {
      return forgetBuild(before, e, e.target().orElseThrow());
    }
    Optional<Pin> current = before.pin();
    if (current.isPresent() && current.get().createdAt().isAfter(e.at())) {
      return stale(
          "a newer command ("
              + current.get().commandId()
              + ") already set the pin in "
              + e.region());
    }
    Optional<LastCommand> last = before.lastCommand();
    if (last.isPresent() && last.get().at().isAfter(e.at())) {
      return stale(
          e.action().wire()
              + " issued at "
              + e.at()
              + " is older than "
              + last.get().describe(e.region()));
    }
    LastCommand mark = new LastCommand(e.eventId(), e.action().wire(), e.actor(), e.at());
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
          case FORGET_INCIDENT, FORGET_BUILD ->
              throw new IllegalStateException("not a pin command");
        };
    if (next.equals(current)) {
      // nothing to pin or unpin, but the operator's word is remembered: an older command that
      // arrives later must not undo it
      return new Change(
          with(e.region(), before.withLastCommand(mark)),
          ControllerMemory.Effect.CHANGED,
          e.action().wire() + " changes no pin in " + e.region() + "; remembered as the last word");
    }
    return changed(
        e.region(),
        before.withPin(next).withLastCommand(mark),
        e.action().wire() + " by " + e.actor() + " in " + e.region());
  }

  /**
   * Closes an open incident at the command's time. Kept as closed (not removed), so that a late
   * "open" of the same incident stays ignored; the region then comes back through the restore hold,
   * as after any close. Forgets touch no pin and are not the pins' "last word".
   */
  private Change forgetIncident(RegionMemory before, CommandEvent e, String id) {
    Incident known = before.incidents().get(id);
    if (known == null) {
      return unchanged(
          "no incident "
              + id
              + " in "
              + e.region()
              + " to forget; open incidents there: "
              + before.incidents().values().stream()
                  .filter(Incident::isOpen)
                  .map(Incident::id)
                  .toList());
    }
    if (!known.isOpen()) {
      return unchanged("incident " + id + " already closed at " + known.endedAt().get());
    }
    Map<String, Incident> incidents = new HashMap<>(before.incidents());
    incidents.put(id, known.closedAt(e.at()));
    return changed(
        e.region(),
        before.withIncidents(incidents),
        forgotten("incident " + id + " (" + known.policy() + ")", e));
  }

  /** The audit text of a forget: what, where, who and why. */
  private static String forgotten(String what, CommandEvent e) {
    return what + " forgotten in " + e.region() + " by " + e.actor() + ": " + e.reason();
  }

  /** Marks the region's newest build as forgotten: it no longer wants the region out. */
  private Change forgetBuild(RegionMemory before, CommandEvent e, String id) {
    Optional<BuildState> known = before.build().filter(b -> b.buildId().equals(id));
    if (known.isEmpty()) {
      return unchanged(
          "build "
              + id
              + " is not the newest build of "
              + e.region()
              + before.build().map(b -> " (" + b.buildId() + " is)").orElse(" (it has none)"));
    }
    if (known.get().forgotten()) {
      return unchanged("build " + id + " already forgotten in " + e.region());
    }
    return changed(
        e.region(),
        before.withBuild(known.get().forget()),
        forgotten("build " + id + " (" + known.get().status() + ")", e));
  }

  private static Pin pin(CommandEvent e, Pin.Kind kind) {
    Duration ttl = e.ttl().orElseThrow();
    return new Pin(
        e.eventId(),
        kind,
        e.actor(),
        e.reason(),
        e.at(),
        e.at().plus(ttl),
        e.breakGlass(),
        e.principal());
  }

  /**
   * The situation without expired pins and long-closed incidents, the pins that expired, and the
   * builds whose deploy ran past its deadline (now marked expired).
   */
  public record Pruned(
      Situation situation, Map<Region, Pin> expiredPins, Map<Region, BuildState> expiredBuilds) {}

  /**
   * Drops pins that ran out (but keeps an ended drill's pin until the region is serving again, so
   * that the drill's restore is told apart) and incidents that closed more than {@code retention}
   * ago.
   */
  public Pruned prune(Instant now, Duration retention, Policy policy) {
    Map<Region, RegionMemory> next = new HashMap<>();
    Map<Region, Pin> expired = new TreeMap<>();
    Map<Region, BuildState> expiredBuilds = new TreeMap<>();
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
      Optional<BuildState> build = m.build();
      if (build.isPresent() && build.get().deadlinePassedAt(now, policy)) {
        build = Optional.of(build.get().expire());
        expiredBuilds.put(e.getKey(), build.get());
      }
      RegionMemory pruned = m.withIncidents(kept).withPin(pin);
      next.put(e.getKey(), build.isPresent() ? pruned.withBuild(build.get()) : pruned);
    }
    return new Pruned(new Situation(next), expired, expiredBuilds);
  }
}
