package dev.failover.functions;

import com.google.cloud.functions.CloudEventsFunction;
import dev.failover.gcp.intake.Intake;
import io.cloudevents.CloudEvent;

/**
 * Entry point for operator commands the command endpoints published to the verified-commands topic
 * (only their service account may publish there), with the principal they authenticated.
 */
public final class VerifiedCommandsFunction implements CloudEventsFunction {
  public VerifiedCommandsFunction() {
    Wiring.warm();
  }

  @Override
  public void accept(CloudEvent event) {
    Handling.accept(Intake.Stream.VERIFIED_COMMANDS, event);
  }
}
