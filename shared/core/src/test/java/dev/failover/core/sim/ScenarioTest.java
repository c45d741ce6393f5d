package dev.failover.core.sim;

import static dev.failover.core.testing.Fixtures.EU;
import static dev.failover.core.testing.Fixtures.T0;
import static dev.failover.core.testing.Fixtures.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.failover.core.domain.Health;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.testing.Fixtures;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A scenario's own rules: its clock, the order of its steps, and late deliveries. */
class ScenarioTest {
  private static final Duration M1 = Duration.ofMinutes(1);

  private static Scenario scenario(Duration tick, Duration duration, List<Scenario.Step> steps) {
    return new Scenario(
        "s",
        "",
        Fixtures.three(Mode.URL_MAP_WEIGHTS),
        Policy.defaults(),
        T0,
        tick,
        duration,
        steps);
  }

  private static Scenario.Step health(long minute, Region r) {
    return new Scenario.HealthStep(Duration.ofMinutes(minute), r, Health.Status.HEALTHY);
  }

  private static Scenario.Step open(long minute) {
    return new Scenario.IncidentStep(
        Duration.ofMinutes(minute), US, "0.a", "p", true, Optional.empty(), 1);
  }

  private static String refused(Duration tick, Duration duration, List<Scenario.Step> steps) {
    return assertThrows(IllegalArgumentException.class, () -> scenario(tick, duration, steps))
        .getMessage();
  }

  @Test
  void steps_areSortedByTime_keepingFileOrderAtEqualTimes() {
    Scenario.Step a = health(5, US);
    Scenario.Step b = health(2, EU);
    Scenario.Step c = health(5, EU);
    assertEquals(List.of(b, a, c), scenario(M1, Duration.ofMinutes(10), List.of(a, b, c)).steps());
  }

  @Test
  void theClock_tickPositive_durationNotNegative_stepsWithinIt() {
    assertEquals("tick_every must be positive", refused(Duration.ZERO, M1, List.of()));
    assertEquals("tick_every must be positive", refused(M1.negated(), M1, List.of()));
    assertEquals("duration must not be negative", refused(M1, M1.negated(), List.of()));
    scenario(M1, Duration.ZERO, List.of(health(0, US)));
    scenario(M1, Duration.ofMinutes(10), List.of(health(10, US)));
    assertEquals(
        "event at PT11M lies outside the scenario's duration PT10M",
        refused(M1, Duration.ofMinutes(10), List.of(health(11, US))));
    assertEquals(
        "event at PT-1M lies outside the scenario's duration PT10M",
        refused(M1, Duration.ofMinutes(10), List.of(health(-1, US))));
    assertEquals(
        "event at PT1M names region us-east4, which is not in the topology",
        refused(M1, Duration.ofMinutes(10), List.of(health(1, Region.of("us-east4")))));
  }

  @Test
  void aLateStep_isDeliveredAtItsTime_publishedAtTheOriginals() {
    Scenario.LateStep late = new Scenario.LateStep(Duration.ofMinutes(9), open(2));
    assertEquals(US, late.region());
    new Scenario.LateStep(Duration.ofMinutes(2), open(2));
    assertEquals(
        "published PT3M lies after the delivery at PT2M",
        assertThrows(
                IllegalArgumentException.class,
                () -> new Scenario.LateStep(Duration.ofMinutes(2), open(3)))
            .getMessage());
    assertEquals(
        "published must not be negative, got PT-1M",
        assertThrows(
                IllegalArgumentException.class,
                () -> new Scenario.LateStep(Duration.ofMinutes(2), open(-1)))
            .getMessage());
    String only = "published only applies to incident, build and command events";
    for (Scenario.Step s : List.of(health(1, US), new Scenario.DeliveryStep(M1, US, 0), late)) {
      assertEquals(
          only,
          assertThrows(IllegalArgumentException.class, () -> new Scenario.LateStep(M1.plus(M1), s))
              .getMessage());
    }
    assertEquals(
        "sent",
        assertThrows(NullPointerException.class, () -> new Scenario.LateStep(M1, null))
            .getMessage());
  }
}
