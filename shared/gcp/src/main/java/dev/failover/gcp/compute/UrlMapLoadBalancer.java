package dev.failover.gcp.compute;

import com.google.cloud.compute.v1.HttpRouteAction;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.PathMatcher;
import com.google.cloud.compute.v1.UrlMap;
import com.google.cloud.compute.v1.UrlMapsClient;
import com.google.cloud.compute.v1.WeightedBackendService;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Setting;
import dev.failover.core.domain.SubsetWeights;
import dev.failover.core.domain.Topology;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.PermanentException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@link Mode#URL_MAP_WEIGHTS} and {@link Mode#URL_MAP_SUBSETS} on a global URL map: reads {@code
 * defaultRouteAction.weightedBackendServices} (one backend service per region, or one per region
 * subset, whose weights {@link SubsetWeights} turns into each region's share) and patches it, and
 * the same list in the path matchers the configuration names. A PATCH is a JSON merge patch, so the
 * arrays it touches are sent whole, from the resource just read; the fingerprint of that read goes
 * with it. One GET and one PATCH per change: {@link #apply} reuses the resource of the {@link
 * #read} that produced the fingerprint.
 */
public final class UrlMapLoadBalancer implements LoadBalancer {
  private final UrlMapsClient client;
  private final Topology topology;
  private final Set<String> pathMatchers;
  private final Duration operationTimeout;
  private UrlMap lastRead;

  public UrlMapLoadBalancer(
      UrlMapsClient client,
      Topology topology,
      Set<String> pathMatchers,
      Duration operationTimeout) {
    if (topology.mode() != Mode.URL_MAP_WEIGHTS && topology.mode() != Mode.URL_MAP_SUBSETS) {
      throw new IllegalArgumentException(
          "UrlMapLoadBalancer needs URL_MAP_WEIGHTS or URL_MAP_SUBSETS, got " + topology.mode());
    }
    this.client = client;
    this.topology = topology;
    this.pathMatchers = Set.copyOf(pathMatchers);
    this.operationTimeout = operationTimeout;
  }

  @Override
  public synchronized Observed read() {
    UrlMap um;
    try {
      um = client.get(topology.project(), topology.resource());
    } catch (RuntimeException e) {
      throw ComputeErrors.translate("GET urlMaps/" + topology.resource(), e);
    }
    lastRead = um;
    List<WeightedBackendService> wbs = um.getDefaultRouteAction().getWeightedBackendServicesList();
    // A backend service of the topology that the URL map does not list (a region just added:
    // Terraform creates its backend service, but the route action is the controller's) counts as
    // weight 0; the next write adds it (reweighted). None listed at all is not our URL map.
    Map<String, Integer> weights = new LinkedHashMap<>();
    int listed = 0;
    for (Map.Entry<String, String> e : backends().entrySet()) {
      var match =
          wbs.stream()
              .filter(w -> ResourceNames.same(w.getBackendService(), e.getKey()))
              .findFirst();
      listed += match.isPresent() ? 1 : 0;
      weights.put(e.getKey(), match.map(WeightedBackendService::getWeight).orElse(0));
    }
    if (listed == 0) {
      throw new PermanentException(
          "URL map "
              + topology.resource()
              + " lists none of the topology's backend services in defaultRouteAction: "
              + backends().keySet());
    }
    for (String name : pathMatchers) {
      if (um.getPathMatchersList().stream().noneMatch(p -> p.getName().equals(name))) {
        throw new PermanentException(
            "URL map " + topology.resource() + " has no path matcher " + name);
      }
    }
    java.util.Set<Region> unlisted = new java.util.TreeSet<>();
    if (topology.mode() == Mode.URL_MAP_WEIGHTS) {
      topology.regions().stream()
          .filter(
              r ->
                  wbs.stream()
                      .noneMatch(w -> ResourceNames.same(w.getBackendService(), r.backend())))
          .forEach(r -> unlisted.add(r.region()));
    }
    try {
      return new Observed(config(weights), um.getFingerprint(), Map.of(), unlisted);
    } catch (IllegalArgumentException e) {
      throw new PermanentException(
          "URL map " + topology.resource() + " holds an invalid config: " + e.getMessage(), e);
    }
  }

  /** The backend services the controller weighs, each with what it stands for. */
  private Map<String, String> backends() {
    Map<String, String> out = new LinkedHashMap<>();
    if (topology.mode() == Mode.URL_MAP_SUBSETS) {
      topology.subsets().forEach(s -> out.put(s.backend(), "subset " + s.name()));
    } else {
      topology.regions().forEach(r -> out.put(r.backend(), r.region().name()));
    }
    return out;
  }

  /** Each region's setting from the weights read. */
  private LbConfig config(Map<String, Integer> weights) {
    Map<Region, Setting> settings = new LinkedHashMap<>();
    if (topology.mode() == Mode.URL_MAP_SUBSETS) {
      Map<Region, Integer> levels =
          SubsetWeights.levels(topology.subsets(), topology.regionNames(), weights)
              .orElseThrow(() -> new IllegalArgumentException("every subset is at weight 0"));
      levels.forEach((r, l) -> settings.put(r, new Setting.Share(l)));
    } else {
      topology
          .regions()
          .forEach(r -> settings.put(r.region(), new Setting.Weight(weights.get(r.backend()))));
    }
    return new LbConfig(topology.mode(), settings);
  }

  /** The weight of each backend service that puts every region where {@code target} has it. */
  private Map<String, Integer> weights(LbConfig target) {
    Map<String, Integer> out = new LinkedHashMap<>();
    if (topology.mode() == Mode.URL_MAP_SUBSETS) {
      Map<Region, Integer> levels = new LinkedHashMap<>();
      target.settings().forEach((r, s) -> levels.put(r, ((Setting.Share) s).level()));
      SubsetWeights.Outcome o = SubsetWeights.weights(topology.subsets(), levels);
      if (o instanceof SubsetWeights.Missing m) {
        throw new PermanentException(
            "cannot write "
                + target.display()
                + " on URL map "
                + topology.resource()
                + ": "
                + m.why()
                + " (needed: a subset holding exactly "
                + m.regions()
                + ")");
      }
      out.putAll(((SubsetWeights.Weights) o).byBackend());
    } else {
      topology
          .regions()
          .forEach(
              r -> out.put(r.backend(), ((Setting.Weight) target.setting(r.region())).value()));
    }
    return out;
  }

  @Override
  public Written apply(LbConfig target, String fingerprint, Map<Region, String> parked) {
    // no reconcile budget to honour: the longest wait operationWait allows
    return apply(target, fingerprint, parked, operationTimeout.plusSeconds(1));
  }

  /** Waits for the operation at most {@code maxWait}, and never longer than the client polls. */
  @Override
  public synchronized Written apply(
      LbConfig target, String fingerprint, Map<Region, String> parked, Duration maxWait) {
    Duration wait = ComputeClients.operationWait(operationTimeout, maxWait);
    UrlMap current = lastRead;
    if (current == null || !current.getFingerprint().equals(fingerprint)) {
      read();
      current = lastRead;
      if (!current.getFingerprint().equals(fingerprint)) {
        throw new dev.failover.core.port.StaleFingerprintException(
            "URL map " + topology.resource() + " changed since it was read");
      }
    }
    Map<String, Integer> weights = weights(target);
    UrlMap.Builder patch =
        UrlMap.newBuilder()
            .setFingerprint(fingerprint)
            .setDefaultRouteAction(
                HttpRouteAction.newBuilder()
                    .addAllWeightedBackendServices(
                        reweighted(
                            current.getDefaultRouteAction().getWeightedBackendServicesList(),
                            weights)));
    if (!pathMatchers.isEmpty()) {
      List<PathMatcher> matchers = new ArrayList<>();
      for (PathMatcher pm : current.getPathMatchersList()) {
        if (pathMatchers.contains(pm.getName())) {
          HttpRouteAction action =
              pm.getDefaultRouteAction().toBuilder()
                  .clearWeightedBackendServices()
                  .addAllWeightedBackendServices(
                      reweighted(
                          pm.getDefaultRouteAction().getWeightedBackendServicesList(), weights))
                  .build();
          matchers.add(pm.toBuilder().setDefaultRouteAction(action).build());
        } else {
          matchers.add(pm);
        }
      }
      patch.addAllPathMatchers(matchers);
    }
    try {
      Operation op =
          client
              .patchAsync(topology.project(), topology.resource(), patch.build())
              .get(wait.toMillis(), TimeUnit.MILLISECONDS);
      lastRead = null;
      return Written.operation(op.getName());
    } catch (Exception e) {
      lastRead = null;
      throw ComputeErrors.translate("PATCH urlMaps/" + topology.resource(), e);
    }
  }

  /**
   * The list with each weighed backend's weight set from {@code weights}, others untouched, and the
   * weighed backends it lacks (a region added since the URL map was written) appended.
   */
  private static List<WeightedBackendService> reweighted(
      List<WeightedBackendService> current, Map<String, Integer> weights) {
    List<WeightedBackendService> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (WeightedBackendService w : current) {
      WeightedBackendService next = w;
      for (Map.Entry<String, Integer> e : weights.entrySet()) {
        if (ResourceNames.same(w.getBackendService(), e.getKey())) {
          next = w.toBuilder().setWeight(e.getValue()).build();
          seen.add(e.getKey());
        }
      }
      out.add(next);
    }
    weights.forEach(
        (backend, weight) -> {
          if (!seen.contains(backend)) {
            out.add(
                WeightedBackendService.newBuilder()
                    .setBackendService(backend)
                    .setWeight(weight)
                    .build());
          }
        });
    return out;
  }
}
