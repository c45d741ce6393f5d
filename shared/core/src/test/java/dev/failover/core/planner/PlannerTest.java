package dev.failover.core.planner;

import static dev.failover.core.testing.Fixtures.ASIA;
import static dev.failover.core.testing.Fixtures.EU;
import static dev.failover.core.testing.Fixtures.US;
import static dev.failover.core.testing.Fixtures.healthy;
import static dev.failover.core.testing.Fixtures.memory;
import static dev.failover.core.testing.Fixtures.min;
import static dev.failover.core.testing.Fixtures.out;
import static dev.failover.core.testing.Fixtures.ramping;
import static dev.failover.core.testing.Fixtures.sec;
import static dev.failover.core.testing.Fixtures.three;
import static dev.failover.core.testing.Fixtures.topology;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.domain.BuildStatus;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.RegionState;
import dev.failover.core.domain.Setting;
import dev.failover.core.domain.Topology;
import dev.failover.core.testing.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The planner's rules, one table per rule, with exact numbers. */
class PlannerTest {

  private static final Policy DEFAULTS = Policy.defaults();

  /** Plans with the observed config equal to what the memory says the controller last wrote. */
  private static Plan plan(
      Topology t, ControllerMemory m, Policy p, Map<Region, Health> health, Instant now) {
    return Planner.plan(m.situation(), observed(t, m), t, p, health, now);
  }

  private static LbConfig observed(Topology t, ControllerMemory m) {
    Map<Region, Integer> levels = new HashMap<>();
    t.regionNames().forEach(r -> levels.put(r, m.region(r).state().level()));
    return t.configFor(levels);
  }

  private static int weight(Plan p, Region r) {
    return ((Setting.Weight) p.target().setting(r)).value();
  }

  private static Map<Region, Health> allHealthy() {
    return healthy(min(-60), US, EU, ASIA);
  }

  @Nested
  class WantedOut {
    @Test
    void plan_nothingWantsOut_isNoop() {
      Topology t = three(Mode.URL_MAP_WEIGHTS);
      Plan p = plan(t, memory().build(), DEFAULTS, allHealthy(), min(0));
      assertFalse(p.changesLoadBalancer());
      assertEquals("asia-east1=100 europe-west1=100 us-central1=100", p.target().display());
      p.decisions().forEach(d -> assertEquals(Action.KEEP, d.action()));
    }

    @Test
    void plan_openIncident_drainsRegionToZero() {
      Topology t = three(Mode.URL_MAP_WEIGHTS);
      ControllerMemory m = memory().incident(US, "inc-1", min(0)).build();
      Plan p = plan(t, m, DEFAULTS, allHealthy(), min(1));
      assertTrue(p.changesLoadBalancer());
      assertEquals("asia-east1=100 europe-west1=100 us-central1=0", p.target().display());
      RegionDecision d = p.decision(US);
      assertEquals(Action.DRAIN, d.action());
      assertEquals(
          "incident inc-1 (5xx ratio us-central1) open since 2026-11-01T12:00:00Z", d.reason());
      assertEquals(RegionState.Phase.OUT, p.nextStates().get(US).phase());
      assertEquals(min(1), p.nextStates().get(US).since());
    }

    @Test
    void plan_manualDrainTakesPrecedenceOverAlert_inTheReason() {
      Topology t = three(Mode.URL_MAP_WEIGHTS);
      ControllerMemory m =
          memory()
              .incident(US, "inc-1", min(0))
              .pin(US, Pin.Kind.DRAIN, min(0), Duration.ofHours(2), false)
              .build();
      RegionDecision d = plan(t, m, DEFAULTS, allHealthy(), min(1)).decision(US);
      assertEquals(Action.DRAIN, d.action());
      assertEquals(
          "manual drain by alice@example.com until 2026-11-01T14:00:00Z: maintenance", d.reason());
      assertEquals(Optional.of(min(120)), d.nextActionAt());
    }

    @Test
    void plan_forceServePin_keepsRegionInDespiteIncident() {
      Topology t = three(Mode.URL_MAP_WEIGHTS);
      ControllerMemory m =
          memory()
              .incident(US, "inc-1", min(0))
              .pin(US, Pin.Kind.SERVE, min(0), Duration.ofMinutes(30), false)
              .build();
      Plan p = plan(t, m, DEFAULTS, allHealthy(), min(1));
      assertFalse(p.changesLoadBalancer());
      assertEquals(Optional.of(Rule.FORCE_SERVE), p.decision(US).rule());
    }

