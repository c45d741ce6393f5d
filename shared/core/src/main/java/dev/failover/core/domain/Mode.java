package dev.failover.core.domain;

/**
 * How the controller moves traffic on the load balancer.
 *
 * <ul>
 *   <li>{@link #URL_MAP_WEIGHTS}: one backend service per region, listed in the URL map's {@code
 *       weightedBackendServices}; weights are relative, 0..1000; draining sets a weight to 0.
 *   <li>{@link #URL_MAP_SUBSETS}: several backend services, each holding the serverless NEGs of a
 *       subset of the regions ({@code all}, {@code all-but-X}, ...), weighted in the URL map's
 *       {@code weightedBackendServices}; inside each the load balancer picks the closest region, so
 *       with {@code all} at full weight routing is plain nearest-region. A region's level is the
 *       share of the weight on subsets that hold it ({@link SubsetWeights}).
 *   <li>{@link #BACKEND_MEMBERSHIP}: one backend service, one serverless NEG backend per region;
 *       draining removes the backend, restoring re-adds the exact same backend entry. Nothing in
 *       between: no partial drains and no ramp.
 *   <li>{@link #CAPACITY_SCALER}: one backend service whose backends support a balancing mode;
 *       {@code capacityScaler} is 0 or 0.1..1.0, never 0 for a lone backend.
 * </ul>
 */
public enum Mode {
  URL_MAP_WEIGHTS,
  URL_MAP_SUBSETS,
  BACKEND_MEMBERSHIP,
  CAPACITY_SCALER;

  /** True when the mode can serve a region at a fraction of its base (partial drain, ramp). */
  public boolean supportsPartialLevels() {
    return this != BACKEND_MEMBERSHIP;
  }
}
