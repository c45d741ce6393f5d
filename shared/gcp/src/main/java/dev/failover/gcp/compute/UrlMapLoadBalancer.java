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
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.Setting;
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
 * {@link Mode#URL_MAP_WEIGHTS} on a global URL map: reads {@code
 * defaultRouteAction.weightedBackendServices} (one backend service per region) and patches it, and
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
    if (topology.mode() != Mode.URL_MAP_WEIGHTS) {
      throw new IllegalArgumentException(
          "UrlMapLoadBalancer needs URL_MAP_WEIGHTS, got " + topology.mode());
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
    Map<Region, Setting> settings = new LinkedHashMap<>();
    List<WeightedBackendService> wbs = um.getDefaultRouteAction().getWeightedBackendServicesList();
    for (RegionSpec spec : topology.regions()) {
      WeightedBackendService match =
          wbs.stream()
              .filter(w -> ResourceNames.same(w.getBackendService(), spec.backend()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new PermanentException(
                          "URL map "
                              + topology.resource()
                              + " has no weightedBackendService for "
                              + spec.region()
                              + " ("
                              + spec.backend()
                              + ") in defaultRouteAction"));
      settings.put(spec.region(), new Setting.Weight(match.getWeight()));
    }
    for (String name : pathMatchers) {
      if (um.getPathMatchersList().stream().noneMatch(p -> p.getName().equals(name))) {
        throw new PermanentException(
            "URL map " + topology.resource() + " has no path matcher " + name);
      }
    }
    try {
      return new Observed(new LbConfig(Mode.URL_MAP_WEIGHTS, settings), um.getFingerprint());
    } catch (IllegalArgumentException e) {
      throw new PermanentException(
          "URL map " + topology.resource() + " holds an invalid config: " + e.getMessage(), e);
    }
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
    UrlMap.Builder patch =
        UrlMap.newBuilder()
            .setFingerprint(fingerprint)
            .setDefaultRouteAction(
                HttpRouteAction.newBuilder()
                    .addAllWeightedBackendServices(
                        reweighted(
                            current.getDefaultRouteAction().getWeightedBackendServicesList(),
                            target)));
    if (!pathMatchers.isEmpty()) {
      List<PathMatcher> matchers = new ArrayList<>();
      for (PathMatcher pm : current.getPathMatchersList()) {
        if (pathMatchers.contains(pm.getName())) {
          HttpRouteAction action =
              pm.getDefaultRouteAction().toBuilder()
                  .clearWeightedBackendServices()
                  .addAllWeightedBackendServices(
                      reweighted(
                          pm.getDefaultRouteAction().getWeightedBackendServicesList(), target))
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

  /** The list with each region's weight set from {@code target}; other entries untouched. */
  private List<WeightedBackendService> reweighted(
      List<WeightedBackendService> current, LbConfig target) {
    List<WeightedBackendService> out = new ArrayList<>();
    for (WeightedBackendService w : current) {
      WeightedBackendService next = w;
      for (RegionSpec spec : topology.regions()) {
        if (ResourceNames.same(w.getBackendService(), spec.backend())) {
          next =
              w.toBuilder()
                  .setWeight(((Setting.Weight) target.setting(spec.region())).value())
                  .build();
        }
      }
      out.add(next);
    }
    return out;
  }
}
