package dev.failover.core.app;

import static dev.failover.core.testing.Fixtures.ASIA;
import static dev.failover.core.testing.Fixtures.EU;
import static dev.failover.core.testing.Fixtures.US;
import static dev.failover.core.testing.Fixtures.min;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Outcome;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Oversight;
import dev.failover.core.domain.PendingWrite;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.domain.Watch;
import dev.failover.core.planner.Action;
import dev.failover.core.planner.Plan;
import dev.failover.core.planner.Reason;
import dev.failover.core.planner.RegionDecision;
import dev.failover.core.planner.Rule;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.TrafficSource;
import dev.failover.core.testing.Fixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The controller's pure steps, each on its own: propagation, notices, drills, recovery. */
class PipelineStepsTest {
  static final Topology TOPOLOGY = Fixtures.three(Mode.URL_MAP_WEIGHTS);
  static final Instant NOW = min(30);
  static final AuditRecords MAKE =
      new AuditRecords(
          new AuditRecords.Context(
              TOPOLOGY, "test", AuditRecord.Trigger.of("tick", "t-7"), NOW, () -> 0L));

  static LbConfig config(int asia, int eu, int us) {
    Map<Region, Integer> levels = new TreeMap<>();
    levels.put(ASIA, asia);
    levels.put(EU, eu);
    levels.put(US, us);
    return TOPOLOGY.configFor(levels);
  }

  static final LoadBalancer.Observed OBSERVED =
      new LoadBalancer.Observed(config(1000, 1000, 1000), "fp-1");

  static RegionDecision decision(
      Region r, int before, int after, Action action, Optional<Rule> rule) {
    return new RegionDecision(
        r,
        TOPOLOGY.settingFor(r, before),
        TOPOLOGY.settingFor(r, after),
        after,
        action,
        new Reason.BuildDeploying("b-" + r.name(), java.time.Instant.parse("2026-11-01T12:30:00Z")),
        rule,
        Optional.empty(),
        Optional.empty());
  }

  static Plan plan(Optional<String> page, List<Region> aborted, RegionDecision... decisions) {
    Map<Region, Integer> target = new TreeMap<>();
    Map<Region, Integer> observed = new TreeMap<>();
    for (RegionDecision d : decisions) {
      target.put(d.region(), d.levelAfter());
    }
    for (Region r : TOPOLOGY.regionNames()) {
      target.putIfAbsent(r, 1000);
      observed.put(r, 1000);
    }
    return new Plan(
        NOW,
        TOPOLOGY.configFor(observed),
        TOPOLOGY.configFor(target),
        List.of(decisions),
        page,
        Map.of(),
        aborted);
  }

  @Nested
  class Propagation {
    final Oversight o = Oversight.defaults();
    final Watch out = new Watch(US, Watch.Direction.OUT, min(20), "e1", "attempt-1@fp-1");

    @Test
    void watchesFor_fullDrainsAndReturnsOnly() {
      Plan p =
          plan(
              Optional.empty(),
              List.of(),
              decision(US, 1000, 0, Action.DRAIN, Optional.empty()),
              decision(EU, 500, 250, Action.PARTIAL_DRAIN, Optional.of(Rule.HEADROOM)));
      PendingWrite w = PendingWrite.of("e1", "attempt-2", p.target(), "fp-1", min(20));
      assertEquals(
          List.of(new Watch(US, Watch.Direction.OUT, min(20), "e1", "attempt-2@fp-1")),
          PropagationCheck.watchesFor(p, w));
    }

    @Test
    void aWindowAtOrBelowTheThreshold_afterTheWrite_verifies() {
      var rates =
          Map.of(
              US,
              List.of(
                  new TrafficSource.Point(min(19), min(20), 0.0), // before the write: ignored
                  new TrafficSource.Point(min(22), min(23), 5.0),
                  new TrafficSource.Point(min(23), min(24), 1.0)));
      PropagationCheck.Checked c = PropagationCheck.check(List.of(out), rates, o, NOW, MAKE);
      assertEquals(List.of(out), c.done());
      AuditRecord r = c.records().get(0);
      assertEquals(Kind.VERIFIED, r.kind());
      assertEquals(Optional.of(240L), r.propagationSeconds());
    }

