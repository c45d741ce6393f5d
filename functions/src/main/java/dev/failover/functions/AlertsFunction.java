package dev.failover.functions;

import com.google.cloud.functions.CloudEventsFunction;
import dev.failover.gcp.intake.Intake;
import io.cloudevents.CloudEvent;

/** Entry point for Cloud Monitoring alert notifications (schema 1.2) from the alerts topic. */
public final class AlertsFunction implements CloudEventsFunction {
  public AlertsFunction() {
    Wiring.warm();
  }

  @Override
  public void accept(CloudEvent event) {
    Handling.accept(Intake.Stream.ALERTS, event);
  }
}
