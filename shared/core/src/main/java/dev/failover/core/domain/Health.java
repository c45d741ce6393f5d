package dev.failover.core.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * What the health source says about a region now, and since when it has said so without a break.
 * {@link Status#NO_DATA} is never healthy: an incident can close because data stopped.
 */
public record Health(Status status, Instant since) {

  public enum Status {
    HEALTHY,
    UNHEALTHY,
    NO_DATA
  }

  public Health {
    Objects.requireNonNull(status, "health status");
    Objects.requireNonNull(since, "health since");
  }

  public static Health noData(Instant since) {
    return new Health(Status.NO_DATA, since);
  }

  public boolean healthy() {
    return status == Status.HEALTHY;
  }
}
