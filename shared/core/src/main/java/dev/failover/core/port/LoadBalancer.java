package dev.failover.core.port;

import dev.failover.core.domain.LbConfig;

/**
 * The load balancer the controller steers. Implementations translate their platform's errors once:
 * {@link StaleFingerprintException} for a write against a changed resource, {@link
 * TransientException} for what a retry may fix; anything else is permanent.
 */
public interface LoadBalancer {

  /** What the load balancer has now, with the fingerprint that a write must present. */
  record Observed(LbConfig config, String fingerprint) {
    public Observed {
      java.util.Objects.requireNonNull(config, "config");
      java.util.Objects.requireNonNull(fingerprint, "fingerprint");
    }
  }

  Observed read();

  /**
   * Writes {@code target}, only if the resource still has {@code fingerprint}; waits until the
   * platform reports the write done. Returns the new fingerprint.
   */
  String apply(LbConfig target, String fingerprint);
}
