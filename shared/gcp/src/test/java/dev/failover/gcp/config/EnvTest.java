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
    assertEquals(Env.Adapters.EMBEDDED, env.adapters());
  }

  @Test
  void from_onCloudFunctions_usesTheGoogleAdaptersWithTheirSettings() {
    Env env =
        Env.from(
            Map.of(
                "K_SERVICE", "failover-alerts",
                "FAILOVER_TOPOLOGY", TOPOLOGY,
                "FAILOVER_PATH_MATCHERS", "api, web",
                "FAILOVER_UPTIME_CHECKS",
                    "{\"us-central1\":\"app-us\",\"europe-west1\":\"app-eu\"}",
                "FAILOVER_HEALTH_MAX_P95_MS", "1500",
                "FAILOVER_LEDGER_TTL", "P3D",
                "FAILOVER_RECONCILE_BUDGET", "PT90S"));
    assertEquals(Env.Adapters.GOOGLE, env.adapters());
    assertEquals(java.util.Set.of("api", "web"), env.google().pathMatchers());
    assertEquals(
        Map.of(Region.of("us-central1"), "app-us", Region.of("europe-west1"), "app-eu"),
        env.google().uptimeChecks());
    assertEquals(Optional.of(1500.0), env.google().maxP95Millis());
    assertEquals(Duration.ofDays(3), env.google().ledgerTtl());
    assertEquals("um", env.google().healthService());
    assertEquals(Duration.ofSeconds(90), env.google().reconcileBudget());
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
                        "FAILOVER_ADAPTERS", "redis",
                        "FAILOVER_RECONCILE_BUDGET", "PT1S")));
    assertEquals(
        "invalid configuration:\n"
            + "  FAILOVER_TOPOLOGY: required (the topology JSON; or FAILOVER_TOPOLOGY_FILE, a path)\n"
            + "  FAILOVER_POLICY: policy: headroom must be in (0, 1], got 2.0\n"
            + "  FAILOVER_BUILD_REGION_KEY: a comma-separated list of user substitutions such as _REGION,_DEPLOY_REGION (underscore, capitals), got 'region'\n"
            + "  FAILOVER_MAX_EVENT_AGE: an ISO-8601 duration such as PT1H, got '1h'\n"
            + "  FAILOVER_ADAPTERS: google or embedded, got 'redis'\n"
            + "  FAILOVER_RECONCILE_BUDGET: between PT5S and PT9M, got PT1S",
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

  @Test
  void audit_takesStdoutAFileOrABigQueryTable_andNamesTheVariableOtherwise() {
    for (String ok :
        java.util.List.of(
            "stdout",
            "file:out/audit.ndjson",
            "bigquery:projects/demo-project/datasets/failover_audit/tables/audit_records")) {
      assertEquals(
          ok, Env.from(Map.of("FAILOVER_TOPOLOGY", TOPOLOGY, "FAILOVER_AUDIT", ok)).audit());
    }
    for (String bad :
        java.util.List.of(
            "bigquery",
            "bigquery:failover_audit.audit_records",
            "bigquery:projects/demo-project/datasets/failover-audit/tables/audit_records",
            "bigquery:projects/demo-project/datasets/d/tables/t/extra",
            "syslog")) {
      Env.InvalidEnvironmentException e =
          assertThrows(
              Env.InvalidEnvironmentException.class,
              () -> Env.from(Map.of("FAILOVER_TOPOLOGY", TOPOLOGY, "FAILOVER_AUDIT", bad)));
      assertEquals(
          "invalid configuration:\n"
              + "  FAILOVER_AUDIT: stdout, file:PATH or"
              + " bigquery:projects/PROJECT/datasets/DATASET/tables/TABLE, got '"
              + bad
              + "'",
          e.getMessage().strip(),
          bad);
    }
  }
}
