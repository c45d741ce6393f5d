package dev.failover.core.planner;

import java.util.Locale;

/** The rules that can shape or stop a change; their wire names appear in audit records. */
public enum Rule {
  /** At least {@code minServingRegions} keep serving. */
  MIN_SERVING_REGIONS,
  /** Drains stop at {@code maxDrainedFraction} of total declared capacity. */
  MAX_DRAINED_FRACTION,
  /** Survivors must stay under declared capacity × headroom; drains may be partial. */
  HEADROOM,
  /** Every region is wanted out: freeze and page. */
  ALL_REGIONS_SICK,
  /**
   * The load balancer has no subset backend service for the level combination a change needs
   * ({@link dev.failover.core.domain.Mode#URL_MAP_SUBSETS}; which subsets exist is the deployment's
   * {@code max_regions_out}).
   */
  SUBSET_MISSING,
  /** Even a break-glass drain cannot take the last serving region off the load balancer. */
  LAST_REGION,
  /** A region is restored only after it has been healthy for {@code restoreAfter}. */
  RESTORE_HOLD,
  /** The restore hold doubled because the region flapped. */
  FLAP_DAMPING,
  /** No health data: never taken as healthy. */
  NO_HEALTH_DATA,
  /** Health says unhealthy. */
  UNHEALTHY,
  /** A ramp step holds for {@code stepDwell}. */
  RAMP_DWELL,
  /** An operator's break-glass command overrode the safety rules. */
  BREAK_GLASS,
  /** An operator's force-serve pin keeps the region in. */
  FORCE_SERVE,
  /** A practice drain ({@code failoverctl drill}). */
  DRILL,
  /** A drill ended (its time ran out, or an operator restored the region): restored at once. */
  DRILL_END,
  /** A drill was aborted because another region is wanted out: restored at once. */
  DRILL_ABORTED,
  /** The load balancer differs from what the controller wrote (an out-of-band change). */
  DRIFT,
  /**
   * A region of the topology the load balancer does not list yet (just added): it joins drained and
   * comes in through the restore hold and the ramp.
   */
  REGION_ADDED;

  /** The name used in audit records and logs, e.g. {@code min_serving_regions}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
