package dev.failover.core.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every knob's bounds, at the bound and just past it, with the message that names the knob. */
class PolicyTest {
  static final Duration M5 = Duration.ofMinutes(5);
  static final Duration H1 = Duration.ofHours(1);
  static final Duration H2 = Duration.ofHours(2);
  static final List<Integer> RAMP = List.of(100, 250, 500, 1000);

  static Policy policy(
      int minServing,
      double maxDrained,
      double headroom,
      Duration restoreAfter,
      List<Integer> ramp,
      Duration dwell,
      Duration flap,
      Duration maxHold,
      Duration staleAfter) {
    return new Policy(
        minServing,
        maxDrained,
        headroom,
        restoreAfter,
        ramp,
        dwell,
        flap,
        maxHold,
        false,
        staleAfter);
  }

  static String refused(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void theBoundsThemselves_areAccepted() {
    policy(
        1,
        0,
        1,
        Duration.ZERO,
        List.of(1000),
        Duration.ZERO,
        Duration.ZERO,
        Duration.ZERO,
        Duration.ofMinutes(31));
    policy(1, 1, 0.01, M5, RAMP, M5, H1, M5, H2);
  }

  @Test
  void justPastEachBound_isRefusedByName() {
    assertEquals(
        "minServingRegions must be at least 1, got 0",
        refused(() -> policy(0, 0.5, 0.8, M5, RAMP, M5, H1, H1, H2)));
    assertEquals(
        "maxDrainedFraction must be in 0..1, got -0.01",
        refused(() -> policy(1, -0.01, 0.8, M5, RAMP, M5, H1, H1, H2)));
    assertEquals(
        "maxDrainedFraction must be in 0..1, got 1.01",
        refused(() -> policy(1, 1.01, 0.8, M5, RAMP, M5, H1, H1, H2)));
    assertEquals(
        "headroom must be in (0, 1], got 0.0",
        refused(() -> policy(1, 0.5, 0, M5, RAMP, M5, H1, H1, H2)));
    assertEquals(
        "headroom must be in (0, 1], got 1.01",
        refused(() -> policy(1, 0.5, 1.01, M5, RAMP, M5, H1, H1, H2)));
    Duration minus = Duration.ofSeconds(-1);
    assertEquals(
        "restoreAfter must not be negative, got PT-1S",
        refused(() -> policy(1, 0.5, 0.8, minus, RAMP, M5, H1, H1, H2)));
    assertEquals(
        "stepDwell must not be negative, got PT-1S",
        refused(() -> policy(1, 0.5, 0.8, M5, RAMP, minus, H1, H1, H2)));
    assertEquals(
        "flapWindow must not be negative, got PT-1S",
        refused(() -> policy(1, 0.5, 0.8, M5, RAMP, M5, minus, H1, H2)));
    assertEquals(
        "maxRestoreHold must not be negative, got PT-1S",
        refused(() -> policy(1, 0.5, 0.8, Duration.ZERO, RAMP, M5, H1, minus, H2)));
    assertEquals(
        "maxRestoreHold (PT4M59S) must not be shorter than restoreAfter (PT5M)",
        refused(() -> policy(1, 0.5, 0.8, M5, RAMP, M5, H1, M5.minusSeconds(1), H2)));
    assertEquals(
        "incidentStaleAfter must exceed the alert policies' auto_close (PT30M), got PT30M",
        refused(() -> policy(1, 0.5, 0.8, M5, RAMP, M5, H1, H1, Duration.ofMinutes(30))));
    assertEquals(
        "rampSteps must end at 100% (1000), got [100, 500]",
        refused(() -> policy(1, 0.5, 0.8, M5, List.of(100, 500), M5, H1, H1, H2)));
    assertEquals(
        "rampSteps must rise strictly from above 0 to 1000, got [500, 500, 1000]",
        refused(() -> policy(1, 0.5, 0.8, M5, List.of(500, 500, 1000), M5, H1, H1, H2)));
    assertEquals(
        "rampSteps must rise strictly from above 0 to 1000, got [0, 1000]",
        refused(() -> policy(1, 0.5, 0.8, M5, List.of(0, 1000), M5, H1, H1, H2)));
  }

  @Test
  void theRestoreHold_doublesPerFlap_upToItsCap() {
    Policy p = policy(1, 0.5, 0.8, M5, RAMP, M5, H1, Duration.ofMinutes(20), H2);
    assertEquals(Duration.ofMinutes(5), p.restoreHold(0));
    assertEquals(Duration.ofMinutes(10), p.restoreHold(1));
    assertEquals(Duration.ofMinutes(20), p.restoreHold(2));
    assertEquals(Duration.ofMinutes(20), p.restoreHold(3), "capped");
    Policy odd = policy(1, 0.5, 0.8, M5, RAMP, M5, H1, Duration.ofMinutes(15), H2);
    assertEquals(Duration.ofMinutes(15), odd.restoreHold(2), "10 doubled is 20, capped at 15");
  }

  @Test
  void withers_changeOneKnob() {
    Policy d = Policy.defaults();
    assertEquals(3, d.withMinServingRegions(3).minServingRegions());
    assertEquals(d.incidentStaleAfter(), d.withMinServingRegions(3).incidentStaleAfter());
    assertEquals(true, d.withDrainOnDeploy(true).drainOnDeploy());
    assertEquals(d.rampSteps(), d.withDrainOnDeploy(true).rampSteps());
  }
}
