package dev.failover.cli;

import dev.failover.core.domain.Health;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.port.AuditSink;
import dev.failover.core.port.Pause;
import dev.failover.gcp.config.Assembly;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.intake.Intake;
import java.time.Instant;

/**
 * The real handlers over in-memory adapters on a virtual clock, as {@code simulate} and {@code
 * replay} run them: the load balancer starts at the topology's base config (and keeps the
 * platform's rules), memory starts empty, every region is healthy from {@code start} until the
 * caller reports otherwise, and retries do not wait.
 */
final class EmbeddedHarness {
  final VirtualClock clock;
  final InMemoryLoadBalancer loadBalancer;
  final ScriptedHealthSource health;
  final Intake intake;

  EmbeddedHarness(Env env, Instant start, AuditSink audit) {
    this.clock = new VirtualClock(start);
    this.loadBalancer = new InMemoryLoadBalancer(env.topology().baseConfig());
    this.health = new ScriptedHealthSource();
    env.topology().regionNames().forEach(r -> health.report(r, Health.Status.HEALTHY, start));
    this.intake =
        Assembly.intake(
            env, new InMemoryStateStore(), loadBalancer, health, audit, clock, Pause.NONE);
  }
}
