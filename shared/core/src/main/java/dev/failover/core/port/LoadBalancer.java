package dev.failover.core.port;

import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Region;
import java.util.Map;

/**
 * The load balancer the controller steers. Implementations translate their platform's errors once:
 * {@link StaleFingerprintException} for a write against a changed resource, {@link
 * TransientException} for what a retry may fix; anything else is permanent.
 */
public interface LoadBalancer {

  /**
   * What the load balancer has now, with the fingerprint that a write must present, and, in {@code
   * BACKEND_MEMBERSHIP} mode, each present region's backend entry as opaque text (so that a removed
   * entry can be parked and later re-added exactly). {@code unlisted}: regions of the topology the
   * resource does not list at all (a region just added; their setting reads as 0), which the next
   * write adds.
   */
  record Observed(
      LbConfig config,
      String fingerprint,
      Map<Region, String> entries,
      java.util.Set<Region> unlisted) {
    public Observed {
      java.util.Objects.requireNonNull(config, "config");
      java.util.Objects.requireNonNull(fingerprint, "fingerprint");
      entries = Map.copyOf(entries);
      unlisted = java.util.Set.copyOf(unlisted);
    }

    public Observed(LbConfig config, String fingerprint, Map<Region, String> entries) {
      this(config, fingerprint, entries, java.util.Set.of());
    }

    public Observed(LbConfig config, String fingerprint) {
      this(config, fingerprint, Map.of(), java.util.Set.of());
    }
  }

  Observed read();

  /**
   * Writes {@code target}, only if the resource still has {@code fingerprint}; waits until the
   * platform reports the write done. {@code parked} holds backend entries removed earlier, by
   * region, for re-adding them as they were.
   */
  Written apply(LbConfig target, String fingerprint, Map<Region, String> parked);

  /**
   * As {@link #apply(LbConfig, String, Map)}, waiting at most {@code maxWait} for the platform to
   * report the write done: what is left of the reconcile's budget. A write still running then
   * throws a {@link TransientException}; its pending-write marker lets the next reconcile resolve
   * it. Adapters that do not wait ignore the bound.
   */
  default Written apply(
      LbConfig target, String fingerprint, Map<Region, String> parked, java.time.Duration maxWait) {
    return apply(target, fingerprint, parked);
  }

  /**
   * What a write returned: the new fingerprint where the platform gives it, the operation that did
   * it.
   */
  record Written(java.util.Optional<String> fingerprint, java.util.Optional<String> operation) {
    public static Written fingerprint(String fp) {
      return new Written(java.util.Optional.of(fp), java.util.Optional.empty());
    }

    public static Written operation(String name) {
      return new Written(java.util.Optional.empty(), java.util.Optional.of(name));
    }
  }
}
