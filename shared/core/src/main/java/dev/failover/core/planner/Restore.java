package dev.failover.core.planner;

import dev.failover.core.domain.Health;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.RegionState;
import dev.failover.core.domain.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The way back in for a region that nothing wants out, one rule per method: pins and ended drills
 * restore at once; otherwise the restore hold (doubled per flap), then the ramp, one step per dwell
 * and only on a HEALTHY check. Pure: each returns the step to take.
 */
final class Restore {
  private Restore() {}

  /**
   * What to do with one region: the action and its reason, the rule behind it, when the plan may
   * change by time alone, and the state to move to (empty: stay).
   */
  record Step(
      Action action,
      Reason reason,
      Optional<Rule> rule,
      Optional<Instant> nextActionAt,
      Optional<RegionState> to) {

    static Step stay(Action action, Reason reason, Optional<Rule> rule, Optional<Instant> next) {
      return new Step(action, reason, rule, next, Optional.empty());
    }
  }

  /** A drill ended or aborted: restored at once. */
  static Step drillOver(RegionState st, Pin drill, Optional<Reason> abortedBecause, Instant now) {
    Reason why =
        abortedBecause.isPresent()
            ? new Reason.DrillAborted(drill.actor(), abortedBecause.get())
            : new Reason.DrillEnded(drill.actor(), drill.expiresAt());
    Optional<Rule> rule =
        Optional.of(abortedBecause.isPresent() ? Rule.DRILL_ABORTED : Rule.DRILL_END);
    if (st.phase() == RegionState.Phase.SERVING) {
      return Step.stay(Action.KEEP, new Reason.StillServing(why), rule, Optional.empty());
    }
    return new Step(
        Action.SERVE,
        new Reason.RestoredAtOnce(why),
        rule,
        Optional.empty(),
        Optional.of(st.serving(now)));
  }

  /** A force-serve pin: kept in, or restored at once. */
  static Step forceServe(RegionState st, Pin pin, Instant now) {
    Reason why = new Reason.ForceServe(pin.actor(), pin.expiresAt(), pin.reason());
    Optional<Rule> rule = Optional.of(Rule.FORCE_SERVE);
    Optional<Instant> expiry = Optional.of(pin.expiresAt());
    if (st.phase() == RegionState.Phase.SERVING) {
      return Step.stay(Action.KEEP, why, rule, expiry);
    }
    return new Step(Action.SERVE, why, rule, expiry, Optional.of(st.serving(now)));
  }

  /** Serving, and nothing wants it out. */
  static Step keep() {
    return Step.stay(
        Action.KEEP, new Reason.NothingWantsItOut(), Optional.empty(), Optional.empty());
  }

  /** Drained: restored once healthy for the restore hold (doubled per flap). */
  static Step fromOut(RegionState st, Health h, Policy policy, Mode mode, Instant now) {
    if (!h.healthy()) {
      Rule rule = h.status() == Health.Status.NO_DATA ? Rule.NO_HEALTH_DATA : Rule.UNHEALTHY;
      return Step.stay(
          Action.HOLD,
          new Reason.WaitingForHealthy(h.status()),
          Optional.of(rule),
          Optional.empty());
    }
    Duration hold = policy.restoreHold(st.flapCount());
    Instant healthyFrom = h.since().isAfter(st.since()) ? h.since() : st.since();
    Instant restoreAt = healthyFrom.plus(hold);
    if (now.isBefore(restoreAt)) {
      Rule rule = st.flapCount() > 0 ? Rule.FLAP_DAMPING : Rule.RESTORE_HOLD;
      return Step.stay(
          Action.HOLD,
          new Reason.RestoreHold(healthyFrom, hold, st.flapCount(), restoreAt),
          Optional.of(rule),
          Optional.of(restoreAt));
    }
    if (!mode.supportsPartialLevels()) {
      return new Step(
          Action.SERVE,
          new Reason.RestoredInOneStep(hold, mode),
          Optional.empty(),
          Optional.empty(),
          Optional.of(st.serving(now)));
    }
    int step = firstStepAbove(policy.rampSteps(), st.level());
    return stepTo(st, step, new Reason.RestoreBegins(hold), policy, now);
  }

  /**
   * Ramping and not unhealthy (a relapse is a drain, not a restore): paused without data, else the
   * next step after the dwell.
   */
  static Step ramp(RegionState st, Health h, Policy policy, Instant now) {
    int current = policy.rampSteps().get(st.rampStep());
    if (h.status() == Health.Status.NO_DATA) {
      return Step.stay(
          Action.HOLD,
          new Reason.RampPaused(current),
          Optional.of(Rule.NO_HEALTH_DATA),
          Optional.empty());
    }
    Instant nextStepAt = st.since().plus(policy.stepDwell());
    if (now.isBefore(nextStepAt)) {
      return Step.stay(
          Action.KEEP,
          new Reason.RampDwell(st.rampStep() + 1, policy.rampSteps().size(), current, nextStepAt),
          Optional.of(Rule.RAMP_DWELL),
          Optional.of(nextStepAt));
    }
    Reason why = new Reason.HealthyAt(policy.stepDwell(), current);
    return stepTo(st, st.rampStep() + 1, why, policy, now);
  }

  private static Step stepTo(RegionState st, int step, Reason why, Policy policy, Instant now) {
    int target = policy.rampSteps().get(step);
    if (target == Topology.FULL) {
      return new Step(
          Action.SERVE,
          new Reason.BackToFull(why),
          Optional.empty(),
          Optional.empty(),
          Optional.of(st.serving(now)));
    }
    return new Step(
        Action.RAMP,
        new Reason.RampStep(why, step + 1, policy.rampSteps().size(), target),
        Optional.empty(),
        Optional.of(now.plus(policy.stepDwell())),
        Optional.of(st.ramping(step, target, now)));
  }

  private static int firstStepAbove(List<Integer> steps, int currentLevel) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i) > currentLevel) {
        return i;
      }
    }
    return steps.size() - 1;
  }
}
