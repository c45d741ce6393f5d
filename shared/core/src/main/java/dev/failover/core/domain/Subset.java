package dev.failover.core.domain;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A backend service holding the serverless NEGs of some regions ({@link Mode#URL_MAP_SUBSETS}):
 * inside it the load balancer sends each request to the closest of them.
 *
 * @param name a short name for humans ({@code all}, {@code all-but-us-central1})
 * @param backend the backend service's URL, as the URL map's {@code weightedBackendServices} name
 *     it
 * @param regions the regions whose NEGs it holds
 */
public record Subset(String name, String backend, Set<Region> regions) {
  public Subset {
    Text.requireText(name, "subset name", 100);
    Text.requireText(backend, "subset backend", 1024);
    Objects.requireNonNull(regions, "subset regions");
    if (regions.isEmpty()) {
      throw new IllegalArgumentException("subset " + name + " holds no region");
    }
    regions = java.util.Collections.unmodifiableSet(new TreeSet<>(regions));
  }
}
