package dev.failover.core.app;

import dev.failover.core.audit.AuditRecord.RegionChange;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Oversight;
import dev.failover.core.domain.PendingWrite;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionState;
import dev.failover.core.domain.Setting;
import dev.failover.core.domain.Topology;
import dev.failover.core.planner.Rule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Drift: the load balancer differs from what the controller last put there, with no write of ours
 * in flight. Pure: the controller reads the memory again after reading the load balancer (so that a
 * write another instance made in between shows as its marker or its new states) and hands both in.
 *
 * <p>Not drift: a pending write (ours, in flight), or a config that one of our writes of the last
 * {@code recentFor} shows (two instances wrote at once and the earlier write's states were
 * remembered last; the plan then writes what the memory stands for).
 *
 * <p>Drift is recorded, then adopted as pins or left for the plan to revert, as {@link Oversight}
 * says: a region taken out gets a drain pin, a region put back a force-serve pin, each for {@code
 * driftPinTtl}; a level changed within a serving region cannot be a pin and is reverted.
 */
final class DriftCheck {
  private DriftCheck() {}

  /**
   * What was found: the record's region changes, policy and message, and the pins to adopt (an edit
   * of the memory; identity when nothing is adopted).
   */
  record Drift(
      List<RegionChange> changes,
      Oversight.Drift policy,
      String message,
      UnaryOperator<ControllerMemory> adopt) {}

  /** The config the memory's region states stand for: what the controller last put in place. */
  static LbConfig expected(Topology topology, ControllerMemory memory) {
    Map<Region, Integer> levels = new TreeMap<>();
    for (Region r : topology.regionNames()) {
      levels.put(r, memory.region(r).state().level());
    }
    return topology.configFor(levels);
  }

  /** True when the load balancer shows something other than what {@code memory} stands for. */
  static boolean suspected(Topology topology, ControllerMemory memory, LbConfig observed) {
    return !expected(topology, memory).equals(observed);
  }

  /**
   * Drift in {@code observed} against {@code fresh}, the memory read after the load balancer; empty
   * when the difference is ours.
   */
  static Optional<Drift> detect(
      Topology topology,
      Oversight oversight,
      ControllerMemory fresh,
      LbConfig observed,
      String fingerprint,
      Instant now,
      Duration recentFor) {
    return detect(topology, oversight, fresh, observed, Set.of(), fingerprint, now, recentFor);
  }

  /**
   * As above, with the regions the load balancer does not list at all ({@code unlisted}: added to
   * the topology since the load balancer was last written). Such a region is not drift: it joins
   * drained, whatever the drift policy, and comes in as any drained region does, after the restore
   * hold and through the ramp; the first write lists it.
   */
  static Optional<Drift> detect(
      Topology topology,
      Oversight oversight,
      ControllerMemory fresh,
      LbConfig observed,
      Set<Region> unlisted,
      String fingerprint,
      Instant now,
      Duration recentFor) {
    if (!fresh.books().writes().pending().isEmpty()) {
      return Optional.empty();
    }
    LbConfig expected = expected(topology, fresh);
    if (expected.equals(observed)) {
      return Optional.empty();
    }
    Instant recent = now.minus(recentFor);
    for (PendingWrite w : fresh.books().writes().recent()) {
      if (!w.at().isBefore(recent) && w.shownBy(observed)) {
        return Optional.empty();
      }
    }
    Map<Region, Pin.Kind> adopt = new TreeMap<>();
    List<Region> reverted = new ArrayList<>();
    List<Region> joining = new ArrayList<>();
    List<RegionChange> changes = new ArrayList<>();
    for (Region r : topology.regionNames()) {
      Setting want = expected.setting(r);
      Setting seen = observed.setting(r);
      if (!want.equals(seen) && unlisted.contains(r) && !seen.serving()) {
        joining.add(r);
        changes.add(
            new RegionChange(
                r.name(),
                want.display(),
                seen.display(),
                0,
                "join",
                "not listed by the load balancer (a region just added): joins drained, comes in"
                    + " after the restore hold through the ramp; the next write lists it",
                Optional.of(Rule.REGION_ADDED.wire())));
      } else if (!want.equals(seen)) {
        Handling h = handling(want, seen, oversight, now);
        h.pin().ifPresentOrElse(kind -> adopt.put(r, kind), () -> reverted.add(r));
        changes.add(
            new RegionChange(
                r.name(),
                want.display(),
                seen.display(),
                fresh.region(r).state().level(),
                "drift",
                h.what(),
                Optional.of(Rule.DRIFT.wire())));
      }
    }
    String message =
        "the load balancer was changed outside the controller: it shows "
            + observed.display()
            + " where the controller last put "
            + expected.display()
            + (adopt.isEmpty() ? "" : "; adopted " + adopt.keySet())
            + (reverted.isEmpty() ? "" : "; reverting " + reverted)
            + (joining.isEmpty() ? "" : "; joining drained (not listed yet) " + joining);
    UnaryOperator<ControllerMemory> adoption =
        adoption(adopt, observed, expected, fingerprint, now, oversight.driftPinTtl());
    return Optional.of(
        new Drift(
            changes,
            oversight.drift(),
            message,
            m -> {
              ControllerMemory next = adoption.apply(m);
              for (Region r : joining) {
                RegionState s = next.region(r).state();
                next = next.with(r, next.region(r).withState(s.out(0, now, s.flapCount())));
              }
              return next;
            }));
  }

  /** What is done about one region's drift: adopted as a pin of this kind, or reverted. */
  private record Handling(Optional<Pin.Kind> pin, String what) {}

  private static Handling handling(Setting want, Setting seen, Oversight oversight, Instant now) {
    if (oversight.drift() == Oversight.Drift.ADOPT && want.serving() != seen.serving()) {
      return new Handling(
          Optional.of(seen.serving() ? Pin.Kind.SERVE : Pin.Kind.DRAIN),
          "adopted as a "
              + (seen.serving() ? "force-serve" : "drain")
              + " pin until "
              + now.plus(oversight.driftPinTtl()));
    }
    return new Handling(
        Optional.empty(),
        oversight.drift() == Oversight.Drift.ADOPT
            ? "a level within a serving region cannot be adopted; reverted"
            : "reverted");
  }

  private static UnaryOperator<ControllerMemory> adoption(
      Map<Region, Pin.Kind> adopt,
      LbConfig observed,
      LbConfig expected,
      String fingerprint,
      Instant now,
      Duration ttl) {
    if (adopt.isEmpty()) {
      return UnaryOperator.identity();
    }
    return m -> {
      ControllerMemory next = m;
      for (Map.Entry<Region, Pin.Kind> e : adopt.entrySet()) {
        Pin pin =
            new Pin(
                "drift:" + fingerprint,
                e.getValue(),
                "drift",
                "adopted a change made outside the controller (seen "
                    + observed.setting(e.getKey()).display()
                    + ", expected "
                    + expected.setting(e.getKey()).display()
                    + ")",
                now,
                now.plus(ttl),
                false);
        next = next.with(e.getKey(), next.region(e.getKey()).withPin(Optional.of(pin)));
      }
      return next;
    };
  }
}
