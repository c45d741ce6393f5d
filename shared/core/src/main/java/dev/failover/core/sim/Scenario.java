package dev.failover.core.sim;

import dev.failover.core.domain.BuildStatus;
import dev.failover.core.domain.ControllerEvent.CommandEvent;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A replayable story: a topology, a policy, and timed events on a virtual clock that starts at
 * {@code start}. The controller also ticks every {@code tickEvery}, as Cloud Scheduler would.
 */
public record Scenario(
    String name,
    String description,
    Topology topology,
    Policy policy,
    Instant start,
    Duration tickEvery,
    Duration duration,
    List<Step> steps) {

  public Scenario {
    Objects.requireNonNull(name);
    Objects.requireNonNull(description);
    Objects.requireNonNull(topology);
    Objects.requireNonNull(policy);
    Objects.requireNonNull(start);
    if (tickEvery.isNegative() || tickEvery.isZero()) {
      throw new IllegalArgumentException("tick_every must be positive");
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative");
    }
    steps =
        steps.stream().sorted(Comparator.comparing(Step::at)).toList(); // stable: keeps file order
    for (Step s : steps) {
      if (s.at().isNegative() || s.at().compareTo(duration) > 0) {
        throw new IllegalArgumentException(
            "event at " + s.at() + " lies outside the scenario's duration " + duration);
      }
      if (topology.find(s.region()).isEmpty()) {
        throw new IllegalArgumentException(
            "event at "
                + s.at()
                + " names region "
                + s.region()
                + ", which is not in the topology");
      }
    }
  }

  /** One timed event. {@code at} is the offset from the scenario's start. */
  public sealed interface Step
      permits HealthStep, IncidentStep, BuildStep, CommandStep, DeliveryStep, LateStep {
    Duration at();

    Region region();
  }

  /** The health source reports a status for a region. */
  public record HealthStep(Duration at, Region region, Health.Status status) implements Step {}

  /**
   * A Monitoring incident opens or closes. {@code startedAt} defaults to the time of the open (or
   * of the matching open, for a close). {@code copies} renotifications are delivered, each with its
   * own message id, as an alert storm would.
   */
  public record IncidentStep(
      Duration at,
      Region region,
      String incidentId,
      String policy,
      boolean open,
      Optional<Duration> startedAt,
      int copies)
      implements Step {}

  /** Cloud Build reports a status for a build that deploys to a region. */
  public record BuildStep(Duration at, Region region, String buildId, BuildStatus status)
      implements Step {}

  /**
   * An operator's command, delivered at {@code at}; issued at {@code issuedAt} (an offset from the
   * start; default: when published), so that a scenario can deliver a command late, after a newer
   * one. {@code target} is the incident or build id of a forget command.
   */
  public record CommandStep(
      Duration at,
      Region region,
      CommandEvent.Action action,
      String actor,
      String reason,
      Optional<Duration> ttl,
      boolean breakGlass,
      Optional<Duration> issuedAt,
      Optional<String> target)
      implements Step {}

  /**
   * A message published at {@code sent.at()} (its source time and Pub/Sub publish time) and
   * delivered only at {@code at}, as after a subscriber outage or a long retry: the controller sees
   * a delivery whose publish time lies in the past.
   */
  public record LateStep(Duration at, Step sent) implements Step {
    public LateStep {
      Objects.requireNonNull(sent, "sent");
      if (sent instanceof HealthStep || sent instanceof DeliveryStep || sent instanceof LateStep) {
        throw new IllegalArgumentException(
            "published only applies to incident, build and command events");
      }
      if (sent.at().isNegative()) {
        throw new IllegalArgumentException("published must not be negative, got " + sent.at());
      }
      if (sent.at().compareTo(at) > 0) {
        throw new IllegalArgumentException(
            "published " + sent.at() + " lies after the delivery at " + at);
      }
    }

    @Override
    public Region region() {
      return sent.region();
    }
  }

  /**
   * A late delivery: step {@code index} (in file order) delivered again at {@code at} with its
   * original message id, as Pub/Sub redelivers.
   */
  public record DeliveryStep(Duration at, Region region, int index) implements Step {}
}
