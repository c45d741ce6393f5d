package dev.failover.cli;

import dev.failover.core.app.Controller;
import dev.failover.core.port.Pause;
import dev.failover.gcp.config.Components;
import dev.failover.gcp.config.Env;
import java.io.PrintWriter;
import java.time.Clock;

/** Opens the configured adapters for a command that reads the controller's state. */
final class Adapters implements AutoCloseable {
  final Env env;
  final Components components;
  final Controller controller;

  Adapters(ConfigOptions config, Clock clock, PrintWriter err) {
    this.env = config.env();
    this.components =
        Components.open(env, clock, config.environment(), m -> err.println("failoverctl: " + m));
    // reading commands write no audit records: nothing they do changes anything
    this.controller = components.intake(env, r -> {}, clock, Pause.NONE).controller();
  }

  @Override
  public void close() {
    components.close();
  }
}
