package dev.failover.core.domain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where users are served in {@link Mode#URL_MAP_SUBSETS}, and the load that puts on each region.
 *
 * <p>Each region serves its own users (the users nearest it) at its level; the rest of them, the
 * share {@code 1 − level}, go to the first region of its {@code spill_to} that serves (level above
 * 0). Without a serving {@code spill_to} region, they are assumed to land on the serving region
 * with the least spare capacity (capacity minus the load of its own users): the worst case, since
 * the load balancer picks by proximity, which the controller was not told. A spilled share is put
 * whole on that region, even when it serves only in part (the part it does not take goes on to the
 * next-nearest region in truth): this over-counts the first region and under-counts the next, a
 * simplification stated here and in the README.
 */
public final class Geography {
  private Geography() {}

  /** The peak RPS of {@code spec}'s users: declared, or expected RPS split by base weight. */
  public static double users(Topology t, RegionSpec spec) {
    if (spec.usersRps() > 0) {
      return spec.usersRps();
    }
    double bases = t.regions().stream().mapToDouble(RegionSpec::baseWeight).sum();
    return t.expectedRps() * spec.baseWeight() / bases;
  }

  /** The load on every region at {@code levels} (thousandths), in RPS. */
  public static Map<Region, Double> loads(Topology t, Map<Region, Integer> levels) {
    Map<Region, Double> load = new LinkedHashMap<>();
    for (RegionSpec s : t.regions()) {
      load.put(s.region(), users(t, s) * levels.get(s.region()) / Topology.FULL);
    }
    Map<Region, Double> own = Map.copyOf(load);
    for (RegionSpec s : t.regions()) {
      int level = levels.get(s.region());
      if (level >= Topology.FULL) {
        continue;
      }
      Optional<Region> to = receiver(t, s, levels, own);
      double spilled = users(t, s) * (Topology.FULL - level) / Topology.FULL;
      to.ifPresent(r -> load.merge(r, spilled, Double::sum));
    }
    return load;
  }

  /**
   * Where each region's users are served at {@code levels}: their own region for the share {@code
   * level}, the region that takes them for the rest (thousandths; a share no region takes is left
   * out). Regions in topology order.
   */
  public static Map<Region, Map<Region, Integer>> servedBy(
      Topology t, Map<Region, Integer> levels) {
    Map<Region, Double> own = new LinkedHashMap<>();
    for (RegionSpec s : t.regions()) {
      own.put(s.region(), users(t, s) * levels.get(s.region()) / Topology.FULL);
    }
    Map<Region, Map<Region, Integer>> out = new LinkedHashMap<>();
    for (RegionSpec s : t.regions()) {
      Map<Region, Integer> at = new LinkedHashMap<>();
      int level = levels.get(s.region());
      if (level > 0) {
        at.put(s.region(), level);
      }
      if (level < Topology.FULL) {
        receiver(t, s, levels, own)
            .ifPresent(r -> at.merge(r, Topology.FULL - level, Integer::sum));
      }
      out.put(s.region(), at);
    }
    return out;
  }

  /**
   * Where {@code spec}'s drained users go: the first serving region of its {@code spill_to}, else
   * the serving region with the least spare capacity (ties: by name); empty when no other serves.
   */
  public static Optional<Region> receiver(
      Topology t, RegionSpec spec, Map<Region, Integer> levels, Map<Region, Double> own) {
    for (Region r : spec.spillTo()) {
      if (levels.get(r) > 0) {
        return Optional.of(r);
      }
    }
    Optional<Region> best = Optional.empty();
    double least = Double.POSITIVE_INFINITY;
    for (RegionSpec o : t.regions()) {
      if (o.region().equals(spec.region()) || levels.get(o.region()) <= 0) {
        continue;
      }
      double spare = o.capacityRps() - own.get(o.region());
      if (spare < least) {
        least = spare;
        best = Optional.of(o.region());
      }
    }
    return best;
  }
}
