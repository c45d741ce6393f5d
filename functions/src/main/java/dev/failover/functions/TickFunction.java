package dev.failover.functions;

import com.google.cloud.functions.CloudEventsFunction;
import dev.failover.gcp.intake.Intake;
import io.cloudevents.CloudEvent;

/** Entry point for the Cloud Scheduler tick: drives ramps, expiries and health verification. */
public final class TickFunction implements CloudEventsFunction {
  public TickFunction() {
    Wiring.warm();
  }

  @Override
  public void accept(CloudEvent event) {
    Handling.accept(Intake.Stream.TICK, event);
  }
}
