package dev.failover.core.planner;

import dev.failover.core.domain.BuildState;
import dev.failover.core.domain.Incident;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.RegionMemory;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;

/**
 * The verdict on one region before the safety rules: wanted out, kept in by a force-serve pin,
 * restored at once after a drill, or none of these. Precedence: a drill pin, then a force-serve or
 * drain pin (manual), then a failed or deploying build, then the earliest open incident.
 */
sealed interface Verdict {

  /** Wanted out; {@code pinExpiry} when a pin is why (the plan may change when it ends). */
  record WantedOut(Want want, Optional<Instant> pinExpiry) implements Verdict {}

  /** Kept in by an operator's force-serve pin, whatever else says, until it expires. */
  record ForceServe(Pin pin) implements Verdict {}

  /** A drill ended or was aborted, and nothing else wants the region out: restored at once. */
  record DrillOver(Pin drill) implements Verdict {}

  /** Nothing wants it out and nothing keeps it in: health decides. */
  record Free() implements Verdict {}

  /** Why the region is wanted out, if it is. */
  default Optional<Want> out() {
    return this instanceof WantedOut w ? Optional.of(w.want()) : Optional.empty();
  }

  /** The verdict on one region's memory at {@code now}. */
  static Verdict of(RegionMemory m, Policy policy, Instant now) {
    Optional<Pin> drill = m.pin().filter(p -> p.kind() == Pin.Kind.DRILL);
    if (drill.isPresent()) {
      Pin p = drill.get();
      if (!p.activeAt(now)) {
        return drillOver(m, policy, p, now);
      }
      Reason reason = new Reason.Drill(p.actor(), p.expiresAt(), p.reason());
      return new WantedOut(
          new Want(Want.Source.DRILL, reason, p.createdAt(), false), Optional.of(p.expiresAt()));
    }
    Optional<Pin> pin = m.pin().filter(p -> p.activeAt(now));
    if (pin.isEmpty()) {
      return unpinned(m, policy, now);
    }
    Pin p = pin.get();
    if (p.kind() == Pin.Kind.SERVE) {
      return new ForceServe(p);
    }
    Reason reason = new Reason.ManualDrain(p.actor(), p.expiresAt(), p.reason(), p.breakGlass());
    return new WantedOut(
        new Want(Want.Source.MANUAL, reason, p.createdAt(), p.breakGlass()),
        Optional.of(p.expiresAt()));
  }

  /** After a drill (ended or aborted): restore at once unless something else wants it out. */
  static Verdict drillOver(RegionMemory m, Policy policy, Pin drill, Instant now) {
    Verdict rest = unpinned(m, policy, now);
    return rest.out().isPresent() ? rest : new DrillOver(drill);
  }

  /**
   * The verdict from builds and incidents alone. A build wants its region out only while it deploys
   * that region alone with {@code drain_on_deploy}, until its deadline ({@link
   * BuildState#drainsAt}); a failed build never: the previous revision keeps serving.
   */
  private static Verdict unpinned(RegionMemory m, Policy policy, Instant now) {
    if (m.build().isPresent() && m.build().get().drainsAt(now, policy)) {
      BuildState b = m.build().get();
      Instant deadline = b.deployDeadline(policy.deployTimeout());
      return new WantedOut(
          new Want(
              Want.Source.BUILD, new Reason.BuildDeploying(b.buildId(), deadline), b.at(), false),
          Optional.of(deadline));
    }
    Optional<Incident> earliest =
        m.incidents().values().stream()
            .filter(Incident::isOpen)
            .min(Comparator.comparing(Incident::startedAt).thenComparing(Incident::id));
    if (earliest.isEmpty()) {
      return new Free();
    }
    Incident i = earliest.get();
    long open = m.incidents().values().stream().filter(Incident::isOpen).count();
    return wantOut(
        Want.Source.ALERT,
        new Reason.IncidentOpen(i.id(), i.policy(), i.startedAt(), open - 1),
        i.startedAt());
  }

  private static Verdict wantOut(Want.Source source, Reason reason, Instant since) {
    return new WantedOut(new Want(source, reason, since, false), Optional.empty());
  }
}
