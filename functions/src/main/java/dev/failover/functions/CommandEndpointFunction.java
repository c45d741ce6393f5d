package dev.failover.functions;

import dev.failover.gcp.intake.OperatorCommands.Door;

/**
 * The command endpoint (HTTP, IAM: the operators group): operator commands with the caller's
 * verified principal.
 */
public final class CommandEndpointFunction extends EndpointFunction {
  @Override
  Door door() {
    return Door.ENDPOINT;
  }
}
