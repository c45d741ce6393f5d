package dev.failover.gcp.embedded;

import dev.failover.core.domain.Health;
import dev.failover.core.domain.Region;
import dev.failover.core.port.HealthSource;
import dev.failover.gcp.json.Strict;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Health as an operator or a script writes it into a local JSON file (the embedded default): {@code
 * {"us-central1": {"status": "HEALTHY", "since": "2026-11-01T12:00:00Z"}, ...}}. A region the file
 * does not name has no data; a missing file means no data anywhere.
 */
public final class FileHealthSource implements HealthSource {
  private final JsonFile file;

  public FileHealthSource(Path path) {
    this.file = new JsonFile(path);
  }

  @Override
  public Map<Region, Health> observe(Instant now) {
    Map<Region, Health> out = new TreeMap<>();
    file.read()
        .ifPresent(
            text -> {
              Strict o = Strict.parse(text, file.path().toString());
              for (String name : o.raw().keySet()) {
                Strict h = o.object(name);
                out.put(
                    Region.of(name),
                    new Health(
                        Health.Status.valueOf(h.string("status")),
                        Instant.parse(h.optString("since").orElse("1970-01-01T00:00:00Z"))));
              }
            });
    return out;
  }
}