    @Test
    void plan_forceServePin_restoresADrainedRegionAtOnce() {
      Topology t = three(Mode.URL_MAP_WEIGHTS);
      ControllerMemory m =
          memory()
              .state(US, out(min(0)))
              .pin(US, Pin.Kind.SERVE, min(1), Duration.ofMinutes(30), false)
              .build();
      Plan p = plan(t, m, DEFAULTS, Map.of(), min(2));
      assertEquals(100, weight(p, US));
      assertEquals(Action.SERVE, p.decision(US).action());
    }

    @Test
    void plan_expiredDrainPin_noLongerWantsOut() {
      Topology t = three(Mode.URL_MAP_WEIGHTS);
      ControllerMemory m =
          memory().pin(US, Pin.Kind.DRAIN, min(0), Duration.ofMinutes(30), false).build();
      assertEquals(0, weight(plan(t, m, DEFAULTS, allHealthy(), min(29)), US));
      assertEquals(100, weight(plan(t, m, DEFAULTS, allHealthy(), min(30)), US));
    }

    /**
     * A failed Cloud Run deploy leaves the previous revision serving: a failed build never drains.
     */
    @ParameterizedTest(name = "{0} with drainOnDeploy={1} -> weight {2}")
    @CsvSource({
      "WORKING, false, 100",
      "WORKING, true, 0",
      "QUEUED, true, 100",
      "PENDING, true, 100",
      "SUCCESS, true, 100",
      "FAILURE, true, 100",
      "FAILURE, false, 100",
      "INTERNAL_ERROR, true, 100",
      "TIMEOUT, true, 100",
      "CANCELLED, true, 100",
      "EXPIRED, true, 100",
    })
    void plan_buildStatus_decidesWhetherRegionIsWantedOut(
        BuildStatus status, boolean drainOnDeploy, int expectedWeight) {
      Topology t = three(Mode.URL_MAP_WEIGHTS);
      ControllerMemory m =
          memory().record(new ControllerEvent.BuildEvent("m-1", US, "b-1", status, min(0))).build();
      Plan p = plan(t, m, DEFAULTS.withDrainOnDeploy(drainOnDeploy), allHealthy(), min(1));
      assertEquals(expectedWeight, weight(p, US));
    }

    @Test
    void plan_aDeployAnOperatorForgot_noLongerWantsItsRegionOut() {
      Topology t = three(Mode.URL_MAP_WEIGHTS);
      Policy onDeploy = DEFAULTS.withDrainOnDeploy(true);
      ControllerMemory deploying =
          memory()
              .record(new ControllerEvent.BuildEvent("m-1", US, "b-1", BuildStatus.WORKING, min(0)))
              .build();
      assertEquals(0, weight(plan(t, deploying, onDeploy, allHealthy(), min(1)), US));
      ControllerMemory forgotten =
          deploying
              .record(
                  new ControllerEvent.CommandEvent(
                      "c-1",
                      US,
                      ControllerEvent.CommandEvent.Action.FORGET_BUILD,
                      "alice",
                      "the deploy is stuck",
                      Optional.empty(),
                      false,
                      min(1),
                      Optional.of("b-1")))
              .memory();
      Plan later = plan(t, forgotten, onDeploy, allHealthy(), min(2));
      assertTrue(
          later.decisions().stream()
              .filter(d -> d.region().equals(US))
              .allMatch(d -> d.wantedOut().isEmpty()),
          "nothing wants us-central1 out any more");
    }

    @Test
    void plan_aDeploy_wantsItsRegionOutUntilItsDeadline_theBuildsTimeoutElseThePolicys() {
      Topology t = three(Mode.URL_MAP_WEIGHTS);
      Policy onDeploy = DEFAULTS.withDrainOnDeploy(true);
      ControllerMemory tenMinutes =
          memory()
              .record(
                  new ControllerEvent.BuildEvent(
                      "m-1",
                      US,
                      "b-1",
                      BuildStatus.WORKING,
                      min(0),
                      Optional.of(Duration.ofMinutes(10)),
                      false))
              .build();
      assertEquals(0, weight(plan(t, tenMinutes, onDeploy, allHealthy(), min(9)), US));
      Plan at10 = plan(t, tenMinutes, onDeploy, allHealthy(), min(10));
      assertTrue(at10.decision(US).wantedOut().isEmpty(), "no longer wanted out at its deadline");
      // the policy's deploy_timeout wins over the build's
      Policy longer = onDeploy.withDeployTimeout(Optional.of(Duration.ofMinutes(20)));
      assertTrue(
          plan(t, tenMinutes, longer, allHealthy(), min(19)).decision(US).wantedOut().isPresent());
      assertTrue(
          plan(t, tenMinutes, longer, allHealthy(), min(20)).decision(US).wantedOut().isEmpty());
      // without either: 30 minutes
      ControllerMemory untimed =
          memory()
              .record(new ControllerEvent.BuildEvent("m-2", US, "b-2", BuildStatus.WORKING, min(0)))
              .build();
      assertTrue(
          plan(t, untimed, onDeploy, allHealthy(), min(29)).decision(US).wantedOut().isPresent());
      assertTrue(
          plan(t, untimed, onDeploy, allHealthy(), min(30)).decision(US).wantedOut().isEmpty());
    }

