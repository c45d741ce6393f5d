package dev.failover.core.port;

import dev.failover.core.domain.Region;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Request rates per region as the load balancer measures them (its {@code backend_request_count} by
 * backend), to verify that traffic really moved after a change.
 */
public interface TrafficSource {

  /** The request rate of one aligned window. */
  record Point(Instant start, Instant end, double rps) {
    public Point {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (!end.isAfter(start)) {
        throw new IllegalArgumentException("a window must end after it starts");
      }
      if (!(rps >= 0)) {
        throw new IllegalArgumentException("rps must be at least 0, got " + rps);
      }
    }
  }

  /**
   * Windows that ended within [{@code from}, {@code to}], oldest first, per region; a region
   * without data is absent. Errors are reported as no data (the next tick asks again).
   */
  Map<Region, List<Point>> requestRates(Instant from, Instant to);

  /** No metrics: nothing is ever verified and no watch is kept. */
  TrafficSource NONE = (from, to) -> Map.of();
}