    @Test
    void noSignWithinVerifyWithin_pages_andNotBefore() {
      PropagationCheck.Checked early =
          PropagationCheck.check(List.of(out), Map.of(), o, min(29).plusSeconds(59), MAKE);
      assertEquals(List.of(), early.done());
      PropagationCheck.Checked late = PropagationCheck.check(List.of(out), Map.of(), o, NOW, MAKE);
      assertEquals(List.of(out), late.done());
      assertEquals(Kind.PAGE, late.records().get(0).kind());
      assertEquals(Optional.of("traffic_not_moved"), late.records().get(0).rule());
    }

    @Test
    void aNewerWriteToARegion_supersedesItsWatch() {
      Watch eu = new Watch(EU, Watch.Direction.OUT, min(20), "e1", "attempt-1@fp-1");
      Watch newer = new Watch(US, Watch.Direction.IN, min(25), "e2", "attempt-1@fp-2");
      assertEquals(
          List.of(eu, newer), PropagationCheck.superseded(List.of(out, eu), List.of(newer)));
    }
  }

  @Nested
  class NoticesStep {
    final RegionDecision held =
        decision(EU, 1000, 1000, Action.HOLD, Optional.of(Rule.MAX_DRAINED_FRACTION));

    @Test
    void aNewHold_isAuditedOnce_thenNotWhileItStands() {
      Plan p = plan(Optional.empty(), List.of(), held);
      Notices.Noticed first = Notices.of(Map.of(), p, Map.of(), OBSERVED, Optional.empty(), MAKE);
      assertEquals(Map.of("europe-west1", "max_drained_fraction"), first.notices());
      assertEquals(List.of(Kind.HOLD), first.records().stream().map(AuditRecord::kind).toList());
      assertTrue(first.changed(Map.of()));

      Notices.Noticed again =
          Notices.of(first.notices(), p, Map.of(), OBSERVED, Optional.empty(), MAKE);
      assertEquals(List.of(), again.records());
      assertTrue(!again.changed(first.notices()));
    }

    @Test
    void aPage_isAuditedWhenItBegins() {
      Plan p = plan(Optional.of("every region is wanted out"), List.of(), held);
      Notices.Noticed n =
          Notices.of(
              Map.of("europe-west1", "max_drained_fraction"),
              p,
              Map.of(),
              OBSERVED,
              Optional.empty(),
              MAKE);
      assertEquals(List.of(Kind.PAGE), n.records().stream().map(AuditRecord::kind).toList());
      assertEquals(Optional.of("all_regions_sick"), n.records().get(0).rule());
      assertEquals("every region is wanted out", n.records().get(0).message());
    }

    @Test
    void aHoldThatEnds_isForgotten() {
      Plan p = plan(Optional.empty(), List.of());
      Notices.Noticed n =
          Notices.of(
              Map.of("europe-west1", "max_drained_fraction"),
              p,
              Map.of(),
              OBSERVED,
              Optional.empty(),
              MAKE);
      assertEquals(Map.of(), n.notices());
      assertEquals(List.of(), n.records());
    }
  }

  @Nested
  class Drills {
    final Pin drill = new Pin("cmd-1", Pin.Kind.DRILL, "alice", "drill", min(0), min(60), false);
    final ControllerMemory drilling =
        ControllerMemory.empty()
            .with(US, ControllerMemory.empty().region(US).withPin(Optional.of(drill)));

