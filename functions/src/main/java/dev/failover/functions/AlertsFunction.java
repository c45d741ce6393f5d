package dev.failover.functions;

import dev.failover.gcp.intake.Intake;

/**
 * Entry point (Pub/Sub push) for Cloud Monitoring alert notifications (schema 1.2) from the alerts
 * topic.
 */
public final class AlertsFunction extends PushFunction {
  @Override
  Intake.Stream stream() {
    return Intake.Stream.ALERTS;
  }
}
