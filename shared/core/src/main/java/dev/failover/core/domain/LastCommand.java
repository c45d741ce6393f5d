package dev.failover.core.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * The newest operator command recorded for a region, kept after the pin it set or cleared is gone,
 * so that an older command delivered later (a redelivery after a failure, a delayed message) cannot
 * reverse what the operator asked last.
 *
 * @param commandId the command's message id
 * @param action the command's action, in wire form ({@code drain}, {@code restore}, ...)
 * @param actor who asked (as the command says)
 * @param at when the command was issued
 */
public record LastCommand(String commandId, String action, String actor, Instant at) {
  public LastCommand {
    Text.requireText(commandId, "command id", 256);
    Text.requireText(action, "action", 32);
    Text.requireText(actor, "requested_by", 256);
    Objects.requireNonNull(at, "at");
  }

  /** How a stale command's audit record names this one. */
  public String describe(Region region) {
    return "the "
        + action
        + " of "
        + region
        + " by "
        + actor
        + " at "
        + at
        + " (command "
        + commandId
        + ")";
  }
}
