package dev.failover.functions;

import dev.failover.gcp.intake.Intake;

/**
 * Entry point (Pub/Sub push) for operator commands (schema failover.command/v1) published straight
 * to the commands topic: the sender is unverified.
 */
public final class CommandsFunction extends PushFunction {
  @Override
  Intake.Stream stream() {
    return Intake.Stream.COMMANDS;
  }
}
