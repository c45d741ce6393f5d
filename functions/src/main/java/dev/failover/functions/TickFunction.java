package dev.failover.functions;

import dev.failover.gcp.intake.Intake;

/**
 * Entry point (Pub/Sub push) for the Cloud Scheduler tick: drives ramps, expiries and health
 * verification.
 */
public final class TickFunction extends PushFunction {
  @Override
  Intake.Stream stream() {
    return Intake.Stream.TICK;
  }
}
