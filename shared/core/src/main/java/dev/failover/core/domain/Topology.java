package dev.failover.core.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The load balancer the controller steers and the regions behind it.
 *
 * <p>Levels are the controller's mode-independent vocabulary: a region's level is the fraction of
 * its base setting it serves at, in thousandths (0 = drained, 1000 = fully serving). {@link
 * #settingFor} turns a level into the mode's setting, rounding <em>up</em> so that a partially
 * drained region never takes less traffic than the headroom rule computed for it.
 *
 * @param mode how traffic is moved
 * @param project the Google Cloud project that holds the load balancer
 * @param resource the URL map ({@link Mode#URL_MAP_WEIGHTS}, {@link Mode#URL_MAP_SUBSETS}) or
 *     backend service (other modes) name
 * @param regions the regions, at least one, each named once
 * @param expectedRps the peak traffic, in requests per second, that the regions share between them;
 *     the headroom rule checks survivors against it
 * @param subsets the subset backend services ({@link Mode#URL_MAP_SUBSETS} only, and required
 *     there): one holding every region, the others as the deployment chose; no region set twice
 */
public record Topology(
    Mode mode,
    String project,
    String resource,
    List<RegionSpec> regions,
    double expectedRps,
    List<Subset> subsets) {

  /** A topology of a mode without subsets. */
  public Topology(
      Mode mode, String project, String resource, List<RegionSpec> regions, double expectedRps) {
    this(mode, project, resource, regions, expectedRps, List.of());
  }

  public static final int FULL = 1000;

  public Topology {
    Objects.requireNonNull(mode, "mode");
    Text.requireText(project, "project", 100);
    Text.requireText(resource, "resource", 1024);
    Objects.requireNonNull(regions, "regions");
    if (regions.isEmpty()) {
      throw new IllegalArgumentException("topology needs at least one region");
    }
    List<RegionSpec> sorted = new ArrayList<>(regions);
    sorted.sort(Comparator.comparing(RegionSpec::region));
    regions = List.copyOf(sorted);
    Set<Region> seen = new HashSet<>();
    Set<String> backends = new HashSet<>();
    for (RegionSpec r : regions) {
      if (!seen.add(r.region())) {
        throw new IllegalArgumentException("region " + r.region() + " is listed twice");
      }
      if (!backends.add(r.backend())) {
        throw new IllegalArgumentException("backend " + r.backend() + " is listed twice");
      }
    }
    if (!(expectedRps >= 0) || Double.isInfinite(expectedRps)) {
      throw new IllegalArgumentException(
          "expected RPS must be zero or positive, got " + expectedRps);
    }
    for (RegionSpec r : regions) {
      for (Region to : r.spillTo()) {
        if (!seen.contains(to)) {
          throw new IllegalArgumentException(
              "spill_to of "
                  + r.region()
                  + " names "
                  + to
                  + ", which is not a region of the topology");
        }
      }
    }
    subsets = List.copyOf(Objects.requireNonNull(subsets, "subsets"));
    checkSubsets(mode, seen, subsets);
  }

  private static void checkSubsets(Mode mode, Set<Region> regions, List<Subset> subsets) {
    if (mode != Mode.URL_MAP_SUBSETS) {
      if (!subsets.isEmpty()) {
        throw new IllegalArgumentException("subsets are for mode URL_MAP_SUBSETS, not " + mode);
      }
      return;
    }
    Set<Set<Region>> sets = new HashSet<>();
    Set<String> backends = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (Subset s : subsets) {
      for (Region r : s.regions()) {
        if (!regions.contains(r)) {
          throw new IllegalArgumentException(
              "subset " + s.name() + " holds " + r + ", which is not a region of the topology");
        }
      }
      if (!sets.add(s.regions())) {
        throw new IllegalArgumentException(
            "subset " + s.name() + " holds the same regions as another: " + s.regions());
      }
      if (!backends.add(s.backend())) {
        throw new IllegalArgumentException("subset backend " + s.backend() + " is listed twice");
      }
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("subset name " + s.name() + " is listed twice");
      }
    }
    if (!sets.contains(regions)) {
      throw new IllegalArgumentException(
          "mode URL_MAP_SUBSETS needs a subset that holds every region (all), got "
              + subsets.stream().map(Subset::name).toList());
    }
  }

  public List<Region> regionNames() {
    return regions.stream().map(RegionSpec::region).toList();
  }

  public Optional<RegionSpec> find(Region region) {
    return regions.stream().filter(r -> r.region().equals(region)).findFirst();
  }

  public RegionSpec spec(Region region) {
    return find(region).orElseThrow(() -> new IllegalArgumentException("unknown region " + region));
  }

  /** Total declared capacity, in RPS. */
  public double totalCapacityRps() {
    return regions.stream().mapToDouble(RegionSpec::capacityRps).sum();
  }

  /** The mode's setting for {@code region} at {@code level} thousandths of its base. */
  public Setting settingFor(Region region, int level) {
    return settingFor(spec(region), level);
  }

  /** The mode's setting for the region of {@code spec} at {@code level}; no lookup. */
  public Setting settingFor(RegionSpec spec, int level) {
    if (level < 0 || level > FULL) {
      throw new IllegalArgumentException("level must be in 0..1000, got " + level);
    }
    return switch (mode) {
      case URL_MAP_WEIGHTS ->
          new Setting.Weight(
              level == 0 ? 0 : Math.max(1, ceilDiv(spec.baseWeight() * level, FULL)));
      case URL_MAP_SUBSETS -> new Setting.Share(level);
      case CAPACITY_SCALER ->
          new Setting.Scaler(
              level == 0 ? 0 : Math.max(100, ceilDiv(spec.baseScalerMilli() * level, FULL)));
      case BACKEND_MEMBERSHIP -> new Setting.Member(level > 0);
    };
  }

  /** The config in which every region serves at {@code levels.get(region)}. */
  public LbConfig configFor(Map<Region, Integer> levels) {
    Map<Region, Setting> settings = new LinkedHashMap<>();
    for (RegionSpec r : regions) {
      Integer level = levels.get(r.region());
      if (level == null) {
        throw new IllegalArgumentException("no level for region " + r.region());
      }
      settings.put(r.region(), settingFor(r, level));
    }
    return new LbConfig(mode, settings);
  }

  /** The config in which every region serves at its base. */
  public LbConfig baseConfig() {
    Map<Region, Integer> levels = new LinkedHashMap<>();
    regions.forEach(r -> levels.put(r.region(), FULL));
    return configFor(levels);
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }
}