    @Test
    void plan_aPipelineDeployingSeveralRegions_neverDrainsForItsDeploy() {
      Topology t = three(Mode.URL_MAP_WEIGHTS);
      ControllerMemory pipeline =
          memory()
              .record(
                  new ControllerEvent.BuildEvent(
                      "m-1/us-central1",
                      US,
                      "b-1",
                      BuildStatus.WORKING,
                      min(0),
                      Optional.empty(),
                      true))
              .build();
      assertEquals(
          100,
          weight(plan(t, pipeline, DEFAULTS.withDrainOnDeploy(true), allHealthy(), min(1)), US));
    }
  }

  @Nested
  class SafetyRules {
    @Test
    void plan_headroom_judgesOnlyTheSurvivors_notTheRegionBeingDrained() {
      // us-central1 is the most loaded per unit of capacity (100/500); once it is out, the two
      // survivors take 1,200 rps: 600 each, under 1,000 × 0.8. A full drain is safe.
      Topology t =
          new Topology(
              Mode.URL_MAP_WEIGHTS,
              "demo-project",
              "app",
              List.of(
                  RegionSpec.of(US, Fixtures.backend(Mode.URL_MAP_WEIGHTS, US), 100, 500),
                  RegionSpec.of(EU, Fixtures.backend(Mode.URL_MAP_WEIGHTS, EU), 100, 1000),
                  RegionSpec.of(ASIA, Fixtures.backend(Mode.URL_MAP_WEIGHTS, ASIA), 100, 1000)),
              1200);
      ControllerMemory m = memory().incident(US, "inc-us", min(1)).build();
      Plan p = plan(t, m, DEFAULTS, allHealthy(), min(2));
      assertEquals(0, weight(p, US));
      assertEquals(Action.DRAIN, p.decision(US).action());
    }

    @Test
    void plan_secondRegionPastDrainedFraction_isHeldAndEarliestIncidentDrainsFirst() {
      Topology t = three(Mode.URL_MAP_WEIGHTS);
      ControllerMemory m =
          memory().incident(EU, "inc-eu", min(2)).incident(US, "inc-us", min(1)).build();
      Plan p = plan(t, m, DEFAULTS, allHealthy(), min(3));
      assertEquals("asia-east1=100 europe-west1=100 us-central1=0", p.target().display());
      RegionDecision held = p.decision(EU);
      assertEquals(Action.HOLD, held.action());
      assertEquals(Optional.of(Rule.MAX_DRAINED_FRACTION), held.rule());
      assertTrue(
          held.reason()
              .endsWith(
                  "held: draining it would leave 67% of capacity drained; maxDrainedFraction is"
                      + " 50%"),
          held.reason());
      assertEquals(List.of(held), p.holds());
    }

    @Test
    void plan_minServingRegions_holdsTheDrainThatWouldLeaveTooFew() {
      Topology t = three(Mode.URL_MAP_WEIGHTS);
      Policy p2 =
          new Policy(
              2,
              1.0,
              1.0,
              Duration.ofMinutes(5),
              List.of(100, 250, 500, 1000),
              Duration.ofMinutes(2),
              Duration.ofHours(1),
              Duration.ofHours(1),
              false,
              java.time.Duration.ofHours(2));
      ControllerMemory m =
          memory().incident(US, "inc-us", min(1)).incident(EU, "inc-eu", min(2)).build();
      Plan p = plan(t, m, p2, allHealthy(), min(3));
      assertEquals(0, weight(p, US));
      assertEquals(100, weight(p, EU));
      assertEquals(Optional.of(Rule.MIN_SERVING_REGIONS), p.decision(EU).rule());
      assertTrue(
          p.decision(EU).reason().endsWith("only 1 other region(s) serve; minServingRegions is 2"));
    }

