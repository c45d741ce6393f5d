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

  /** The shortest and longest budget accepted. */
  public static final Duration MIN_BUDGET = Duration.ofSeconds(5);

  public static final Duration MAX_BUDGET = Duration.ofMinutes(9);

  public ControllerSettings {
    Objects.requireNonNull(topology);
    Objects.requireNonNull(policy);
    Objects.requireNonNull(version);
    Objects.requireNonNull(oversight);
    Objects.requireNonNull(budget, "budget");
    if (!budgetAllowed(budget)) {
      throw new IllegalArgumentException(
          "the reconcile budget must be between "
              + MIN_BUDGET
              + " and "
              + MAX_BUDGET
              + ", got "
              + budget);
    }
  }

  /** True for a budget between {@link #MIN_BUDGET} and {@link #MAX_BUDGET}. */
  public static boolean budgetAllowed(Duration budget) {
    return budget.compareTo(MIN_BUDGET) >= 0 && budget.compareTo(MAX_BUDGET) <= 0;
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
