package dev.failover.core.planner;

import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.Topology;
import java.util.HashMap;
import java.util.Map;

/**
 * Each region's planned level during one planning run, with running totals over them (serving
 * regions, drained capacity, effective weight) kept on every change, so that a drain check reads
 * them instead of summing over every region. Mutable scratch state of one run, never shared.
 */
final class Levels {
  private final Topology topology;
  private final Map<Region, RegionSpec> specs = new HashMap<>();
  private final Map<Region, Integer> level = new HashMap<>();
  private int servingCount;
  private double drainedCapacity; // Σ capacity × (FULL − level) / FULL
  private double effectiveSum; // Σ base × level / FULL

  Levels(Topology topology) {
    this.topology = topology;
    topology.regions().forEach(spec -> specs.put(spec.region(), spec));
  }

  Topology topology() {
    return topology;
  }

  RegionSpec spec(Region r) {
    return specs.get(r);
  }

  int of(Region r) {
    return level.get(r);
  }

  void set(Region r, int newLevel) {
    RegionSpec spec = specs.get(r);
    Integer old = level.put(r, newLevel);
    if (old != null) {
      account(spec, old, -1);
    }
    account(spec, newLevel, 1);
  }

  private void account(RegionSpec spec, int lvl, int sign) {
    if (lvl > 0) {
      servingCount += sign;
    }
    drainedCapacity += sign * spec.capacityRps() * (Topology.FULL - lvl) / Topology.FULL;
    effectiveSum += sign * (double) spec.baseWeight() * lvl / Topology.FULL;
  }

  /** How many regions serve, {@code r} left out. */
  long othersServing(Region r) {
    return servingCount - (of(r) > 0 ? 1 : 0);
  }

  /** Capacity drained in every region but {@code r}, in requests per second. */
  double drainedCapacityOfOthers(Region r) {
    RegionSpec spec = specs.get(r);
    return drainedCapacity - spec.capacityRps() * (Topology.FULL - of(r)) / Topology.FULL;
  }

  /** Effective weight of every region but {@code r}: Σ base × level. */
  double effectiveOfOthers(Region r) {
    return effectiveSum - effective(specs.get(r));
  }

  /** A region's effective weight: base × level. */
  double effective(RegionSpec s) {
    return (double) s.baseWeight() * level.get(s.region()) / Topology.FULL;
  }

  /** The planned levels, by region. */
  Map<Region, Integer> asMap() {
    return level;
  }
}
