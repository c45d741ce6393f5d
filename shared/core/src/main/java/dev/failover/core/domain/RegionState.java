package dev.failover.core.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the controller last decided for a region: the phase of its drain/restore cycle, the level it
 * serves at (thousandths of base) and the flap history that lengthens the restore hold.
 *
 * <p>States: {@code SERVING} (level 1000) → {@code OUT} (level 0, or partial when a safety rule
 * limited the drain) → {@code RAMPING} (step {@code rampStep} of the policy's ramp) → {@code
 * SERVING}. A relapse during the ramp goes back to {@code OUT}.
 *
 * @param phase where the region is in its cycle
 * @param level the level the controller last planned, 0..1000
 * @param rampStep index into the policy's ramp while {@code RAMPING}, else -1
 * @param since when the current phase (or ramp step) began
 * @param flapCount how many drains in a row came within the flap window of the previous restore
 * @param lastRestoreAt when the region last began to be restored, if ever
 */
public record RegionState(
    Phase phase,
    int level,
    int rampStep,
    Instant since,
    int flapCount,
    Optional<Instant> lastRestoreAt) {

  public enum Phase {
    SERVING,
    OUT,
    RAMPING
  }

  public RegionState {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(lastRestoreAt, "lastRestoreAt");
    if (level < 0 || level > Topology.FULL) {
      throw new IllegalArgumentException("level must be in 0..1000, got " + level);
    }
    if (flapCount < 0) {
      throw new IllegalArgumentException("flap count must not be negative");
    }
    switch (phase) {
      case SERVING -> {
        if (level != Topology.FULL || rampStep != -1) {
          throw new IllegalArgumentException("a serving region has level 1000 and no ramp step");
        }
      }
      case OUT -> {
        if (level == Topology.FULL || rampStep != -1) {
          throw new IllegalArgumentException("an out region has level below 1000 and no ramp step");
        }
      }
      case RAMPING -> {
        if (rampStep < 0 || level == 0) {
          throw new IllegalArgumentException(
              "a ramping region has a ramp step and a level above 0");
        }
      }
    }
  }

  /** A region the controller has never touched: fully serving. */
  public static RegionState initial() {
    return new RegionState(Phase.SERVING, Topology.FULL, -1, Instant.EPOCH, 0, Optional.empty());
  }

  public RegionState out(int newLevel, Instant now, int newFlapCount) {
    Instant drainedAt = phase == Phase.OUT ? since : now;
    return new RegionState(Phase.OUT, newLevel, -1, drainedAt, newFlapCount, lastRestoreAt);
  }

  public RegionState ramping(int step, int newLevel, Instant now) {
    Optional<Instant> restoreAt = phase == Phase.OUT ? Optional.of(now) : lastRestoreAt;
    return new RegionState(Phase.RAMPING, newLevel, step, now, flapCount, restoreAt);
  }

  public RegionState serving(Instant now) {
    Optional<Instant> restoreAt = phase == Phase.OUT ? Optional.of(now) : lastRestoreAt;
    return new RegionState(Phase.SERVING, Topology.FULL, -1, now, flapCount, restoreAt);
  }
}
