package dev.failover.core.domain;

import dev.failover.core.rules.LoadBalancerRules;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the load balancer does for each region, in one mode. Valid by construction: every setting
 * belongs to the mode, at least one region serves (the platform rejects an all-zero weight set, a
 * backend service without backends and a lone backend at capacityScaler 0).
 */
public record LbConfig(Mode mode, Map<Region, Setting> settings) {

  public LbConfig {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(settings, "settings");
    if (settings.isEmpty()) {
      throw new IllegalArgumentException("a load-balancer config needs at least one region");
    }
    for (Map.Entry<Region, Setting> e : settings.entrySet()) {
      Objects.requireNonNull(e.getKey(), "region");
      Objects.requireNonNull(e.getValue(), "setting of " + e.getKey());
      if (e.getValue().mode() != mode) {
        throw new IllegalArgumentException(
            "setting of " + e.getKey() + " is a " + e.getValue().mode() + " setting in " + mode);
      }
    }
    violation(mode, settings)
        .ifPresent(
            m -> {
              throw new IllegalArgumentException(m);
            });
    settings = java.util.Collections.unmodifiableMap(new TreeMap<>(settings));
  }

  /** The platform rule a config breaks, checked by the same code as the Compute fake. */
  private static java.util.Optional<String> violation(Mode mode, Map<Region, Setting> settings) {
    return switch (mode) {
      case URL_MAP_WEIGHTS ->
          LoadBalancerRules.weights(
              "defaultRouteAction.weightedBackendServices",
              settings.values().stream().map(s -> ((Setting.Weight) s).value()).toList());
      case URL_MAP_SUBSETS ->
          settings.values().stream().anyMatch(Setting::serving)
              ? java.util.Optional.empty()
              : java.util.Optional.of(
                  "defaultRouteAction.weightedBackendServices: every region at 0; at least one"
                      + " must serve");
      case BACKEND_MEMBERSHIP ->
          LoadBalancerRules.backends(
              "backends",
              settings.entrySet().stream()
                  .filter(e -> e.getValue().serving())
                  .map(
                      e ->
                          LoadBalancerRules.Backend.of(
                              e.getKey().name(), java.util.Optional.empty()))
                  .toList());
      case CAPACITY_SCALER ->
          LoadBalancerRules.backends(
              "backends",
              settings.entrySet().stream()
                  .map(
                      e ->
                          LoadBalancerRules.Backend.of(
                              e.getKey().name(),
                              java.util.Optional.of(((Setting.Scaler) e.getValue()).value())))
                  .toList());
    };
  }

  public Setting setting(Region region) {
    Setting s = settings.get(region);
    if (s == null) {
      throw new IllegalArgumentException("region " + region + " is not on the load balancer");
    }
    return s;
  }

  public long servingCount() {
    return settings.values().stream().filter(Setting::serving).count();
  }

  /** A compact rendering such as {@code asia-east1=0 europe-west1=100 us-central1=100}. */
  public String display() {
    StringBuilder b = new StringBuilder();
    settings.forEach(
        (r, s) -> b.append(b.length() == 0 ? "" : " ").append(r).append('=').append(s.display()));
    return b.toString();
  }
}