    @Test
    void plan_survivorsWouldPassHeadroom_drainsPartially() {
      // 1800 RPS over three 1000-RPS regions; headroom 0.8 allows 800 each. A full drain would
      // give the other two 900 each. Keeping us-central1 at weight 25 (sum 225) gives them
      // 1800 * 100 / 225 = 800 each: exactly at headroom.
      Topology t = topology(Mode.URL_MAP_WEIGHTS, 1800, US, EU, ASIA);
      ControllerMemory m = memory().incident(US, "inc-us", min(0)).build();
      Plan p = plan(t, m, DEFAULTS, allHealthy(), min(1));
      assertEquals("asia-east1=100 europe-west1=100 us-central1=25", p.target().display());
      RegionDecision d = p.decision(US);
      assertEquals(Action.PARTIAL_DRAIN, d.action());
      assertEquals(250, d.levelAfter());
      assertEquals(Optional.of(Rule.HEADROOM), d.rule());
      assertEquals(RegionState.Phase.OUT, p.nextStates().get(US).phase());
      assertEquals(250, p.nextStates().get(US).level());
    }

    @ParameterizedTest(name = "expected {0} RPS -> us-central1 level {1}")
    @CsvSource({
      "1500, 0", // 750 each after a full drain: under 800
      "1600, 0", // 800 each: exactly at headroom
      "1700, 125", // need 1700*100/800 - 200 = 12.5 -> 125/1000
      "1800, 250",
      "2000, 500",
      "2399, 999", // (2399/8 - 200)/100 = 0.99875 -> rounded up to 999
      "2400, 1000", // no drain can keep the others within headroom: hold
      "3000, 1000",
    })
    void plan_headroom_limitsTheDrainToTheLeastSafeLevel(double expectedRps, int level) {
      Topology t = topology(Mode.URL_MAP_WEIGHTS, expectedRps, US, EU, ASIA);
      ControllerMemory m = memory().incident(US, "inc-us", min(0)).build();
      Plan p = plan(t, m, DEFAULTS, allHealthy(), min(1));
      assertEquals(level, p.decision(US).levelAfter());
      if (level == 1000) {
        assertEquals(Action.HOLD, p.decision(US).action());
        assertEquals(Optional.of(Rule.HEADROOM), p.decision(US).rule());
      }
    }

    @Test
    void plan_headroomInMembershipMode_holdsBecauseNothingIsBetweenInAndOut() {
      Topology t = topology(Mode.BACKEND_MEMBERSHIP, 1800, US, EU, ASIA);
      ControllerMemory m = memory().incident(US, "inc-us", min(0)).build();
      Plan p = plan(t, m, DEFAULTS, allHealthy(), min(1));
      assertFalse(p.changesLoadBalancer());
      assertEquals(Action.HOLD, p.decision(US).action());
      assertEquals(Optional.of(Rule.HEADROOM), p.decision(US).rule());
    }

    @Test
    void plan_everyRegionWantedOut_freezesAndPages() {
      Topology t = three(Mode.URL_MAP_WEIGHTS);
      ControllerMemory m =
          memory()
              .state(US, out(min(0)))
              .incident(US, "inc-us", min(0))
              .incident(EU, "inc-eu", min(5))
              .incident(ASIA, "inc-asia", min(6))
              .build();
      LbConfig observedNow = observed(t, m);
      Plan p = Planner.plan(m.situation(), observedNow, t, DEFAULTS, allHealthy(), min(7));
      assertEquals(observedNow, p.target());
      assertFalse(p.changesLoadBalancer());
      assertEquals(
          Optional.of(
              "all 3 regions are wanted out; the controller froze and changes nothing until one"
                  + " recovers or an operator acts (break-glass)"),
          p.page());
      assertEquals(Optional.of(Rule.ALL_REGIONS_SICK), p.decision(EU).rule());
      assertEquals(Optional.of(Rule.ALL_REGIONS_SICK), p.decision(ASIA).rule());
      assertEquals(Action.KEEP, p.decision(US).action());
    }

