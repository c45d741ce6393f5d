package dev.failover.core.domain;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The knobs of the planner's rules, each with a default (see {@link #defaults()}). The rules are
 * described on {@link dev.failover.core.planner.Planner}.
 *
 * @param minServingRegions regions that always keep serving, unless an operator breaks glass (1)
 * @param maxDrainedFraction the largest share of total declared capacity that may be drained (0.5)
 * @param headroom survivors may take up to their declared capacity times this (0.8)
 * @param restoreAfter how long a region must be healthy, after its drain, before it is restored (5
 *     min)
 * @param rampSteps the restore ramp, in thousandths of base, strictly rising, ending at 1000 (100,
 *     250, 500, 1000)
 * @param stepDwell how long each ramp step holds before the next, given a healthy check (2 min)
 * @param flapWindow a drain within this long of the previous restore counts as a flap (1 h)
 * @param maxRestoreHold the cap on the restore hold after flap doubling (1 h)
 * @param drainOnDeploy drain a region while a build deploys to it alone (false): at most until the
 *     deploy's deadline, then audited ({@code expired}, rule {@code deploy_timeout}) and no longer
 *     wanted out; whatever status the build ends with, the region comes back through the restore
 *     hold and the ramp. A failed build never drains: a failed Cloud Run deploy leaves the previous
 *     revision serving
 * @param incidentStaleAfter an open incident older than this, in a region health has said HEALTHY
 *     for the restore hold, no longer wants its region out: its close was probably lost (2 h; must
 *     exceed the alert policies' auto_close, 30 min in the shipped Terraform)
 * @param deployTimeout how long a deploy may keep its region out (1 min .. 24 h; unset: the build's
 *     own {@code timeout}, else 30 min)
 */
public record Policy(
    int minServingRegions,
    double maxDrainedFraction,
    double headroom,
    Duration restoreAfter,
    List<Integer> rampSteps,
    Duration stepDwell,
    Duration flapWindow,
    Duration maxRestoreHold,
    boolean drainOnDeploy,
    Duration incidentStaleAfter,
    Optional<Duration> deployTimeout) {

  public Policy {
    if (minServingRegions < 1) {
      throw new IllegalArgumentException(
          "minServingRegions must be at least 1, got " + minServingRegions);
    }
    if (!(maxDrainedFraction >= 0 && maxDrainedFraction <= 1)) {
      throw new IllegalArgumentException(
          "maxDrainedFraction must be in 0..1, got " + maxDrainedFraction);
    }
    if (!(headroom > 0 && headroom <= 1)) {
      throw new IllegalArgumentException("headroom must be in (0, 1], got " + headroom);
    }
    requireNonNegative(restoreAfter, "restoreAfter");
    requireNonNegative(stepDwell, "stepDwell");
    requireNonNegative(flapWindow, "flapWindow");
    requireNonNegative(maxRestoreHold, "maxRestoreHold");
    if (maxRestoreHold.compareTo(restoreAfter) < 0) {
      throw new IllegalArgumentException(
          "maxRestoreHold ("
              + maxRestoreHold
              + ") must not be shorter than restoreAfter ("
              + restoreAfter
              + ")");
    }
    Objects.requireNonNull(incidentStaleAfter, "incidentStaleAfter");
    Objects.requireNonNull(deployTimeout, "deployTimeout");
    if (deployTimeout.isPresent()
        && (deployTimeout.get().compareTo(Duration.ofMinutes(1)) < 0
            || deployTimeout.get().compareTo(Duration.ofHours(24)) > 0)) {
      throw new IllegalArgumentException(
          "deployTimeout must be between PT1M and PT24H, got " + deployTimeout.get());
    }
    if (incidentStaleAfter.compareTo(MIN_INCIDENT_STALE_AFTER) <= 0) {
      throw new IllegalArgumentException(
          "incidentStaleAfter must exceed the alert policies' auto_close (PT30M), got "
              + incidentStaleAfter);
    }
    rampSteps = List.copyOf(Objects.requireNonNull(rampSteps, "rampSteps"));
    if (rampSteps.isEmpty() || rampSteps.get(rampSteps.size() - 1) != Topology.FULL) {
      throw new IllegalArgumentException("rampSteps must end at 100% (1000), got " + rampSteps);
    }
    int previous = 0;
    for (int step : rampSteps) {
      if (step <= previous) {
        throw new IllegalArgumentException(
            "rampSteps must rise strictly from above 0 to 1000, got " + rampSteps);
      }
      previous = step;
    }
  }

  /** A policy whose deploys end by the build's own timeout (else 30 minutes). */
  public Policy(
      int minServingRegions,
      double maxDrainedFraction,
      double headroom,
      Duration restoreAfter,
      List<Integer> rampSteps,
      Duration stepDwell,
      Duration flapWindow,
      Duration maxRestoreHold,
      boolean drainOnDeploy,
      Duration incidentStaleAfter) {
    this(
        minServingRegions,
        maxDrainedFraction,
        headroom,
        restoreAfter,
        rampSteps,
        stepDwell,
        flapWindow,
        maxRestoreHold,
        drainOnDeploy,
        incidentStaleAfter,
        Optional.empty());
  }

  /** The alert policies' auto_close in the shipped Terraform: an open incident lasts this long. */
  public static final Duration MIN_INCIDENT_STALE_AFTER = Duration.ofMinutes(30);

  private static void requireNonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, got " + d);
    }
  }

  public static Policy defaults() {
    return new Policy(
        1,
        0.5,
        0.8,
        Duration.ofMinutes(5),
        List.of(100, 250, 500, 1000),
        Duration.ofMinutes(2),
        Duration.ofHours(1),
        Duration.ofHours(1),
        false,
        Duration.ofHours(2));
  }

  /**
   * The restore hold after {@code flapCount} flaps in a row: {@code restoreAfter × 2^flapCount},
   * capped at {@code maxRestoreHold}.
   */
  public Duration restoreHold(int flapCount) {
    Duration hold = restoreAfter;
    for (int i = 0; i < flapCount && hold.compareTo(maxRestoreHold) < 0; i++) {
      hold = hold.multipliedBy(2);
    }
    return hold.compareTo(maxRestoreHold) > 0 ? maxRestoreHold : hold;
  }

  public Policy withDrainOnDeploy(boolean value) {
    return new Policy(
        minServingRegions,
        maxDrainedFraction,
        headroom,
        restoreAfter,
        rampSteps,
        stepDwell,
        flapWindow,
        maxRestoreHold,
        value,
        incidentStaleAfter,
        deployTimeout);
  }

  public Policy withMinServingRegions(int value) {
    return new Policy(
        value,
        maxDrainedFraction,
        headroom,
        restoreAfter,
        rampSteps,
        stepDwell,
        flapWindow,
        maxRestoreHold,
        drainOnDeploy,
        incidentStaleAfter,
        deployTimeout);
  }

  public Policy withDeployTimeout(Optional<Duration> value) {
    return new Policy(
        minServingRegions,
        maxDrainedFraction,
        headroom,
        restoreAfter,
        rampSteps,
        stepDwell,
        flapWindow,
        maxRestoreHold,
        drainOnDeploy,
        incidentStaleAfter,
        value);
  }
}
