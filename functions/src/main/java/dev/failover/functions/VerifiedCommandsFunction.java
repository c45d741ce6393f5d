package dev.failover.functions;

import dev.failover.gcp.intake.Intake;

/**
 * Entry point (Pub/Sub push) for operator commands the command endpoints published to the
 * verified-commands topic (only their service account may publish there), with the principal they
 * authenticated.
 */
public final class VerifiedCommandsFunction extends PushFunction {
  @Override
  Intake.Stream stream() {
    return Intake.Stream.VERIFIED_COMMANDS;
  }
}