    @Test
    void plan_breakGlassDrain_overridesMinServingRegions() {
      Topology t = three(Mode.URL_MAP_WEIGHTS);
      Policy p2 = DEFAULTS.withMinServingRegions(2);
      ControllerMemory m =
          memory()
              .state(ASIA, out(min(0)))
              .incident(ASIA, "inc-asia", min(0))
              .pin(US, Pin.Kind.DRAIN, min(1), Duration.ofHours(1), true)
              .build();
      Plan p = plan(t, m, p2, allHealthy(), min(2));
      assertEquals("asia-east1=0 europe-west1=100 us-central1=0", p.target().display());
      assertEquals(Optional.of(Rule.BREAK_GLASS), p.decision(US).rule());
    }

    @Test
    void plan_breakGlassDrainOfTheLastServingRegion_isHeld() {
      Topology t = topology(Mode.URL_MAP_WEIGHTS, 1000, US, EU);
      ControllerMemory m =
          memory()
              .state(EU, out(min(0)))
              .pin(EU, Pin.Kind.DRAIN, min(0), Duration.ofHours(1), false)
              .pin(US, Pin.Kind.DRAIN, min(1), Duration.ofHours(1), true)
              .build();
      Plan p = plan(t, m, DEFAULTS, allHealthy(), min(2));
      assertEquals(100, weight(p, US));
      assertEquals(Optional.of(Rule.LAST_REGION), p.decision(US).rule());
    }

    @Test
    void plan_lonelyRegion_isNeverDrained() {
      Topology t = topology(Mode.CAPACITY_SCALER, 100, US);
      ControllerMemory m = memory().incident(US, "inc-us", min(0)).build();
      Plan p = plan(t, m, DEFAULTS, allHealthy(), min(1));
      assertEquals(new Setting.Scaler(1000), p.target().setting(US));
      assertTrue(p.page().isPresent());
    }
  }

  @Nested
  class Restore {
    private final Topology t = three(Mode.URL_MAP_WEIGHTS);

    @ParameterizedTest(name = "drained at 0, healthy since minute {0}, now second {1} -> {2}")
    @CsvSource({
      // the hold counts from the later of the drain and the start of the healthy run
      "-30, 299, HOLD",
      "-30, 300, RAMP",
      "1, 359, HOLD",
      "1, 360, RAMP",
    })
    void plan_restoreWaitsForTheRestoreHold(long healthySinceMin, long nowSec, Action action) {
      ControllerMemory m =
          memory().state(US, out(min(0))).closedIncident(US, "inc-us", min(-1), min(0)).build();
      Plan p = plan(t, m, DEFAULTS, healthy(min(healthySinceMin), US, EU, ASIA), sec(nowSec));
      assertEquals(action, p.decision(US).action());
      if (action == Action.RAMP) {
        assertEquals(10, weight(p, US));
        assertEquals(
            Optional.of(sec(nowSec).plus(Duration.ofMinutes(2))), p.decision(US).nextActionAt());
      } else {
        assertEquals(Optional.of(Rule.RESTORE_HOLD), p.decision(US).rule());
        assertEquals(0, weight(p, US));
      }
    }

    @ParameterizedTest(name = "health {0} -> rule {1}")
    @CsvSource({"NO_DATA, NO_HEALTH_DATA", "UNHEALTHY, UNHEALTHY"})
    void plan_restoreNeedsHealthyNotJustNoIncident(Health.Status status, Rule rule) {
      ControllerMemory m = memory().state(US, out(min(0))).build();
      Map<Region, Health> h = new HashMap<>(allHealthy());
      h.put(US, new Health(status, min(-60)));
      Plan p = plan(t, m, DEFAULTS, h, min(60));
      assertEquals(Action.HOLD, p.decision(US).action());
      assertEquals(Optional.of(rule), p.decision(US).rule());
    }

    @Test
    void plan_missingHealthEntry_isNoData() {
      ControllerMemory m = memory().state(US, out(min(0))).build();
      Plan p = plan(t, m, DEFAULTS, healthy(min(-60), EU, ASIA), min(60));
      assertEquals(Optional.of(Rule.NO_HEALTH_DATA), p.decision(US).rule());
    }

    @ParameterizedTest(name = "step {0} since minute 10, now second {1} -> weight {2}")
    @CsvSource({
      "0, 719, 10",
      "0, 720, 25",
      "1, 720, 50",
      "2, 720, 100",
    })
    void plan_rampAdvancesOneStepPerDwell(int step, long nowSec, int expectedWeight) {
      int level = List.of(100, 250, 500, 1000).get(step);
      ControllerMemory m = memory().state(US, ramping(step, level, min(10))).build();
      Plan p = plan(t, m, DEFAULTS, allHealthy(), sec(nowSec));
      assertEquals(expectedWeight, weight(p, US));
    }

