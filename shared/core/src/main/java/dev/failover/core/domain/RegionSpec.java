package dev.failover.core.domain;

import java.util.Objects;

/**
 * What the operator declares about one region.
 *
 * @param region the region
 * @param backend the load-balancer object for this region: the backend service URL in {@link
 *     Mode#URL_MAP_WEIGHTS}, the serverless NEG (backend {@code group}) URL in the other modes
 * @param baseWeight the region's normal share of traffic, relative to the others (1..1000). In
 *     {@link Mode#URL_MAP_WEIGHTS} this is the weight written when the region serves fully; in the
 *     other modes it is the traffic share used by the headroom rule.
 * @param baseScalerMilli the {@code capacityScaler} (thousandths, 100..1000) written when the
 *     region serves fully in {@link Mode#CAPACITY_SCALER}; ignored by the other modes
 * @param capacityRps the most requests per second the region can take (its declared capacity)
 * @param usersRps the peak RPS of the users nearest this region ({@link Mode#URL_MAP_SUBSETS},
 *     where each region serves its own users); 0 when not declared: the topology's expected RPS
 *     split by base weight
 * @param spillTo where this region's users go when it is drained ({@link Mode#URL_MAP_SUBSETS}):
 *     the other regions, nearest first; the first that serves takes them. Empty when not declared:
 *     the headroom rule then assumes the serving region with the least spare capacity takes them
 */
public record RegionSpec(
    Region region,
    String backend,
    int baseWeight,
    int baseScalerMilli,
    double capacityRps,
    double usersRps,
    java.util.List<Region> spillTo) {

  /** A region without geography (users and spill order not declared). */
  public RegionSpec(
      Region region, String backend, int baseWeight, int baseScalerMilli, double capacityRps) {
    this(region, backend, baseWeight, baseScalerMilli, capacityRps, 0, java.util.List.of());
  }

  public RegionSpec {
    Objects.requireNonNull(region, "region");
    Text.requireText(backend, "backend of " + region, 1024);
    if (baseWeight < 1 || baseWeight > Setting.Weight.MAX) {
      throw new IllegalArgumentException(
          "base weight of " + region + " must be in 1..1000, got " + baseWeight);
    }
    if (baseScalerMilli < 100 || baseScalerMilli > 1000) {
      throw new IllegalArgumentException(
          "base capacityScaler of "
              + region
              + " must be in 0.1..1.0, got "
              + (baseScalerMilli / 1000.0));
    }
    if (!(capacityRps > 0) || Double.isInfinite(capacityRps)) {
      throw new IllegalArgumentException(
          "declared capacity of "
              + region
              + " must be a positive number of RPS, got "
              + capacityRps);
    }
    if (!(usersRps >= 0) || Double.isInfinite(usersRps)) {
      throw new IllegalArgumentException(
          "users RPS of " + region + " must be zero or positive, got " + usersRps);
    }
    spillTo = java.util.List.copyOf(Objects.requireNonNull(spillTo, "spill_to of " + region));
    if (spillTo.contains(region)) {
      throw new IllegalArgumentException("spill_to of " + region + " names the region itself");
    }
    if (new java.util.HashSet<>(spillTo).size() != spillTo.size()) {
      throw new IllegalArgumentException("spill_to of " + region + " names a region twice");
    }
  }

  /** The same region with its users' peak and where they go when it is drained. */
  public RegionSpec withGeography(double users, java.util.List<Region> spill) {
    return new RegionSpec(region, backend, baseWeight, baseScalerMilli, capacityRps, users, spill);
  }

  /** A region with scaler 1.0. */
  public static RegionSpec of(Region region, String backend, int baseWeight, double capacityRps) {
    return new RegionSpec(region, backend, baseWeight, 1000, capacityRps);
  }
}
