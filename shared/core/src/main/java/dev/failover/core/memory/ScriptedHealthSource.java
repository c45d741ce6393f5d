package dev.failover.core.memory;

import dev.failover.core.domain.Health;
import dev.failover.core.domain.Region;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Health as told by a script: each report sets a region's status; the {@code since} time only moves
 * when the status changes, as a real health source counts a continuous run.
 */
public final class ScriptedHealthSource implements dev.failover.core.port.HealthSource {
  private final Map<Region, Health> health = new TreeMap<>();

  public synchronized void report(Region region, Health.Status status, Instant at) {
    Health current = health.get(region);
    if (current == null || current.status() != status) {
      health.put(region, new Health(status, at));
    }
  }

  @Override
  public synchronized Map<Region, Health> observe(Instant now) {
    return Map.copyOf(health);
  }
}