    @Test
    void plan_rampCompletes_regionServesAgain() {
      ControllerMemory m = memory().state(US, ramping(2, 500, min(10))).build();
      Plan p = plan(t, m, DEFAULTS, allHealthy(), min(12));
      assertEquals(Action.SERVE, p.decision(US).action());
      RegionState s = p.nextStates().get(US);
      assertEquals(RegionState.Phase.SERVING, s.phase());
      assertEquals(Optional.of(min(10)), s.lastRestoreAt());
    }

    @Test
    void plan_rampWithoutHealthData_pausesAtItsStep() {
      ControllerMemory m = memory().state(US, ramping(1, 250, min(10))).build();
      Plan p = plan(t, m, DEFAULTS, healthy(min(-60), EU, ASIA), min(30));
      assertEquals(25, weight(p, US));
      assertEquals(Optional.of(Rule.NO_HEALTH_DATA), p.decision(US).rule());
    }

    @Test
    void plan_unhealthyDuringRamp_drainsAtOnce() {
      ControllerMemory m = memory().state(US, ramping(1, 250, min(10))).build();
      Map<Region, Health> h = new HashMap<>(allHealthy());
      h.put(US, new Health(Health.Status.UNHEALTHY, min(11)));
      Plan p = plan(t, m, DEFAULTS, h, min(11));
      assertEquals(0, weight(p, US));
      assertEquals(Action.DRAIN, p.decision(US).action());
      assertEquals(
          "unhealthy since 2026-11-01T12:11:00Z during the restore ramp (relapse)",
          p.decision(US).reason());
      // a drain one minute after the restore began is a flap
      assertEquals(1, p.nextStates().get(US).flapCount());
    }

    @Test
    void plan_partiallyDrainedRegion_rampsFromTheFirstStepAboveItsLevel() {
      RegionState partial =
          new RegionState(RegionState.Phase.OUT, 250, -1, min(0), 0, Optional.empty());
      ControllerMemory m = memory().state(US, partial).build();
      Plan p = plan(t, m, DEFAULTS, allHealthy(), min(10));
      assertEquals(50, weight(p, US));
      assertEquals(2, p.nextStates().get(US).rampStep());
    }

    @Test
    void plan_membershipMode_restoresInOneStepAfterTheHold() {
      Topology tm = three(Mode.BACKEND_MEMBERSHIP);
      ControllerMemory m = memory().state(US, out(min(0))).build();
      Map<Region, Integer> levels = Map.of(US, 0, EU, 1000, ASIA, 1000);
      Plan held =
          Planner.plan(m.situation(), tm.configFor(levels), tm, DEFAULTS, allHealthy(), sec(299));
      assertEquals(new Setting.Member(false), held.target().setting(US));
      Plan p =
          Planner.plan(m.situation(), tm.configFor(levels), tm, DEFAULTS, allHealthy(), sec(300));
      assertEquals(new Setting.Member(true), p.target().setting(US));
      assertEquals(RegionState.Phase.SERVING, p.nextStates().get(US).phase());
    }

    @Test
    void plan_capacityScalerMode_rampsThroughScalers() {
      Topology tc = three(Mode.CAPACITY_SCALER);
      ControllerMemory m = memory().state(US, out(min(0))).build();
      Map<Region, Integer> levels = Map.of(US, 0, EU, 1000, ASIA, 1000);
      Plan p =
          Planner.plan(m.situation(), tc.configFor(levels), tc, DEFAULTS, allHealthy(), min(5));
      assertEquals(new Setting.Scaler(100), p.target().setting(US));
      assertEquals("asia-east1=1.0 europe-west1=1.0 us-central1=0.1", p.target().display());
    }
  }

  @Nested
  class FlapDamping {
    private final Topology t = three(Mode.URL_MAP_WEIGHTS);

    @ParameterizedTest(name = "restored at minute {0}, drained at minute 60 -> flaps {1}")
    @CsvSource({"0, 1", "1, 1", "-1, 0"})
    void plan_drainWithinFlapWindowOfRestore_countsAFlap(long restoredAtMin, int flaps) {
      RegionState serving =
          new RegionState(
              RegionState.Phase.SERVING,
              1000,
              -1,
              min(restoredAtMin),
              2,
              Optional.of(min(restoredAtMin)));
      ControllerMemory m = memory().state(US, serving).incident(US, "inc-us", min(60)).build();
      Plan p = plan(t, m, DEFAULTS, allHealthy(), min(60));
      assertEquals(flaps == 0 ? 0 : 3, p.nextStates().get(US).flapCount());
    }

