package dev.failover.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.failover.core.rules.LoadBalancerRules.Backend;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Compute API's rules, each with the API's own words (as the fake and the adapters see them).
 */
class LoadBalancerRulesTest {
  static final String NEG =
      "https://www.googleapis.com/compute/v1/projects/p/regions/us-central1/networkEndpointGroups/app";
  static final String IG =
      "https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/instanceGroups/app";

  static Optional<String> no() {
    return Optional.empty();
  }

  @Test
  void weights_0to1000_andNotAllZero() {
    assertEquals(no(), LoadBalancerRules.weights("w", List.of(0, 1000)));
    assertEquals(
        Optional.of("Invalid value for field 'w[1].weight': '1001'. Must be in range [0, 1000]."),
        LoadBalancerRules.weights("w", List.of(0, 1001)));
    assertEquals(
        Optional.of("Invalid value for field 'w[0].weight': '-1'. Must be in range [0, 1000]."),
        LoadBalancerRules.weights("w", List.of(-1, 5)));
    assertEquals(
        Optional.of(
            "Invalid value for field 'w': at least one weightedBackendService must have a weight"
                + " above 0."),
        LoadBalancerRules.weights("w", List.of(0, 0)));
    assertEquals(no(), LoadBalancerRules.weights("w", List.of()));
  }

  @Test
  void capacityScaler_isZeroOrFromATenthToOne() {
    for (double ok : new double[] {0, 0.1, 0.5, 1.0}) {
      assertEquals(no(), LoadBalancerRules.capacityScaler("c", ok), "ok: " + ok);
    }
    for (double bad : new double[] {0.05, 0.0999, 1.0001, -0.1}) {
      assertEquals(
          Optional.of("Invalid value for field 'c': '" + bad + "'. Must be 0 or in [0.1, 1.0]."),
          LoadBalancerRules.capacityScaler("c", bad),
          "bad: " + bad);
    }
  }

  @Test
  void backends_theLastCanNeverBeRemoved_andOneMustKeepCapacity() {
    assertEquals(
        Optional.of("Invalid value for field 'b': the last backend can never be removed."),
        LoadBalancerRules.backends("b", List.of()));
    assertEquals(
        Optional.of(
            "Invalid value for field 'b[0].capacityScaler': '0.0'. A capacity scaler of 0 is not"
                + " allowed when there is only one backend."),
        LoadBalancerRules.backends("b", List.of(Backend.of(IG, Optional.of(0.0)))));
    assertEquals(
        Optional.of(
            "Invalid value for field 'b': at least one backend must keep a capacityScaler above"
                + " 0."),
        LoadBalancerRules.backends(
            "b", List.of(Backend.of(IG, Optional.of(0.0)), Backend.of(IG, Optional.of(0.0)))));
    assertEquals(
        no(),
        LoadBalancerRules.backends(
            "b", List.of(Backend.of(IG, Optional.of(0.0)), Backend.of(IG, Optional.empty()))));
    assertEquals(
        Optional.of(
            "Invalid value for field 'b[1].capacityScaler': '2.0'. Must be 0 or in [0.1, 1.0]."),
        LoadBalancerRules.backends(
            "b", List.of(Backend.of(IG, Optional.empty()), Backend.of(IG, Optional.of(2.0)))));
  }

  @Test
  void serverlessNegs_takeNoBalancingModeRateUtilizationOrScaler() {
    assertEquals(
        Optional.of(
            "Invalid value for field 'b[0].balancingMode': 'RATE'. Balancing mode is not supported"
                + " for Serverless network endpoint groups."),
        LoadBalancerRules.backends(
            "b", List.of(new Backend(NEG, Optional.of("RATE"), Optional.empty(), false, false))));
    assertEquals(
        no(),
        LoadBalancerRules.backends(
            "b",
            List.of(new Backend(NEG, Optional.of("UTILIZATION"), Optional.empty(), false, false))));
    assertEquals(
        Optional.of(
            "Invalid value for field 'b[0].maxRate'. Max rate is not supported for Serverless"
                + " network endpoint groups."),
        LoadBalancerRules.backends(
            "b", List.of(new Backend(NEG, Optional.empty(), Optional.empty(), true, false))));
    assertEquals(
        Optional.of(
            "Invalid value for field 'b[0].maxUtilization'. Max utilization is not supported for"
                + " Serverless network endpoint groups."),
        LoadBalancerRules.backends(
            "b", List.of(new Backend(NEG, Optional.empty(), Optional.empty(), false, true))));
    assertEquals(
        Optional.of(
            "Invalid value for field 'b[0].capacityScaler': '0.5'. Capacity scaler is not available"
                + " for Serverless network endpoint groups."),
        LoadBalancerRules.backends("b", List.of(Backend.of(NEG, Optional.of(0.5)))));
    assertEquals(no(), LoadBalancerRules.backends("b", List.of(Backend.of(NEG, Optional.of(1.0)))));
    // the same fields are fine on an instance group
    assertEquals(
        no(),
        LoadBalancerRules.backends(
            "b", List.of(new Backend(IG, Optional.of("RATE"), Optional.of(0.5), true, true))));
  }
}
