package dev.failover.functions;

import dev.failover.gcp.intake.Intake;

/** Entry point (Pub/Sub push) for Cloud Build status messages from the cloud-builds topic. */
public final class BuildsFunction extends PushFunction {
  @Override
  Intake.Stream stream() {
    return Intake.Stream.BUILDS;
  }
}