    @ParameterizedTest(name = "{0} flaps -> hold {1} min")
    @CsvSource({"0, 5", "1, 10", "2, 20", "3, 40", "4, 60", "9, 60"})
    void plan_restoreHoldDoublesPerFlapUpToTheCap(int flaps, long holdMinutes) {
      RegionState drained =
          new RegionState(RegionState.Phase.OUT, 0, -1, min(0), flaps, Optional.of(min(-5)));
      ControllerMemory m = memory().state(US, drained).build();
      Plan before = plan(t, m, DEFAULTS, allHealthy(), min(holdMinutes).minusSeconds(1));
      assertEquals(Action.HOLD, before.decision(US).action());
      assertEquals(
          Optional.of(flaps == 0 ? Rule.RESTORE_HOLD : Rule.FLAP_DAMPING),
          before.decision(US).rule());
      assertEquals(Optional.of(min(holdMinutes)), before.decision(US).nextActionAt());
      Plan after = plan(t, m, DEFAULTS, allHealthy(), min(holdMinutes));
      assertEquals(Action.RAMP, after.decision(US).action());
    }
  }

  @Nested
  class Inputs {
    @Test
    void plan_observedConfigForOtherRegions_isRejected() {
      Topology t = three(Mode.URL_MAP_WEIGHTS);
      LbConfig two =
          new LbConfig(
              Mode.URL_MAP_WEIGHTS, Map.of(US, new Setting.Weight(1), EU, new Setting.Weight(1)));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Planner.plan(memory().build().situation(), two, t, DEFAULTS, Map.of(), min(0)));
      assertTrue(e.getMessage().startsWith("observed config names regions"), e.getMessage());
    }

