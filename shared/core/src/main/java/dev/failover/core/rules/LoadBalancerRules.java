package dev.failover.core.rules;

import java.util.List;
import java.util.Optional;

/**
 * The Compute API's rules for what the controller writes, in one place: the domain values, the
 * embedded load balancers and the Compute fake all check them here. Each check returns the
 * violation in the API's words, or empty.
 *
 * <ul>
 *   <li>{@code weightedBackendServices[].weight}: 0..1000; with every weight at 0 the behaviour is
 *       undocumented, so at least one must be above 0.
 *   <li>{@code backends[]}: at least one backend (the last one can never be removed); {@code
 *       capacityScaler} 0 or 0.1..1.0, never 0 when it is the only backend.
 *   <li>Serverless NEG backends ({@code .../regions/R/networkEndpointGroups/N}) take no balancing
 *       mode other than the default, no {@code maxRate}, {@code maxRatePerEndpoint} or {@code
 *       maxUtilization}, and no {@code capacityScaler} other than 1.
 * </ul>
 */
public final class LoadBalancerRules {
  public static final int MAX_WEIGHT = 1000;

  private LoadBalancerRules() {}

  /** One entry of a backend service's {@code backends[]}, as far as the rules care. */
  public record Backend(
      String group,
      Optional<String> balancingMode,
      Optional<Double> capacityScaler,
      boolean hasMaxRate,
      boolean hasMaxUtilization) {

    public static Backend of(String group, Optional<Double> capacityScaler) {
      return new Backend(group, Optional.empty(), capacityScaler, false, false);
    }

    public boolean serverless() {
      return group.contains("/networkEndpointGroups/") && group.contains("/regions/");
    }
  }

  public static Optional<String> weight(String field, int weight) {
    if (weight < 0 || weight > MAX_WEIGHT) {
      return Optional.of(
          "Invalid value for field '" + field + "': '" + weight + "'. Must be in range [0, 1000].");
    }
    return Optional.empty();
  }

  public static Optional<String> weights(String field, List<Integer> weights) {
    for (int i = 0; i < weights.size(); i++) {
      Optional<String> v = weight(field + "[" + i + "].weight", weights.get(i));
      if (v.isPresent()) {
        return v;
      }
    }
    if (!weights.isEmpty() && weights.stream().allMatch(w -> w == 0)) {
      return Optional.of(
          "Invalid value for field '"
              + field
              + "': at least one weightedBackendService must have a weight above 0.");
    }
    return Optional.empty();
  }

  /** A capacityScaler value on its own: 0 or 0.1..1.0. */
  public static Optional<String> capacityScaler(String field, double scaler) {
    if (scaler == 0 || (scaler >= 0.1 - 1e-9 && scaler <= 1.0 + 1e-9)) {
      return Optional.empty();
    }
    return Optional.of(
        "Invalid value for field '" + field + "': '" + scaler + "'. Must be 0 or in [0.1, 1.0].");
  }

  public static Optional<String> backends(String field, List<Backend> backends) {
    if (backends.isEmpty()) {
      return Optional.of(
          "Invalid value for field '" + field + "': the last backend can never be removed.");
    }
    for (int i = 0; i < backends.size(); i++) {
      Backend b = backends.get(i);
      String f = field + "[" + i + "]";
      if (b.serverless()) {
        Optional<String> v = serverless(f, b);
        if (v.isPresent()) {
          return v;
        }
      }
      if (b.capacityScaler().isPresent()) {
        Optional<String> v = capacityScaler(f + ".capacityScaler", b.capacityScaler().get());
        if (v.isPresent()) {
          return v;
        }
      }
    }
    if (backends.size() == 1 && backends.get(0).capacityScaler().orElse(1.0) == 0) {
      return Optional.of(
          "Invalid value for field '"
              + field
              + "[0].capacityScaler': '0.0'. A capacity scaler of 0 is not allowed when there is"
              + " only one backend.");
    }
    if (backends.stream().allMatch(b -> b.capacityScaler().orElse(1.0) == 0)) {
      return Optional.of(
          "Invalid value for field '"
              + field
              + "': at least one backend must keep a capacityScaler above 0.");
    }
    return Optional.empty();
  }

  /** What a serverless NEG backend refuses: a balancing mode, a rate, a utilization, a scaler. */
  private static Optional<String> serverless(String f, Backend b) {
    if (b.balancingMode().isPresent() && !b.balancingMode().get().equals("UTILIZATION")) {
      return Optional.of(
          "Invalid value for field '"
              + f
              + ".balancingMode': '"
              + b.balancingMode().get()
              + "'. Balancing mode is not supported for Serverless network endpoint groups.");
    }
    if (b.hasMaxRate()) {
      return Optional.of(
          "Invalid value for field '"
              + f
              + ".maxRate'. Max rate is not supported for Serverless network endpoint groups.");
    }
    if (b.hasMaxUtilization()) {
      return Optional.of(
          "Invalid value for field '"
              + f
              + ".maxUtilization'. Max utilization is not supported for Serverless network"
              + " endpoint groups.");
    }
    if (b.capacityScaler().isPresent() && Math.abs(b.capacityScaler().get() - 1.0) > 1e-9) {
      return Optional.of(
          "Invalid value for field '"
              + f
              + ".capacityScaler': '"
              + b.capacityScaler().get()
              + "'. Capacity scaler is not available for Serverless network endpoint groups.");
    }
    return Optional.empty();
  }
}
