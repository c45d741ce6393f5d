package dev.failover.core.domain;

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
    if (settings.values().stream().noneMatch(Setting::serving)) {
      throw new IllegalArgumentException(
          switch (mode) {
            case URL_MAP_WEIGHTS ->
                "at least one weightedBackendService must have a weight above 0";
            case BACKEND_MEMBERSHIP -> "the last backend can never be removed";
            case CAPACITY_SCALER -> "at least one backend must keep a capacityScaler above 0";
          });
    }
    settings = java.util.Collections.unmodifiableMap(new TreeMap<>(settings));
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
