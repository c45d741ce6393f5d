package dev.failover.core.app;

import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionMemory;
import dev.failover.core.planner.Plan;
import dev.failover.core.planner.RegionDecision;
import dev.failover.core.planner.Rule;
import dev.failover.core.port.LoadBalancer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The drill's gates, pure. A drill is refused before anything is recorded when the plan with its
 * pin would not drain the region fully: a safety rule holds it, another region is wanted out, or it
 * is already drained. A drill the plan aborts has its pin ended in memory, so that it does not
 * resume. Each applied write that starts, aborts or ends a drill is one drill step.
 */
final class DrillGate {
  private DrillGate() {}

  /**
   * Why a drill of {@code region} must be refused, planned with its pin recorded; empty when it may
   * go ahead.
   */
  static Optional<String> refusal(Region region, LoadBalancer.Observed observed, Plan withDrill) {
    RegionDecision d = withDrill.decision(region);
    if (!observed.config().setting(region).serving()) {
      return Optional.of(region + " is not serving; there is nothing to drill");
    }
    if (withDrill.drillsAborted().contains(region)
        || d.levelAfter() != 0
        || d.rule().orElse(null) != Rule.DRILL) {
      return Optional.of(d.reason());
    }
    return Optional.empty();
  }

  /** Ends the pins of the drills the plan aborted; identity when it aborted none. */
  static UnaryOperator<ControllerMemory> endAborted(Plan plan, Instant now) {
    if (plan.drillsAborted().isEmpty()) {
      return UnaryOperator.identity();
    }
    return m -> {
      ControllerMemory next = m;
      for (Region r : plan.drillsAborted()) {
        RegionMemory rm = next.region(r);
        Optional<Pin> pin = rm.pin().filter(p -> p.kind() == Pin.Kind.DRILL);
        if (pin.isPresent()) {
          next = next.with(r, rm.withPin(Optional.of(pin.get().endedAt(now))));
        }
      }
      return next;
    };
  }

  /** A drill step: the drill's command, the step's name, its rule and the region's decision. */
  record Step(String commandId, String name, Rule rule, RegionDecision decision) {}

  /**
   * The drill steps an applied write of {@code plan} makes, for the drills {@code memory} holds.
   */
  static List<Step> steps(ControllerMemory memory, Plan plan) {
    List<Step> out = new ArrayList<>();
    for (RegionDecision d : plan.decisions()) {
      Optional<Pin> pin = memory.region(d.region()).pin().filter(p -> p.kind() == Pin.Kind.DRILL);
      if (d.rule().isEmpty() || pin.isEmpty() || !d.changes()) {
        continue;
      }
      Rule rule = d.rule().get();
      Optional<String> name = stepName(rule);
      name.ifPresent(n -> out.add(new Step(pin.get().commandId(), n, rule, d)));
    }
    return out;
  }

  private static Optional<String> stepName(Rule rule) {
    return switch (rule) {
      case DRILL -> Optional.of("started");
      case DRILL_END -> Optional.of("ended");
      case DRILL_ABORTED -> Optional.of("aborted");
      default -> Optional.empty();
    };
  }
}
