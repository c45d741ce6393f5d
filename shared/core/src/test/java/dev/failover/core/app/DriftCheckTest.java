package dev.failover.core.app;

import static dev.failover.core.testing.Fixtures.ASIA;
import static dev.failover.core.testing.Fixtures.EU;
import static dev.failover.core.testing.Fixtures.US;
import static dev.failover.core.testing.Fixtures.min;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.audit.AuditRecord.RegionChange;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Oversight;
import dev.failover.core.domain.PendingWrite;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionState;
import dev.failover.core.domain.Topology;
import dev.failover.core.testing.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DriftCheckTest {
  private static final Topology TOPOLOGY = Fixtures.three(Mode.URL_MAP_WEIGHTS);
  private static final Instant NOW = min(30);
  private static final Duration RECENT = Duration.ofMinutes(3);

  private static LbConfig config(int asia, int eu, int us) {
    Map<Region, Integer> levels = new TreeMap<>();
    levels.put(ASIA, asia);
    levels.put(EU, eu);
    levels.put(US, us);
    return TOPOLOGY.configFor(levels);
  }

  private static Optional<DriftCheck.Drift> detect(
      Oversight o, ControllerMemory fresh, LbConfig observed) {
    return DriftCheck.detect(TOPOLOGY, o, fresh, observed, "fp-9", NOW, RECENT);
  }

  @Test
  void loadBalancerAsTheMemorySays_isNoDrift() {
    ControllerMemory m = ControllerMemory.empty();
    assertTrue(!DriftCheck.suspected(TOPOLOGY, m, config(1000, 1000, 1000)));
    assertEquals(Optional.empty(), detect(Oversight.defaults(), m, config(1000, 1000, 1000)));
  }

  @Test
  void aWriteOfOursInFlight_isNoDrift() {
    ControllerMemory m =
        ControllerMemory.empty()
            .withWrites(
                w ->
                    w.withPending(
                        PendingWrite.of("e1", "attempt-1", config(1000, 0, 1000), "fp-1", NOW)));
    assertEquals(Optional.empty(), detect(Oversight.defaults(), m, config(1000, 0, 1000)));
  }

  @Test
  void aRecentWriteOfOursShown_isNoDrift_butAnOlderOneIs() {
    PendingWrite recent =
        PendingWrite.of("e1", "attempt-1", config(1000, 0, 1000), "fp-1", NOW.minusSeconds(179));
    ControllerMemory m =
        ControllerMemory.empty().withWrites(w -> w.withRecent(recent, NOW.minus(RECENT)));
    assertEquals(Optional.empty(), detect(Oversight.defaults(), m, config(1000, 0, 1000)));

    PendingWrite old =
        PendingWrite.of("e1", "attempt-1", config(1000, 0, 1000), "fp-1", NOW.minusSeconds(181));
    ControllerMemory m2 =
        ControllerMemory.empty().withWrites(w -> w.withRecent(old, NOW.minusSeconds(600)));
    assertTrue(detect(Oversight.defaults(), m2, config(1000, 0, 1000)).isPresent());
  }

  @Test
  void adopt_aRegionTakenOut_becomesADrainPinForTheTtl() {
    DriftCheck.Drift d =
        detect(Oversight.defaults(), ControllerMemory.empty(), config(1000, 0, 1000)).orElseThrow();

    assertEquals(Oversight.Drift.ADOPT, d.policy());
    assertEquals(
        "the load balancer was changed outside the controller: it shows asia-east1=100"
            + " europe-west1=0 us-central1=100 where the controller last put asia-east1=100"
            + " europe-west1=100 us-central1=100; adopted [europe-west1]",
        d.message());
    assertEquals(
        List.of(
            new RegionChange(
                "europe-west1",
                "100",
                "0",
                1000,
                "drift",
                "adopted as a drain pin until 2026-11-01T13:30:00Z",
                Optional.of("drift"))),
        d.changes());
    Pin pin = d.adopt().apply(ControllerMemory.empty()).region(EU).pin().orElseThrow();
    assertEquals(Pin.Kind.DRAIN, pin.kind());
    assertEquals("drift:fp-9", pin.commandId());
    assertEquals(NOW.plus(Duration.ofHours(1)), pin.expiresAt());
  }

  @Test
  void aRegionTheLoadBalancerDoesNotList_joinsDrained_underEitherPolicy_withoutAPin() {
    for (Oversight.Drift policy : Oversight.Drift.values()) {
      Oversight d0 = Oversight.defaults();
      Oversight o = new Oversight(policy, d0.driftPinTtl(), d0.verifyBelowRps(), d0.verifyWithin());
      DriftCheck.Drift d =
          DriftCheck.detect(
                  TOPOLOGY,
                  o,
                  ControllerMemory.empty(),
                  config(0, 1000, 1000),
                  java.util.Set.of(ASIA),
                  "fp-9",
                  NOW,
                  RECENT)
              .orElseThrow();
      assertEquals(
          "the load balancer was changed outside the controller: it shows asia-east1=0"
              + " europe-west1=100 us-central1=100 where the controller last put asia-east1=100"
              + " europe-west1=100 us-central1=100; joining drained (not listed yet) [asia-east1]",
          d.message(),
          policy.name());
      assertEquals(
          List.of(
              new RegionChange(
                  "asia-east1",
                  "100",
                  "0",
                  0,
                  "join",
                  "not listed by the load balancer (a region just added): joins drained, comes in"
                      + " after the restore hold through the ramp; the next write lists it",
                  Optional.of("region_added"))),
          d.changes());
      ControllerMemory after = d.adopt().apply(ControllerMemory.empty());
      assertEquals(Optional.empty(), after.region(ASIA).pin());
      assertEquals(RegionState.Phase.OUT, after.region(ASIA).state().phase());
      assertEquals(0, after.region(ASIA).state().level());
      assertEquals(NOW, after.region(ASIA).state().since());
    }
  }

  @Test
  void aListedRegionAtZero_isDrift_evenWhenAnotherIsUnlisted() {
    DriftCheck.Drift d =
        DriftCheck.detect(
                TOPOLOGY,
                Oversight.defaults(),
                ControllerMemory.empty(),
                config(0, 0, 1000),
                java.util.Set.of(ASIA),
                "fp-9",
                NOW,
                RECENT)
            .orElseThrow();
    assertEquals(
        List.of("asia-east1 join", "europe-west1 drift"),
        d.changes().stream().map(c -> c.region() + " " + c.action()).toList());
    ControllerMemory after = d.adopt().apply(ControllerMemory.empty());
    assertEquals(Pin.Kind.DRAIN, after.region(EU).pin().orElseThrow().kind());
    assertEquals(Optional.empty(), after.region(ASIA).pin());
  }

  @Test
  void adopt_aLevelWithinAServingRegion_isReverted() {
    DriftCheck.Drift d =
        detect(Oversight.defaults(), ControllerMemory.empty(), config(1000, 500, 1000))
            .orElseThrow();
    assertEquals(
        "a level within a serving region cannot be adopted; reverted", d.changes().get(0).reason());
    assertTrue(d.message().endsWith("; reverting [europe-west1]"), d.message());
    ControllerMemory m = ControllerMemory.empty();
    assertEquals(m, d.adopt().apply(m), "nothing adopted");
  }

  @Test
  void revert_adoptsNothing() {
    Oversight revert =
        new Oversight(Oversight.Drift.REVERT, Duration.ofHours(1), 1.0, Duration.ofMinutes(10));
    DriftCheck.Drift d =
        detect(revert, ControllerMemory.empty(), config(0, 1000, 1000)).orElseThrow();
    assertEquals("reverted", d.changes().get(0).reason());
    assertEquals(Oversight.Drift.REVERT, d.policy());
    ControllerMemory m = ControllerMemory.empty();
    assertEquals(m, d.adopt().apply(m));
  }
}
