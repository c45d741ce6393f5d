package dev.failover.core.planner;

import dev.failover.core.domain.Geography;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.Topology;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntPredicate;

/**
 * The safety rules one drain must pass, one check per rule, in the order the {@link Planner}'s
 * javadoc states them, against the levels already planned. Pure, apart from reading the run's
 * levels.
 */
final class SafetyRules {
  private static final double EPSILON = 1e-9;

  private SafetyRules() {}

  /** A region wanted out whose level is above zero, to be checked. */
  record Candidate(Region region, Want want, Optional<java.time.Instant> pinExpiry) {}

  /** What the rules allow. */
  sealed interface Outcome {}

  /** Drain to {@code level} (0: fully), shaped by {@code rule} if any. */
  record Drain(int level, Action action, Optional<Rule> rule, Reason reason) implements Outcome {}

  /** Stop: {@code rule} holds the drain, because {@code why}. */
  record Hold(Rule rule, Reason why) implements Outcome {}

  static Outcome check(Candidate c, boolean allOut, Levels levels, Policy policy) {
    if (c.want().breakGlass()) {
      return lastRegion(c, levels);
    }
    Optional<Hold> held =
        allRegionsSick(allOut)
            .or(() -> minServingRegions(c.region(), levels, policy))
            .or(() -> maxDrainedFraction(c.region(), levels, policy));
    return held.isPresent() ? held.get() : headroom(c, levels, policy);
  }

  /** 1. When every region is wanted out, nothing changes: freeze (and page). */
  static Optional<Hold> allRegionsSick(boolean allOut) {
    return allOut
        ? Optional.of(new Hold(Rule.ALL_REGIONS_SICK, new Reason.AllRegionsSick()))
        : Optional.empty();
  }

  /** 2. At least {@code minServingRegions} other regions keep serving. */
  static Optional<Hold> minServingRegions(Region r, Levels levels, Policy policy) {
    long others = levels.othersServing(r);
    if (others >= policy.minServingRegions()) {
      return Optional.empty();
    }
    return Optional.of(
        new Hold(
            Rule.MIN_SERVING_REGIONS,
            new Reason.TooFewServing(others, policy.minServingRegions())));
  }

  /** 3. The drained share of total declared capacity stays within {@code maxDrainedFraction}. */
  static Optional<Hold> maxDrainedFraction(Region r, Levels levels, Policy policy) {
    double total = levels.topology().totalCapacityRps();
    double drainedAfter = levels.drainedCapacityOfOthers(r) + levels.spec(r).capacityRps();
    if (drainedAfter <= policy.maxDrainedFraction() * total + EPSILON) {
      return Optional.empty();
    }
    return Optional.of(
        new Hold(
            Rule.MAX_DRAINED_FRACTION,
            new Reason.TooMuchDrained(
                100 * drainedAfter / total, 100 * policy.maxDrainedFraction())));
  }

  /**
   * 4. Every other serving region stays under its capacity × headroom: a full drain, a partial one
   * (modes with partial levels), or a hold.
   */
  static Outcome headroom(Candidate c, Levels levels, Policy policy) {
    Region r = c.region();
    Want w = c.want();
    OptionalInt floor = headroomFloor(r, levels, policy);
    int limit = (int) Math.round(policy.headroom() * Topology.FULL);
    if (floor.isPresent() && floor.getAsInt() == 0) {
      Optional<Rule> rule =
          w.source() == Want.Source.DRILL ? Optional.of(Rule.DRILL) : Optional.empty();
      return new Drain(0, Action.DRAIN, rule, w.reason());
    }
    if (floor.isPresent()
        && levels.topology().mode().supportsPartialLevels()
        && floor.getAsInt() < levels.of(r)) {
      int level = floor.getAsInt();
      return new Drain(
          level,
          Action.PARTIAL_DRAIN,
          Optional.of(Rule.HEADROOM),
          new Reason.PartialDrain(w.reason(), level, limit));
    }
    return new Hold(Rule.HEADROOM, new Reason.NoHeadroom(limit));
  }

  /**
   * The least level (thousandths, rounded up) region {@code r} must keep so that every other
   * serving region stays within headroom: 0 when a full drain is safe; empty when no other region
   * serves, so that no level of {@code r} would do.
   *
   * <p>Traffic splits in proportion to effective weights {@code e = base × level}; survivor j keeps
   * {@code expectedRps × e_j / Σe ≤ capacity_j × headroom}. The most loaded survivor (largest
   * {@code e_j / capacity_j}) binds first: with W the other regions' effective weight, {@code
   * level_r ≥ (expectedRps × e_j / (headroom × capacity_j) − W) / base_r}.
   */
  static OptionalInt headroomFloor(Region r, Levels levels, Policy policy) {
    if (levels.topology().mode() == Mode.URL_MAP_SUBSETS) {
      return nearestFloor(r, levels, policy);
    }
    double expected = levels.topology().expectedRps();
    if (expected <= 0) {
      return OptionalInt.of(0);
    }
    double maxRatio = -1;
    for (RegionSpec s : levels.topology().regions()) {
      double e = levels.effective(s);
      if (!s.region().equals(r) && e > 0) {
        maxRatio = Math.max(maxRatio, e / s.capacityRps());
      }
    }
    if (maxRatio < 0) {
      return OptionalInt.empty();
    }
    double need = expected * maxRatio / policy.headroom() - levels.effectiveOfOthers(r);
    double fraction = need / levels.spec(r).baseWeight();
    if (fraction <= EPSILON) {
      return OptionalInt.of(0);
    }
    return OptionalInt.of((int) Math.ceil(fraction * Topology.FULL - EPSILON));
  }

  /**
   * The least level of {@code r} that keeps every other serving region within capacity × headroom
   * when users are served by their nearest serving region ({@link Geography}): a region already
   * past it may stay there, but is not pushed further. Empty when no other region serves.
   */
  static OptionalInt nearestFloor(Region r, Levels levels, Policy policy) {
    Topology t = levels.topology();
    Map<Region, Integer> at = new HashMap<>(levels.asMap());
    if (levels.othersServing(r) < 1) {
      return OptionalInt.empty();
    }
    Map<Region, Double> before = Geography.loads(t, at);
    IntPredicate fits =
        x -> {
          at.put(r, x);
          Map<Region, Double> after = Geography.loads(t, at);
          for (RegionSpec s : t.regions()) {
            Region j = s.region();
            if (j.equals(r) || at.get(j) <= 0) {
              continue;
            }
            double load = after.get(j);
            if (load > s.capacityRps() * policy.headroom() + EPSILON
                && load > before.get(j) + EPSILON) {
              return false;
            }
          }
          return true;
        };
    int current = levels.of(r);
    if (fits.test(0)) {
      return OptionalInt.of(0);
    }
    // fits(current) holds: nothing moves; find the least level that still fits
    int lo = 0;
    int hi = current;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (fits.test(mid)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return OptionalInt.of(hi);
  }

  /** 5. Break-glass skips 1–4 but never takes the last serving region off. */
  static Outcome lastRegion(Candidate c, Levels levels) {
    if (levels.othersServing(c.region()) < 1) {
      return new Hold(Rule.LAST_REGION, new Reason.LastRegion());
    }
    return new Drain(0, Action.DRAIN, Optional.of(Rule.BREAK_GLASS), c.want().reason());
  }
}