    @Test
    void plan_isDeterministic() {
      Topology t =
          new Topology(
              Mode.URL_MAP_WEIGHTS,
              "demo-project",
              "app",
              List.of(
                  new RegionSpec(US, "bs-us", 300, 1000, 2000),
                  new RegionSpec(EU, "bs-eu", 200, 1000, 1000),
                  new RegionSpec(ASIA, "bs-asia", 100, 1000, 500)),
              2200);
      ControllerMemory m = memory().incident(US, "a", min(0)).incident(EU, "b", min(0)).build();
      Plan a = plan(t, m, DEFAULTS, allHealthy(), min(1));
      Plan b = plan(t, m, DEFAULTS, allHealthy(), min(1));
      assertEquals(a, b);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "2026-11-01T12:00:00Z",
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z",
        "2000-02-29T23:59:59Z",
        "1000-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "2026-11-01T12:00:00.250Z",
        "+10000-01-01T00:00:00Z",
        "0999-12-31T23:59:59Z"
      })
  void reasons_writeTimesAsInstantToStringWrites(String text) {
    Instant t = Instant.parse(text);
    assertEquals(
        "unhealthy since " + t + " during the restore ramp (relapse)",
        new Reason.Relapse(t).text());
  }

  /** Weights over region subsets: every change is also checked against the subsets that exist. */
  @Nested
  class Subsets {
    /** all and all-but-X for each region (max_regions_out = 1); traffic fits anywhere. */
    private final Topology one = Fixtures.subsets(0, 1, US, EU, ASIA);

    private final Topology two = Fixtures.subsets(0, 2, US, EU, ASIA);

    /** Two regions may be out by the capacity rules. */
    private final Policy loose =
        new Policy(
            1,
            0.7,
            1.0,
            Duration.ofMinutes(5),
            List.of(100, 250, 500, 1000),
            Duration.ofMinutes(2),
            Duration.ofHours(1),
            Duration.ofHours(1),
            false,
            Duration.ofHours(2));

    @Test
    void anIncident_drainsItsRegion_toAllButIt() {
      ControllerMemory m = memory().incident(US, "inc-1", min(0)).build();
      Plan p = plan(one, m, DEFAULTS, allHealthy(), min(1));
      assertEquals(Action.DRAIN, p.decision(US).action());
      assertEquals("asia-east1=100% europe-west1=100% us-central1=0%", p.target().display());
    }

    @Test
    void aSecondDrain_thatNeedsASubsetTheLoadBalancerLacks_isHeld_andSaysSo() {
      ControllerMemory m =
          memory()
              .state(US, out(min(0)))
              .incident(US, "inc-1", min(0))
              .incident(EU, "inc-2", min(1))
              .build();
      RegionDecision d = plan(one, m, loose, allHealthy(), min(2)).decision(EU);
      assertEquals(Action.HOLD, d.action());
      assertEquals(Optional.of(Rule.SUBSET_MISSING), d.rule());
      assertEquals(
          "incident inc-2 (5xx ratio europe-west1) open since 2026-11-01T12:01:00Z; held: cannot"
              + " be written as subset weights: no subset backend service holds exactly"
              + " [asia-east1]; deploy that subset (raise max_regions_out)",
          d.reason());
      // with all-but-us-central1-europe-west1 deployed, the same plan drains
      Plan p = plan(two, m, loose, allHealthy(), min(2));
      assertEquals(Action.DRAIN, p.decision(EU).action());
      assertEquals("asia-east1=100% europe-west1=0% us-central1=0%", p.target().display());
    }

    /** us 600, eu 500, asia 400 RPS of users; us spills to eu first; capacity 1000 each. */
    private Topology nearest() {
      Topology base = Fixtures.subsets(1500, 1, US, EU, ASIA);
      List<RegionSpec> specs =
          base.regions().stream()
              .map(
                  r ->
                      r.region().equals(US)
                          ? r.withGeography(600, List.of(EU, ASIA))
                          : r.withGeography(r.region().equals(EU) ? 500 : 400, List.of()))
              .toList();
      return new Topology(Mode.URL_MAP_SUBSETS, "demo-project", "app", specs, 1500, base.subsets());
    }

    @Test
    void aDrainedRegionsUsers_goToItsNearestServingRegion_whoseHeadroomBoundsTheDrain() {
      // eu would take its 500 and us's 600: 1100 > 800 (1000 x 0.8); us keeps half its users
      // (eu: 500 + 600 x 0.5 = 800), though the three regions' total would fit everywhere
      ControllerMemory m = memory().incident(US, "inc-1", min(0)).build();
      Plan p = plan(nearest(), m, DEFAULTS, allHealthy(), min(1));
      assertEquals(Action.PARTIAL_DRAIN, p.decision(US).action());
      assertEquals(Optional.of(Rule.HEADROOM), p.decision(US).rule());
      assertEquals("asia-east1=100% europe-west1=100% us-central1=50%", p.target().display());
      assertEquals(
          Map.of(US, 300.0, EU, 800.0, ASIA, 400.0),
          dev.failover.core.domain.Geography.loads(
              nearest(), Map.of(US, 500, EU, 1000, ASIA, 1000)));
    }

    @Test
    void withoutSpillTo_theUsersAreAssumedOnTheServingRegionWithTheLeastSpareCapacity() {
      // asia names no spill_to: its 400 go to the fullest serving region, us (600 own, 400
      // spare; eu has 500 spare), the worst case
      Map<Region, Double> loads =
          dev.failover.core.domain.Geography.loads(nearest(), Map.of(US, 1000, EU, 1000, ASIA, 0));
      assertEquals(Map.of(US, 1000.0, EU, 500.0, ASIA, 0.0), loads);
    }

    @Test
    void aRampStep_isAShareOfTheRegionsOwnUsers() {
      ControllerMemory m = memory().state(US, out(min(0))).build();
      Plan p = plan(one, m, DEFAULTS, allHealthy(), min(60));
      assertEquals(Action.RAMP, p.decision(US).action());
      assertEquals("asia-east1=100% europe-west1=100% us-central1=10%", p.target().display());
    }

    @Test
    void aRampStep_thatNeedsAMissingSubset_isHeld() {
      // two regions out (a break-glass earlier); us-central1 healthy, europe-west1 still out
      ControllerMemory m =
          memory()
              .state(US, out(min(0)))
              .state(EU, out(min(0)))
              .incident(EU, "inc-2", min(0))
              .build();
      Plan p = plan(one, m, loose, allHealthy(), min(60));
      assertEquals(Action.HOLD, p.decision(US).action());
      assertEquals(Optional.of(Rule.SUBSET_MISSING), p.decision(US).rule());
      assertFalse(p.changesLoadBalancer());
      assertEquals(Action.RAMP, plan(two, m, loose, allHealthy(), min(60)).decision(US).action());
    }
  }
}
