package dev.failover.functions;

import com.google.cloud.functions.CloudEventsFunction;
import dev.failover.gcp.intake.Intake;
import io.cloudevents.CloudEvent;

/** Entry point for Cloud Build status messages from the cloud-builds topic. */
public final class BuildsFunction implements CloudEventsFunction {
  public BuildsFunction() {
    Wiring.warm();
  }

  @Override
  public void accept(CloudEvent event) {
    Handling.accept(Intake.Stream.BUILDS, event);
  }
}
