package dev.failover.gcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvTest {
  static final String TOPOLOGY =
      "{\"mode\":\"URL_MAP_WEIGHTS\",\"project\":\"demo-project\",\"resource\":\"um\",\"expected_rps\":100,"
          + "\"regions\":[{\"region\":\"us-central1\",\"backend\":\"a\",\"capacity_rps\":100},"
          + "{\"region\":\"europe-west1\",\"backend\":\"b\",\"capacity_rps\":100}]}";

  @Test
  void from_validEnvironment_readsEveryVariable() {
    Env env =
        Env.from(
            Map.of(
                "FAILOVER_TOPOLOGY", TOPOLOGY,
                "FAILOVER_POLICY", "{\"min_serving_regions\":2,\"ramp_steps\":[20,100]}",
                "FAILOVER_ALERT_REGION_BY_POLICY", "{\"app latency\":\"europe-west1\"}",
                "FAILOVER_BUILD_SERVICE", "app",
                "FAILOVER_MAX_EVENT_AGE", "PT30M"));
    assertEquals(Mode.URL_MAP_WEIGHTS, env.topology().mode());
    assertEquals(2, env.policy().minServingRegions());
    assertEquals(java.util.List.of(200, 1000), env.policy().rampSteps());
    assertEquals(Map.of("app latency", Region.of("europe-west1")), env.regionByPolicy());
    assertEquals(Optional.of("app"), env.buildRouting().service());
    assertEquals("_REGION", env.buildRouting().regionKey());
    assertEquals(Duration.ofMinutes(30), env.maxEventAge());
  }

  @Test
  void from_invalidEnvironment_reportsEveryProblemByVariable() {
    Env.InvalidEnvironmentException e =
        assertThrows(
            Env.InvalidEnvironmentException.class,
            () ->
                Env.from(
                    Map.of(
                        "FAILOVER_POLICY", "{\"headroom\":2}",
                        "FAILOVER_BUILD_REGION_KEY", "region",
                        "FAILOVER_MAX_EVENT_AGE", "1h",
                        "FAILOVER_STATE", "redis")));
    assertEquals(
        "invalid configuration:\n"
            + "  FAILOVER_TOPOLOGY: required (the topology JSON; or FAILOVER_TOPOLOGY_FILE, a path)\n"
            + "  FAILOVER_POLICY: policy: headroom must be in (0, 1], got 2.0\n"
            + "  FAILOVER_BUILD_REGION_KEY: a user substitution looks like _REGION (underscore, capitals), got 'region'\n"
            + "  FAILOVER_MAX_EVENT_AGE: an ISO-8601 duration such as PT1H, got '1h'\n"
            + "  FAILOVER_STATE: only 'memory' is available in this build, got 'redis'",
        e.getMessage());
  }

  @Test
  void from_policyMapToARegionOutsideTheTopology_isRefused() {
    Env.InvalidEnvironmentException e =
        assertThrows(
            Env.InvalidEnvironmentException.class,
            () ->
                Env.from(
                    Map.of(
                        "FAILOVER_TOPOLOGY",
                        TOPOLOGY,
                        "FAILOVER_ALERT_REGION_BY_POLICY",
                        "{\"p\":\"asia-east1\"}")));
    assertEquals(
        "invalid configuration:\n  FAILOVER_ALERT_REGION_BY_POLICY: policy 'p' maps to asia-east1,"
            + " which is not in the topology",
        e.getMessage());
  }
}
