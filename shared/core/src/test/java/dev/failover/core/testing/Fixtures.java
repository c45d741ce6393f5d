package dev.failover.core.testing;

import dev.failover.core.domain.Bookkeeping;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Incident;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionMemory;
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.RegionState;
import dev.failover.core.domain.Situation;
import dev.failover.core.domain.Subset;
import dev.failover.core.domain.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test data builders shared by the modules' tests. */
public final class Fixtures {
  private Fixtures() {}

  public static final Region US = Region.of("us-central1");
  public static final Region EU = Region.of("europe-west1");
  public static final Region ASIA = Region.of("asia-east1");
  public static final Instant T0 = Instant.parse("2026-11-01T12:00:00Z");

  /** Three regions, base weight 100 and 1000 RPS each, 1500 RPS expected in all. */
  public static Topology three(Mode mode) {
    return topology(mode, 1500, US, EU, ASIA);
  }

  public static Topology topology(Mode mode, double expectedRps, Region... regions) {
    List<RegionSpec> specs = new ArrayList<>();
    for (Region r : regions) {
      specs.add(RegionSpec.of(r, backend(mode, r), 100, 1000));
    }
    return new Topology(mode, "demo-project", "app", specs, expectedRps);
  }

  /**
   * Regions in {@link Mode#URL_MAP_SUBSETS} with every subset that leaves out at most {@code
   * maxOut} regions ({@code all}, {@code all-but-X}, {@code all-but-X-Y}, ...), base 100 and 1000
   * RPS each.
   */
  public static Topology subsets(double expectedRps, int maxOut, Region... regions) {
    List<RegionSpec> specs = new ArrayList<>();
    for (Region r : regions) {
      specs.add(RegionSpec.of(r, backend(Mode.BACKEND_MEMBERSHIP, r), 100, 1000));
    }
    List<Subset> subsets = new ArrayList<>();
    int n = regions.length;
    for (int out = 0; out < (1 << n); out++) {
      if (Integer.bitCount(out) > maxOut || Integer.bitCount(out) == n) {
        continue;
      }
      java.util.Set<Region> held = new java.util.TreeSet<>();
      StringBuilder name = new StringBuilder(out == 0 ? "all" : "all-but");
      for (int i = 0; i < n; i++) {
        if ((out & (1 << i)) == 0) {
          held.add(regions[i]);
        } else {
          name.append('-').append(regions[i].name());
        }
      }
      subsets.add(
          new Subset(
              name.toString(),
              "https://www.googleapis.com/compute/v1/projects/demo-project/global/backendServices/app-"
                  + name,
              held));
    }
    return new Topology(Mode.URL_MAP_SUBSETS, "demo-project", "app", specs, expectedRps, subsets);
  }

  public static String backend(Mode mode, Region r) {
    return mode == Mode.URL_MAP_WEIGHTS
        ? "https://www.googleapis.com/compute/v1/projects/demo-project/global/backendServices/app-"
            + r.name()
        : "https://www.googleapis.com/compute/v1/projects/demo-project/regions/"
            + r.name()
            + "/networkEndpointGroups/app-"
            + r.name();
  }

  public static Instant at(Duration offset) {
    return T0.plus(offset);
  }

  public static Instant min(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  public static Instant sec(long seconds) {
    return T0.plus(Duration.ofSeconds(seconds));
  }

  /** Builds a controller memory region by region. */
  public static final class MemoryBuilder {
    private final Map<Region, RegionMemory> regions = new HashMap<>();

    public MemoryBuilder incident(Region r, String id, Instant startedAt) {
      RegionMemory m = get(r);
      Map<String, Incident> inc = new HashMap<>(m.incidents());
      inc.put(id, Incident.open(id, "5xx ratio " + r, startedAt));
      regions.put(r, m.withIncidents(inc));
      return this;
    }

    public MemoryBuilder closedIncident(Region r, String id, Instant startedAt, Instant endedAt) {
      RegionMemory m = get(r);
      Map<String, Incident> inc = new HashMap<>(m.incidents());
      inc.put(id, new Incident(id, "5xx ratio " + r, startedAt, Optional.of(endedAt)));
      regions.put(r, m.withIncidents(inc));
      return this;
    }

    public MemoryBuilder pin(
        Region r, Pin.Kind kind, Instant createdAt, Duration ttl, boolean breakGlass) {
      regions.put(
          r,
          get(r)
              .withPin(
                  Optional.of(
                      new Pin(
                          "cmd-" + r + "-" + createdAt.getEpochSecond(),
                          kind,
                          "alice@example.com",
                          "maintenance",
                          createdAt,
                          createdAt.plus(ttl),
                          breakGlass))));
      return this;
    }

    public MemoryBuilder state(Region r, RegionState state) {
      regions.put(r, get(r).withState(state));
      return this;
    }

    public MemoryBuilder record(ControllerEvent e) {
      ControllerMemory m = build().record(e).memory();
      regions.clear();
      regions.putAll(m.situation().regions());
      return this;
    }

    private RegionMemory get(Region r) {
      return regions.getOrDefault(r, RegionMemory.empty());
    }

    public ControllerMemory build() {
      return new ControllerMemory(new Situation(regions), Bookkeeping.empty());
    }
  }

  public static MemoryBuilder memory() {
    return new MemoryBuilder();
  }

  /** A region drained at {@code drainedAt}, never restored before. */
  public static RegionState out(Instant drainedAt) {
    return new RegionState(RegionState.Phase.OUT, 0, -1, drainedAt, 0, Optional.empty());
  }

  public static RegionState ramping(int step, int level, Instant since) {
    return new RegionState(RegionState.Phase.RAMPING, level, step, since, 0, Optional.of(since));
  }

  public static Map<Region, Health> healthy(Instant since, Region... regions) {
    Map<Region, Health> h = new HashMap<>();
    for (Region r : regions) {
      h.put(r, new Health(Health.Status.HEALTHY, since));
    }
    return h;
  }
}