    @Test
    void refusal_whenTheRegionIsNotServing() {
      Plan p = plan(Optional.empty(), List.of(), decision(US, 0, 0, Action.KEEP, Optional.empty()));
      LoadBalancer.Observed drained = new LoadBalancer.Observed(config(1000, 1000, 0), "fp-1");
      assertEquals(
          Optional.of("us-central1 is not serving; there is nothing to drill"),
          DrillGate.refusal(US, drained, p));
    }

    @Test
    void refusal_whenARuleHoldsIt_withThePlansReason() {
      Plan p =
          plan(
              Optional.empty(),
              List.of(),
              decision(US, 1000, 1000, Action.HOLD, Optional.of(Rule.MAX_DRAINED_FRACTION)));
      assertEquals(
          Optional.of("build b-us-central1 is deploying (at most until 2026-11-01T12:30:00Z)"),
          DrillGate.refusal(US, OBSERVED, p));
    }

    @Test
    void noRefusal_whenThePlanDrainsItForTheDrill() {
      Plan p =
          plan(
              Optional.empty(),
              List.of(),
              decision(US, 1000, 0, Action.DRAIN, Optional.of(Rule.DRILL)));
      assertEquals(Optional.empty(), DrillGate.refusal(US, OBSERVED, p));
    }

    @Test
    void steps_nameStartedEndedAborted_forRegionsWithADrillPin() {
      Plan p =
          plan(
              Optional.empty(),
              List.of(US),
              decision(US, 0, 1000, Action.SERVE, Optional.of(Rule.DRILL_ABORTED)),
              decision(EU, 1000, 0, Action.DRAIN, Optional.of(Rule.DRILL)));
      List<DrillGate.Step> steps = DrillGate.steps(drilling, p);
      assertEquals(1, steps.size(), "europe-west1 has no drill pin");
      assertEquals("aborted", steps.get(0).name());
      assertEquals("cmd-1", steps.get(0).commandId());
    }

    @Test
    void endAborted_endsTheDrillPinNow() {
      Plan p = plan(Optional.empty(), List.of(US));
      ControllerMemory after = DrillGate.endAborted(p, NOW).apply(drilling);
      assertEquals(NOW, after.region(US).pin().orElseThrow().expiresAt());
      ControllerMemory none =
          DrillGate.endAborted(plan(Optional.empty(), List.of()), NOW).apply(drilling);
      assertEquals(drilling, none);
    }
  }

  @Nested
  class Stale {
    final Policy policy = Policy.defaults(); // incident_stale_after 2 h, restore after 5 min
    final ControllerMemory open =
        ControllerMemory.empty()
            .record(
                new ControllerEvent.IncidentEvent(
                    "m1", US, "0.lost", "5xx us", min(0), Optional.empty()))
            .memory();

    StaleIncidents.Found check(Map<Region, Health> health, Instant now) {
      return StaleIncidents.check(
          open.situation(), TOPOLOGY.regionNames(), health, policy, Map.of(), now, MAKE);
    }

    @Test
    void anIncidentOpenPastStaleAfter_inAHealthyRegion_isClosedAndAudited() {
      var healthy = Map.of(US, new Health(Health.Status.HEALTHY, min(20)));
      StaleIncidents.Found f = check(healthy, min(120));
      assertEquals(List.of(Kind.EXPIRED), f.records().stream().map(AuditRecord::kind).toList());
      assertEquals(Optional.of("stale_incident"), f.records().get(0).rule());
      assertEquals(
          "incident 0.lost (5xx us) in us-central1 opened at 2026-11-01T12:00:00Z and had no close"
              + " for PT2H; health has said HEALTHY since 2026-11-01T12:20:00Z, so it no longer"
              + " wants us-central1 out (its close was probably lost)",
          f.records().get(0).message());
      ControllerMemory closed = f.close().apply(open);
      assertFalse(closed.region(US).hasOpenIncident());
      assertEquals(Optional.of(min(120)), closed.region(US).incidents().get("0.lost").endedAt());
    }

