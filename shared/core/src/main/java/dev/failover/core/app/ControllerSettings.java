package dev.failover.core.app;

import dev.failover.core.domain.Oversight;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Topology;
import java.util.Objects;

/** What the controller is configured with: the load balancer, the policy and its oversight. */
public record ControllerSettings(
    Topology topology, Policy policy, String version, Oversight oversight) {
  public ControllerSettings {
    Objects.requireNonNull(topology);
    Objects.requireNonNull(policy);
    Objects.requireNonNull(version);
    Objects.requireNonNull(oversight);
  }

  public static ControllerSettings of(Topology topology, Policy policy, String version) {
    return new ControllerSettings(topology, policy, version, Oversight.defaults());
  }

  public ControllerSettings withOversight(Oversight o) {
    return new ControllerSettings(topology, policy, version, o);
  }
}
