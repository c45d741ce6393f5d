package dev.failover.core.domain;

import static dev.failover.core.testing.Fixtures.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Configuration bounds, each at the bound (accepted) and just past it (refused with a message that
 * names the field): oversight, a region's spec, the topology's expected load.
 */
class BoundsTest {

  private static String refused(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  private static Oversight oversight(Duration pinTtl, double belowRps, Duration within) {
    return new Oversight(Oversight.Drift.ADOPT, pinTtl, belowRps, within);
  }

  @Test
  void oversight_driftPinTtl_isOneMinuteTo72Hours() {
    Duration tenMin = Duration.ofMinutes(10);
    oversight(Duration.ofMinutes(1), 0, tenMin);
    oversight(Duration.ofHours(72), 0, tenMin);
    assertEquals(
        "drift_pin_ttl must be between PT1M and PT72H, got PT59S",
        refused(() -> oversight(Duration.ofSeconds(59), 0, tenMin)));
    assertEquals(
        "drift_pin_ttl must be between PT1M and PT72H, got PT72H1S",
        refused(() -> oversight(Duration.ofHours(72).plusSeconds(1), 0, tenMin)));
  }

  @Test
  void oversight_verifyWithin_isOneMinuteToSixHours_andBelowRpsANumber() {
    Duration hour = Duration.ofHours(1);
    oversight(hour, 0, Duration.ofMinutes(1));
    oversight(hour, 0, Duration.ofHours(6));
    assertEquals(
        "verify_within must be between PT1M and PT6H, got PT59S",
        refused(() -> oversight(hour, 0, Duration.ofSeconds(59))));
    assertEquals(
        "verify_within must be between PT1M and PT6H, got PT6H1S",
        refused(() -> oversight(hour, 0, Duration.ofHours(6).plusSeconds(1))));
    assertEquals(
        "verify_below_rps must be a number of at least 0, got -0.5",
        refused(() -> oversight(hour, -0.5, Duration.ofMinutes(10))));
    assertEquals(
        "verify_below_rps must be a number of at least 0, got NaN",
        refused(() -> oversight(hour, Double.NaN, Duration.ofMinutes(10))));
  }

  @Test
  void regionSpec_baseWeightScalerAndCapacity() {
    new RegionSpec(US, "b", 1, 100, 0.001);
    new RegionSpec(US, "b", 1000, 1000, 1);
    assertEquals(
        List.of(
            "base weight of us-central1 must be in 1..1000, got 0",
            "base weight of us-central1 must be in 1..1000, got 1001",
            "base capacityScaler of us-central1 must be in 0.1..1.0, got 0.099",
            "base capacityScaler of us-central1 must be in 0.1..1.0, got 1.001",
            "declared capacity of us-central1 must be a positive number of RPS, got 0.0",
            "declared capacity of us-central1 must be a positive number of RPS, got Infinity"),
        List.of(
            refused(() -> new RegionSpec(US, "b", 0, 100, 1)),
            refused(() -> new RegionSpec(US, "b", 1001, 100, 1)),
            refused(() -> new RegionSpec(US, "b", 1, 99, 1)),
            refused(() -> new RegionSpec(US, "b", 1, 1001, 1)),
            refused(() -> new RegionSpec(US, "b", 1, 100, 0)),
            refused(() -> new RegionSpec(US, "b", 1, 100, Double.POSITIVE_INFINITY))));
  }

  @Test
  void topology_expectedRps_zeroOrPositive() {
    List<RegionSpec> one = List.of(RegionSpec.of(US, "b", 1, 1));
    new Topology(Mode.URL_MAP_WEIGHTS, "p", "um", one, 0);
    assertEquals(
        "expected RPS must be zero or positive, got -1.0",
        refused(() -> new Topology(Mode.URL_MAP_WEIGHTS, "p", "um", one, -1)));
    assertEquals(
        "expected RPS must be zero or positive, got Infinity",
        refused(
            () -> new Topology(Mode.URL_MAP_WEIGHTS, "p", "um", one, Double.POSITIVE_INFINITY)));
  }

  @Test
  void policy_restoreHold_doublesPerFlapUpToTheCapExactly() {
    Policy p = Policy.defaults(); // 5 min, capped at 1 h
    assertEquals(
        List.of(5L, 10L, 20L, 40L, 60L, 60L),
        List.of(0, 1, 2, 3, 4, 9).stream().map(f -> p.restoreHold(f).toMinutes()).toList());
  }
}
