package dev.failover.core.planner;

import dev.failover.core.domain.Region;
import dev.failover.core.domain.Setting;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The plan for one region, with its reason.
 *
 * @param region the region
 * @param before the setting observed on the load balancer
 * @param after the setting the plan wants
 * @param levelAfter the planned level, in thousandths of base
 * @param action what the plan does
 * @param why why, as a value ({@link #reason} writes it in words an operator can act on)
 * @param rule the rule that shaped or stopped the change, if any
 * @param wantedOut why the region is wanted out, if it is
 * @param nextActionAt when the plan for this region may change by time alone (end of a hold, a
 *     dwell or a pin)
 */
public record RegionDecision(
    Region region,
    Setting before,
    Setting after,
    int levelAfter,
    Action action,
    Reason why,
    Optional<Rule> rule,
    Optional<Reason> wantedOut,
    Optional<Instant> nextActionAt) {

  public RegionDecision {
    Objects.requireNonNull(region);
    Objects.requireNonNull(before);
    Objects.requireNonNull(after);
    Objects.requireNonNull(action);
    Objects.requireNonNull(why);
    Objects.requireNonNull(rule);
    Objects.requireNonNull(wantedOut);
    Objects.requireNonNull(nextActionAt);
  }

  /** Why, in words an operator can act on. */
  public String reason() {
    return why.text();
  }

  public boolean changes() {
    return !before.equals(after);
  }
}
