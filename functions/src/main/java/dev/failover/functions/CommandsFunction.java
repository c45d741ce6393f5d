package dev.failover.functions;

import com.google.cloud.functions.CloudEventsFunction;
import dev.failover.gcp.intake.Intake;
import io.cloudevents.CloudEvent;

/** Entry point for operator commands (schema failover.command/v1) from the commands topic. */
public final class CommandsFunction implements CloudEventsFunction {
  public CommandsFunction() {
    Wiring.warm();
  }

  @Override
  public void accept(CloudEvent event) {
    Handling.accept(Intake.Stream.COMMANDS, event);
  }
}
