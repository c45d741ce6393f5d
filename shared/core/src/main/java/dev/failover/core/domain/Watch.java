package dev.failover.core.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A change whose effect on traffic is still to be seen in the load balancer's metrics.
 *
 * @param region the region whose backend the change drained or restored
 * @param direction {@code OUT}: its request rate should fall; {@code IN}: it should receive traffic
 * @param writtenAt when the write was made
 * @param eventId the event whose reconcile made the write
 * @param write the write's step and the fingerprint it presented (one id per write)
 */
public record Watch(
    Region region, Direction direction, Instant writtenAt, String eventId, String write) {

  /** Which way traffic should move. */
  public enum Direction {
    OUT,
    IN
  }

  public Watch {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(writtenAt, "writtenAt");
    Text.requireText(eventId, "event id", 256);
    Text.requireText(write, "write", 512);
  }
}
