package dev.failover.core.port;

import dev.failover.core.domain.Health;
import dev.failover.core.domain.Region;
import java.time.Instant;
import java.util.Map;

/** Health observations per region; a region without an entry has no data. */
public interface HealthSource {
  Map<Region, Health> observe(Instant now);
}
