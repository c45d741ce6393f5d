package dev.failover.core.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Region levels to URL-map weights over region subsets, and back ({@link Mode#URL_MAP_SUBSETS}).
 *
 * <p>Each subset is a backend service holding the serverless NEGs of some regions; inside it the
 * load balancer sends each request to the closest of them. With independent levels {@code l_r}
 * (fractions of 1000), the share of subset S is {@code w(S) = Π_{r∈S} l_r × Π_{r∉S} (1 − l_r)}:
 * every region at full puts all the weight on {@code all} (plain nearest-region routing), a region
 * at 0 moves its users to their next-nearest region, a region at level l keeps the fraction l of
 * its own users.
 *
 * <p>Integer weights summing to 1000 are taken so that each region's share is its level
 * <em>exactly</em> (no region at a non-zero level can round to zero, and reading the weights back
 * gives the levels written): with P the regions between 0 and full, {@code q(T) = round(1000 ×
 * Π_{r∈T} l_r)} for every T ⊆ P (exact for |T| ≤ 1), and the weight of the subset holding the full
 * regions and exactly U ⊆ P is the Möbius inversion {@code W(U) = Σ_{T⊇U} (−1)^{|T∖U|} q(T)}, whose
 * sums over U ∋ r are {@code q({r}) = l_r}. A level combination is written only if every subset
 * with a positive weight exists and no weight comes out negative (possible, by rounding, only with
 * three or more regions partially out at once); otherwise it is not representable and the planner
 * holds.
 */
public final class SubsetWeights {
  private SubsetWeights() {}

  /** The weights for some levels, or why they cannot be written. */
  public sealed interface Outcome permits Weights, Missing {}

  /** Weight per subset backend service, in the topology's subset order; they sum to 1000. */
  public record Weights(Map<String, Integer> byBackend) implements Outcome {}

  /** The regions a subset would need to hold, which no subset of the topology does. */
  public record Missing(Set<Region> regions, String why) implements Outcome {}

  /** The weights that put each region at its level (thousandths). */
  public static Outcome weights(List<Subset> subsets, Map<Region, Integer> levels) {
    List<Region> full = new ArrayList<>();
    List<Region> partial = new ArrayList<>();
    levels.forEach(
        (r, l) -> {
          if (l >= Topology.FULL) {
            full.add(r);
          } else if (l > 0) {
            partial.add(r);
          }
        });
    int k = partial.size();
    long[] q = new long[1 << k];
    for (int t = 0; t < q.length; t++) {
      double p = Topology.FULL;
      for (int i = 0; i < k; i++) {
        if ((t & (1 << i)) != 0) {
          p = p * levels.get(partial.get(i)) / Topology.FULL;
        }
      }
      q[t] = Math.round(p);
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    subsets.forEach(s -> out.put(s.backend(), 0));
    for (int u = 0; u < q.length; u++) {
      long w = 0;
      for (int t = u; t < q.length; t = (t + 1) | u) {
        w += (Integer.bitCount(t & ~u) % 2 == 0 ? 1 : -1) * q[t];
      }
      Set<Region> holds = new TreeSet<>(full);
      for (int i = 0; i < k; i++) {
        if ((u & (1 << i)) != 0) {
          holds.add(partial.get(i));
        }
      }
      if (w < 0) {
        return new Missing(
            holds, "the levels cannot be written exactly (rounding leaves a negative weight)");
      }
      if (w == 0) {
        continue;
      }
      Optional<Subset> s = subsets.stream().filter(x -> x.regions().equals(holds)).findFirst();
      if (s.isEmpty()) {
        return new Missing(
            holds,
            holds.isEmpty()
                ? "no region would serve that share of the traffic"
                : "no subset backend service holds exactly " + holds);
      }
      out.put(s.get().backend(), (int) w);
    }
    return new Weights(out);
  }

  /**
   * Each region's level (thousandths, rounded) from the weights on the subsets: its share of the
   * total weight on subsets that hold it. Empty when every weight is zero.
   */
  public static Optional<Map<Region, Integer>> levels(
      List<Subset> subsets, List<Region> regions, Map<String, Integer> weights) {
    long total = 0;
    for (Subset s : subsets) {
      total += weights.getOrDefault(s.backend(), 0);
    }
    if (total <= 0) {
      return Optional.empty();
    }
    Map<Region, Integer> levels = new LinkedHashMap<>();
    for (Region r : regions) {
      long held = 0;
      for (Subset s : subsets) {
        if (s.regions().contains(r)) {
          held += weights.getOrDefault(s.backend(), 0);
        }
      }
      levels.put(r, (int) Math.round((double) Topology.FULL * held / total));
    }
    return Optional.of(levels);
  }
}
