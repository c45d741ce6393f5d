package dev.failover.core.app;

import dev.failover.core.domain.Oversight;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Topology;
import java.time.Duration;
import java.util.Objects;

/**
 * What the controller is configured with: the load balancer, the policy and its oversight, and the
 * time one reconcile may take.
 *
 * @param budget the most one reconcile may take (default {@link #DEFAULT_BUDGET}, half the
 *     functions' 120 s timeout): no new attempt starts after it, and a write waits for the platform
 *     only for what is left of it
 */
public record ControllerSettings(
    Topology topology, Policy policy, String version, Oversight oversight, Duration budget) {

  public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(60);

  /** The least a write is given to be confirmed, even when the budget is nearly spent. */
  static final Duration MIN_WAIT = Duration.ofSeconds(1);

  public ControllerSettings {
    Objects.requireNonNull(topology);
    Objects.requireNonNull(policy);
    Objects.requireNonNull(version);
    Objects.requireNonNull(oversight);
    Objects.requireNonNull(budget, "budget");
    if (budget.compareTo(Duration.ofSeconds(5)) < 0
        || budget.compareTo(Duration.ofMinutes(9)) > 0) {
      throw new IllegalArgumentException(
          "the reconcile budget must be between PT5S and PT9M, got " + budget);
    }
  }

  public static ControllerSettings of(Topology topology, Policy policy, String version) {
    return new ControllerSettings(topology, policy, version, Oversight.defaults(), DEFAULT_BUDGET);
  }

  public ControllerSettings withOversight(Oversight o) {
    return new ControllerSettings(topology, policy, version, o, budget);
  }

  public ControllerSettings withBudget(Duration b) {
    return new ControllerSettings(topology, policy, version, oversight, b);
  }
}
