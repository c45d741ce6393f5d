package dev.failover.gcp.config;

import dev.failover.core.app.Controller;
import dev.failover.core.app.ControllerSettings;
import dev.failover.core.port.AuditSink;
import dev.failover.core.port.HealthSource;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.Pause;
import dev.failover.core.port.StateStore;
import dev.failover.core.port.TrafficSource;
import dev.failover.gcp.intake.CloudBuilds;
import dev.failover.gcp.intake.Intake;
import dev.failover.gcp.intake.MonitoringAlerts;
import dev.failover.gcp.intake.OperatorCommands;
import java.time.Clock;

/** Puts the handlers together from a validated {@link Env} and the chosen adapters. */
public final class Assembly {
  public static final String VERSION = "0.1.0";

  private Assembly() {}

  /**
   * The command endpoint behind one door: checks commands with the parser the commands function
   * runs, publishes them through {@code outlet}, audits refusals to {@code audit}.
   */
  public static dev.failover.gcp.intake.CommandEndpoint commandEndpoint(
      dev.failover.gcp.intake.OperatorCommands.Door door,
      Env env,
      dev.failover.gcp.intake.CommandEndpoint.Outlet outlet,
      AuditSink audit,
      Clock clock) {
    return new dev.failover.gcp.intake.CommandEndpoint(
        door,
        new OperatorCommands(env.topology()),
        outlet,
        new dev.failover.core.app.InputRefusals(env.topology(), VERSION, audit, clock),
        clock);
  }

  public static Intake intake(
      Env env,
      StateStore store,
      LoadBalancer loadBalancer,
      HealthSource health,
      AuditSink audit,
      Clock clock,
      Pause pause) {
    return intake(env, store, loadBalancer, health, TrafficSource.NONE, audit, clock, pause);
  }

  public static Intake intake(
      Env env,
      StateStore store,
      LoadBalancer loadBalancer,
      HealthSource health,
      TrafficSource traffic,
      AuditSink audit,
      Clock clock,
      Pause pause) {
    Controller controller =
        new Controller(
            ControllerSettings.of(env.topology(), env.policy(), VERSION)
                .withOversight(env.oversight())
                .withBudget(env.google().reconcileBudget()),
            store,
            loadBalancer,
            health,
            audit,
            clock,
            pause,
            traffic);
    return new Intake(
        controller,
        new MonitoringAlerts(env.topology(), env.regionByPolicy()),
        new CloudBuilds(env.topology(), env.buildRouting()),
        new OperatorCommands(env.topology()),
        env.maxEventAge(),
        clock);
  }
}