    @Test
    void notBeforeStaleAfter_norBeforeTheRestoreHoldOfHealth() {
      var healthy = Map.of(US, new Health(Health.Status.HEALTHY, min(20)));
      assertEquals(List.of(), check(healthy, min(119)).records());
      var justHealthy = Map.of(US, new Health(Health.Status.HEALTHY, min(116)));
      assertEquals(List.of(), check(justHealthy, min(120)).records(), "healthy for 4 min only");
      var sick = Map.of(US, new Health(Health.Status.UNHEALTHY, min(20)));
      StaleIncidents.Found f = check(sick, min(300));
      assertEquals(List.of(), f.records());
      assertEquals(open, f.close().apply(open), "an unhealthy region stays out, quietly");
    }

    @Test
    void withoutHealthData_itStaysOut_andPagesOnce() {
      StaleIncidents.Found first = check(Map.of(), min(120));
      assertEquals(List.of(Kind.PAGE), first.records().stream().map(AuditRecord::kind).toList());
      assertEquals(Optional.of("stale_incident_no_data"), first.records().get(0).rule());
      assertEquals(open, first.close().apply(open));
      StaleIncidents.Found again =
          StaleIncidents.check(
              open.situation(),
              TOPOLOGY.regionNames(),
              Map.of(),
              policy,
              first.notices(),
              min(121),
              MAKE);
      assertEquals(List.of(), again.records(), "paged once while it stands");
      assertEquals(first.notices(), again.notices());
    }
  }

  @Nested
  class Recovery {
    final PendingWrite old =
        PendingWrite.of("e1", "attempt-1", config(1000, 1000, 0), "fp-1", NOW.minusSeconds(180));
    final PendingWrite young =
        PendingWrite.of("e2", "attempt-1", config(1000, 0, 1000), "fp-1", NOW.minusSeconds(179));

    @Test
    void aMarkerPastTheGrace_isResolvedAgainstTheLoadBalancer_aYoungerOneStays() {
      ControllerMemory m =
          ControllerMemory.empty().withWrites(w -> w.withPending(old).withPending(young));
      LoadBalancer.Observed shows = new LoadBalancer.Observed(config(1000, 1000, 0), "fp-2");

      WriteProtocol.Recovered r = WriteProtocol.recover(m, shows, NOW, MAKE);

      assertEquals(1, r.records().size());
      AuditRecord rec = r.records().get(0);
      assertEquals(Kind.CHANGE, rec.kind());
      assertEquals(Outcome.APPLIED, rec.outcome());
      assertEquals("e1", rec.trigger().eventId());
      assertEquals(List.of(young), r.clear().apply(m).books().writes().pending());
    }

    @Test
    void aMarkerTheLoadBalancerDoesNotShow_failed_withTheWritersFailedId() {
      ControllerMemory m = ControllerMemory.empty().withWrites(w -> w.withPending(old));
      WriteProtocol.Recovered r = WriteProtocol.recover(m, OBSERVED, NOW, MAKE);
      AuditRecord rec = r.records().get(0);
      assertEquals(Outcome.FAILED, rec.outcome());
      assertEquals(
          AuditRecord.recordId("e1", Kind.CHANGE, "attempt-1@fp-1/failed"), rec.recordId());
      assertEquals(List.of(), r.clear().apply(m).books().writes().pending());
    }
  }

  @Test
  void theFactoryStampsEveryRecordWithTheContext() {
    List<AuditRecord> made = new ArrayList<>();
    made.add(MAKE.input(Kind.IGNORED, "late"));
    made.add(MAKE.input(Kind.REJECTED, "bad"));
    for (AuditRecord r : made) {
      assertEquals(NOW, r.ts());
      assertEquals("test", r.controllerVersion());
      assertEquals("t-7", r.trigger().eventId());
      assertEquals("app", r.loadBalancer().resource());
    }
    assertEquals(Optional.empty(), made.get(0).error(), "ignored input is no error");
    assertEquals(Optional.of("bad"), made.get(1).error());
  }
}
