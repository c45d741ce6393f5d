package dev.failover.functions;

import dev.failover.gcp.intake.OperatorCommands.Door;

/**
 * The break-glass endpoint (HTTP, IAM: the break-glass group only): break-glass drain and
 * pin-serve, nothing else.
 */
public final class BreakGlassEndpointFunction extends EndpointFunction {
  @Override
  Door door() {
    return Door.BREAK_GLASS_ENDPOINT;
  }
}
