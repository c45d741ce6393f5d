package dev.failover.core.planner;

import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The planner's answer: the config the load balancer should have, a decision with a reason for
 * every region, the page-worthy reason when the controller froze, and the region states to remember
 * once the config is in place, and the drills it aborted (their pins are ended in memory).
 */
public record Plan(
    Instant at,
    LbConfig observed,
    LbConfig target,
    List<RegionDecision> decisions,
    Optional<String> page,
    Map<Region, RegionState> nextStates,
    List<Region> drillsAborted) {

  public Plan {
    Objects.requireNonNull(at);
    Objects.requireNonNull(observed);
    Objects.requireNonNull(target);
    decisions = List.copyOf(decisions);
    Objects.requireNonNull(page);
    nextStates = java.util.Collections.unmodifiableMap(new TreeMap<>(nextStates));
    drillsAborted = List.copyOf(drillsAborted);
  }

  public Plan(
      Instant at,
      LbConfig observed,
      LbConfig target,
      List<RegionDecision> decisions,
      Optional<String> page,
      Map<Region, RegionState> nextStates) {
    this(at, observed, target, decisions, page, nextStates, List.of());
  }

  /** True when the load balancer must be written; a plan equal to what is there is a no-op. */
  public boolean changesLoadBalancer() {
    return !target.equals(observed);
  }

  /** Decisions where a rule stopped or limited a change. */
  public List<RegionDecision> holds() {
    return decisions.stream()
        .filter(d -> d.action() == Action.HOLD || d.action() == Action.PARTIAL_DRAIN)
        .toList();
  }

  public RegionDecision decision(Region region) {
    return decisions.stream()
        .filter(d -> d.region().equals(region))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no decision for " + region));
  }

  /** The earliest time at which the plan may change by time alone. */
  public Optional<Instant> nextActionAt() {
    return decisions.stream()
        .map(RegionDecision::nextActionAt)
        .flatMap(Optional::stream)
        .min(Instant::compareTo);
  }
}
