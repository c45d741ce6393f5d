package dev.failover.core.domain;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How the controller watches what it does not decide itself: changes made to the load balancer by
 * someone else (drift), and whether traffic really moved after a change (propagation).
 *
 * @param drift what to do when the load balancer differs from what the controller last put there
 * @param driftPinTtl how long an adopted change holds (as a pin) before the controller decides
 *     again
 * @param verifyBelowRps a drained backend counts as drained once its request rate is at most this,
 *     and a restored one counts as receiving traffic once its rate is above it
 * @param verifyWithin how long traffic may take to move before the controller pages
 */
public record Oversight(
    Drift drift, Duration driftPinTtl, double verifyBelowRps, Duration verifyWithin) {

  /** What to do about drift. Never nothing: either way a {@code drift} record is written. */
  public enum Drift {
    /**
     * Keep the change: a region someone took out gets a drain pin, a region someone put back gets a
     * force-serve pin, each for {@code driftPinTtl}. The pins obey the safety rules like any other:
     * a change that breaks one is undone. A weight changed within a serving region cannot be
     * expressed as a pin and is reverted.
     */
    ADOPT,
    /** Put back what the controller decided. */
    REVERT;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Oversight {
    Objects.requireNonNull(drift, "drift");
    Objects.requireNonNull(driftPinTtl, "drift_pin_ttl");
    Objects.requireNonNull(verifyWithin, "verify_within");
    if (driftPinTtl.compareTo(ControllerEvent.CommandEvent.MIN_TTL) < 0
        || driftPinTtl.compareTo(ControllerEvent.CommandEvent.MAX_TTL) > 0) {
      throw new IllegalArgumentException(
          "drift_pin_ttl must be between PT1M and PT72H, got " + driftPinTtl);
    }
    if (!(verifyBelowRps >= 0) || Double.isInfinite(verifyBelowRps)) {
      throw new IllegalArgumentException(
          "verify_below_rps must be a number of at least 0, got " + verifyBelowRps);
    }
    if (verifyWithin.compareTo(Duration.ofMinutes(1)) < 0
        || verifyWithin.compareTo(Duration.ofHours(6)) > 0) {
      throw new IllegalArgumentException(
          "verify_within must be between PT1M and PT6H, got " + verifyWithin);
    }
  }

  public static Oversight defaults() {
    return new Oversight(Drift.ADOPT, Duration.ofHours(1), 1.0, Duration.ofMinutes(10));
  }
}
