package dev.failover.core.app;

import static dev.failover.core.testing.Fixtures.ASIA;
import static dev.failover.core.testing.Fixtures.EU;
import static dev.failover.core.testing.Fixtures.US;
import static dev.failover.core.testing.Fixtures.min;
import static dev.failover.core.testing.Fixtures.sec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Outcome;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerEvent.CommandEvent.Action;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Oversight;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.domain.Watch;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.port.TrafficSource;
import dev.failover.core.testing.Fixtures;
import dev.failover.core.testing.RecordingAuditSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Drills, drift and propagation checks through the controller's one reconcile path. */
class ControllerOversightTest {
  private final Topology topology = Fixtures.three(Mode.URL_MAP_WEIGHTS);
  private InMemoryLoadBalancer lb;
  private InMemoryStateStore store;
  private RecordingAuditSink audit;
  private ScriptedHealthSource health;
  private final Map<Region, List<TrafficSource.Point>> rates = new TreeMap<>();
  private Controller controller;

  @BeforeEach
  void setUp() {
    lb = new InMemoryLoadBalancer(topology.baseConfig());
    store = new InMemoryStateStore();
    audit = new RecordingAuditSink();
    health = new ScriptedHealthSource();
    for (var r : List.of(US, EU, ASIA)) {
      health.report(r, Health.Status.HEALTHY, min(-60));
    }
    controller = controller(Oversight.defaults());
  }

  private Controller controller(Oversight oversight) {
    return new Controller(
        ControllerSettings.of(topology, Policy.defaults(), "test").withOversight(oversight),
        store,
        lb,
        health,
        audit,
        Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
        d -> {},
        (from, to) -> {
          Map<Region, List<TrafficSource.Point>> out = new TreeMap<>();
          rates.forEach(
              (r, points) ->
                  out.put(
                      r,
                      points.stream()
                          .filter(p -> !p.end().isBefore(from) && !p.end().isAfter(to))
                          .toList()));
          return out;
        });
  }

  private static ControllerEvent.CommandEvent command(
      String id, Region r, Action action, Optional<Duration> ttl, long minute) {
    return new ControllerEvent.CommandEvent(
        id, r, action, "alice@example.com", "quarterly evacuation drill", ttl, false, min(minute));
  }

  private Controller.Result drill(String id, Region r, Duration duration, long minute) {
    return controller.handle(
        command(id, r, Action.DRILL, Optional.of(duration), minute),
        Trigger.of("command", id),
        min(minute));
  }

  private static ControllerEvent.IncidentEvent open(String id, Region r, long minute) {
    return new ControllerEvent.IncidentEvent(
        id, r, "inc-" + id, "5xx ratio", min(minute), Optional.empty());
  }

  private List<AuditRecord> ofKind(Kind kind) {
    return audit.records().stream().filter(a -> a.kind() == kind).toList();
  }

  @Nested
  class Drills {
    @Test
    void drill_drainsAtOnceAndRestoresAtOnceWhenItsTimeEnds() {
      Controller.Result started = drill("d1", US, Duration.ofMinutes(30), 0);
      assertTrue(started.wrote());
      assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
      AuditRecord s = ofKind(Kind.DRILL).get(0);
      assertEquals(Optional.of("drill"), s.rule());
      assertEquals(Outcome.APPLIED, s.outcome());
      assertEquals(AuditRecord.recordId("d1", Kind.DRILL, "started"), s.recordId());

      controller.reconcile(Trigger.of("tick", "t29"), min(29));
      assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());

      Controller.Result ended = controller.reconcile(Trigger.of("tick", "t30"), min(30));
      assertTrue(ended.wrote());
      // no restore hold and no ramp: straight back to its base weight
      assertEquals("asia-east1=100 europe-west1=100 us-central1=100", lb.config().display());
      AuditRecord e = ofKind(Kind.DRILL).get(1);
      assertEquals(Optional.of("drill_end"), e.rule());
      assertEquals(AuditRecord.recordId("d1", Kind.DRILL, "ended"), e.recordId());
      assertTrue(e.message().startsWith("drill ended in us-central1: drill by alice@example.com"));

      // the ended drill pin is dropped once the region serves again
      controller.reconcile(Trigger.of("tick", "t31"), min(31));
      assertEquals(Optional.empty(), store.load().region(US).pin());
      assertEquals(2, lb.writes().size());
    }

    @Test
    void drill_anotherRegionsIncident_abortsItAndRestoresTheRegionAtOnce() {
      drill("d1", US, Duration.ofMinutes(30), 0);
      Controller.Result r = controller.handle(open("a1", EU, 5), Trigger.of("alert", "a1"), min(5));
      assertTrue(r.wrote());
      // us-central1 back at once, europe-west1 drained in the same write
      assertEquals("asia-east1=100 europe-west1=0 us-central1=100", lb.config().display());
      AuditRecord aborted = ofKind(Kind.DRILL).get(1);
      assertEquals(Optional.of("drill_aborted"), aborted.rule());
      assertTrue(
          aborted.message().contains("aborted (europe-west1 is wanted out: incident inc-a1"),
          aborted.message());
      // the drill does not resume once the incident closes
      Pin pin = store.load().region(US).pin().orElseThrow();
      assertEquals(min(5), pin.expiresAt());
      controller.handle(
          new ControllerEvent.IncidentEvent(
              "a2", EU, "inc-a1", "5xx ratio", min(5), Optional.of(min(6))),
          Trigger.of("alert", "a2"),
          min(6));
      assertTrue(lb.config().setting(US).serving());
    }

    @Test
    void drill_refusedWhenASafetyRuleWouldHoldIt_recordsWhyAndChangesNothing() {
      controller.handle(open("a1", EU, 0), Trigger.of("alert", "a1"), min(0));
      int writes = lb.writes().size();
      Controller.Result r = drill("d1", US, Duration.ofMinutes(30), 1);
      assertFalse(r.wrote());
      assertEquals(writes, lb.writes().size());
      AuditRecord refused = ofKind(Kind.DRILL).get(0);
      assertEquals(Outcome.SKIPPED, refused.outcome());
      assertEquals(AuditRecord.recordId("d1", Kind.DRILL, "refused"), refused.recordId());
      assertTrue(refused.error().orElseThrow().startsWith("refused: "), refused.error().get());
      assertTrue(refused.message().contains("europe-west1 is wanted out"), refused.message());
      assertEquals(Optional.empty(), store.load().region(US).pin());
      assertFalse(store.load().seen("d1"));
    }

    @Test
    void drill_thatWouldPassTheCapacityBudget_isRefusedWithTheRule() {
      // a 2-region budget of 50%: draining one of three leaves 33% drained, two would be 67%
      drill("d1", US, Duration.ofMinutes(30), 0);
      Controller.Result r = drill("d2", EU, Duration.ofMinutes(30), 1);
      assertFalse(r.wrote());
      AuditRecord refused = ofKind(Kind.DRILL).get(1);
      assertEquals(Optional.of("max_drained_fraction"), refused.rule());
    }

    @Test
    void restoreCommand_endsADrillEarly() {
      drill("d1", US, Duration.ofMinutes(30), 0);
      controller.handle(
          command("c2", US, Action.RESTORE, Optional.empty(), 3),
          Trigger.of("command", "c2"),
          min(3));
      assertEquals("asia-east1=100 europe-west1=100 us-central1=100", lb.config().display());
      assertEquals(Optional.of("drill_end"), ofKind(Kind.DRILL).get(1).rule());
    }
  }

  @Nested
  class Drift {
    @Test
    void adopt_aRegionSomeoneDrained_becomesADrainPinAndIsNotFought() {
      controller.reconcile(Trigger.of("tick", "t0"), min(0));
      lb.editOutOfBand(topology.configFor(Map.of(US, Topology.FULL, EU, 0, ASIA, Topology.FULL)));

      Controller.Result r = controller.reconcile(Trigger.of("tick", "t1"), min(1));
      assertFalse(r.wrote(), "the change is kept");
      assertEquals("asia-east1=100 europe-west1=0 us-central1=100", lb.config().display());
      AuditRecord drift = ofKind(Kind.DRIFT).get(0);
      assertEquals(Optional.of("adopt"), drift.rule());
      assertEquals(
          "the load balancer was changed outside the controller: it shows asia-east1=100"
              + " europe-west1=0 us-central1=100 where the controller last put asia-east1=100"
              + " europe-west1=100 us-central1=100; adopted [europe-west1]",
          drift.message());
      assertEquals("europe-west1", drift.regions().get(0).region());
      assertEquals("100", drift.regions().get(0).before());
      assertEquals("0", drift.regions().get(0).after());
      Pin pin = store.load().region(EU).pin().orElseThrow();
      assertEquals(Pin.Kind.DRAIN, pin.kind());
      assertEquals("drift", pin.actor());
      assertEquals(min(61), pin.expiresAt());

      // one record per out-of-band change, not one per tick
      controller.reconcile(Trigger.of("tick", "t2"), min(2));
      assertEquals(1, ofKind(Kind.DRIFT).size());
      // when the adopted pin runs out the controller decides again: healthy, so it restores
      controller.reconcile(Trigger.of("tick", "t61"), min(61));
      assertEquals(10, weight(EU), "first ramp step");
    }

    @Test
    void adopt_aChangeThatBreaksASafetyRule_isUndone() {
      controller.handle(open("a1", US, 0), Trigger.of("alert", "a1"), min(0));
      // someone also takes europe-west1 off: only asia-east1 would serve, 67% drained
      lb.editOutOfBand(topology.configFor(Map.of(US, 0, EU, 0, ASIA, Topology.FULL)));
      Controller.Result r = controller.reconcile(Trigger.of("tick", "t1"), min(1));
      assertEquals(1, ofKind(Kind.DRIFT).size());
      assertTrue(r.wrote(), "the adopted drain is held by the budget, so the region comes back");
      assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
      assertEquals(Optional.of("max_drained_fraction"), ofKind(Kind.HOLD).get(0).rule());
    }

    @Test
    void revert_putsBackWhatTheControllerDecidedAndSaysSo() {
      controller =
          controller(
              new Oversight(
                  Oversight.Drift.REVERT, Duration.ofHours(1), 1, Duration.ofMinutes(10)));
      controller.reconcile(Trigger.of("tick", "t0"), min(0));
      lb.editOutOfBand(topology.configFor(Map.of(US, 500, EU, Topology.FULL, ASIA, 0)));
      Controller.Result r = controller.reconcile(Trigger.of("tick", "t1"), min(1));
      assertTrue(r.wrote());
      assertEquals("asia-east1=100 europe-west1=100 us-central1=100", lb.config().display());
      AuditRecord drift = ofKind(Kind.DRIFT).get(0);
      assertEquals(Optional.of("revert"), drift.rule());
      assertTrue(
          drift.message().endsWith("; reverting [asia-east1, us-central1]"), drift.message());
      assertEquals(
          List.of(Kind.DRIFT, Kind.INTENT, Kind.CHANGE),
          audit.records().stream().map(AuditRecord::kind).toList());
    }

    @Test
    void noDrift_whenTheLoadBalancerShowsARecentWriteOfOurs() {
      controller.reconcile(Trigger.of("tick", "t0"), min(0));
      // two instances wrote at once; the states of the other write were remembered last, so the
      // memory stands for all-serving while the load balancer shows the write that drained EU
      var drained = topology.configFor(Map.of(US, Topology.FULL, EU, 0, ASIA, Topology.FULL));
      store.update(
          m ->
              new dev.failover.core.port.StateStore.Change<>(
                  m.withWrites(
                      w ->
                          w.withRecent(
                              dev.failover.core.domain.PendingWrite.of(
                                  "other", "attempt-1", drained, "fp-1", min(1)),
                              min(-2))),
                  true));
      lb.editOutOfBand(drained);
      controller.reconcile(Trigger.of("tick", "t2"), min(2));
      assertEquals(0, ofKind(Kind.DRIFT).size());
      // the memory decides: europe-west1 serves again
      assertEquals("asia-east1=100 europe-west1=100 us-central1=100", lb.config().display());
      // three minutes on the same config would be somebody else's
      lb.editOutOfBand(drained);
      controller.reconcile(Trigger.of("tick", "t5"), min(5));
      assertEquals(1, ofKind(Kind.DRIFT).size());
    }

    @Test
    void noDrift_whileAWriteOfOursIsPending() {
      controller.reconcile(Trigger.of("tick", "t0"), min(0));
      // another instance announced a write and made it, but has not remembered it yet
      store.update(
          m ->
              new dev.failover.core.port.StateStore.Change<>(
                  m.withWrites(
                      w ->
                          w.withPending(
                              dev.failover.core.domain.PendingWrite.of(
                                  "other",
                                  "attempt-1",
                                  topology.configFor(
                                      Map.of(US, 0, EU, Topology.FULL, ASIA, Topology.FULL)),
                                  "fp-1",
                                  min(1)))),
                  true));
      lb.editOutOfBand(topology.configFor(Map.of(US, 0, EU, Topology.FULL, ASIA, Topology.FULL)));
      // the tick neither calls it drift nor undoes it from a memory without its outcome
      org.junit.jupiter.api.Assertions.assertThrows(
          dev.failover.core.port.TransientException.class,
          () -> controller.reconcile(Trigger.of("tick", "t1"), min(1)));
      assertEquals(0, ofKind(Kind.DRIFT).size());
      assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
    }
  }

  @Nested
  class Propagation {
    @Test
    void drain_isVerifiedWhenTheRegionsRequestRateFalls_withTheMeasuredTime() {
      controller.handle(open("a1", US, 0), Trigger.of("alert", "a1"), min(0));
      Watch w = store.load().books().watches().get(0);
      assertEquals(Watch.Direction.OUT, w.direction());

      rates.put(US, List.of(point(0, 60, 240.0), point(60, 120, 31.5)));
      controller.reconcile(Trigger.of("tick", "t2"), min(2));
      assertEquals(0, ofKind(Kind.VERIFIED).size(), "31.5 rps is still traffic");

      rates.put(US, List.of(point(0, 60, 240.0), point(60, 120, 31.5), point(120, 180, 0.2)));
      // where the traffic went: Europe took it (its window before the write is not counted)
      rates.put(EU, List.of(point(-60, 0, 260.0), point(60, 120, 380.0), point(120, 180, 500.25)));
      rates.put(ASIA, List.of(point(120, 180, 250.0), point(180, 240, 251.0)));
      controller.reconcile(Trigger.of("tick", "t4"), min(4));
      AuditRecord v = ofKind(Kind.VERIFIED).get(0);
      assertEquals(Optional.of(180L), v.propagationSeconds());
      assertTrue(
          v.message().startsWith("verified: traffic to leave us-central1 took at most 180 s"),
          v.message());
      // each region in the window that showed the move (ending 180 s after the write), by name
      assertEquals(
          List.of(
              new AuditRecord.Traffic("asia-east1", 250.0),
              new AuditRecord.Traffic("europe-west1", 500.25),
              new AuditRecord.Traffic("us-central1", 0.2)),
          v.traffic());
      assertTrue(
          v.message()
              .endsWith(
                  "; where traffic went: asia-east1 250.00 rps europe-west1 500.25 rps"
                      + " us-central1 0.20 rps"),
          v.message());
      assertTrue(store.load().books().watches().isEmpty());
    }

    @Test
    void drain_whoseTrafficDoesNotMove_pagesAfterTheBound() {
      controller.handle(open("a1", US, 0), Trigger.of("alert", "a1"), min(0));
      rates.put(US, List.of(point(60, 120, 250.0), point(540, 600, 248.0)));
      controller.reconcile(Trigger.of("tick", "t9"), min(9));
      assertEquals(0, ofKind(Kind.PAGE).size());
      controller.reconcile(Trigger.of("tick", "t10"), min(10));
      AuditRecord page = ofKind(Kind.PAGE).get(0);
      assertEquals(Optional.of("traffic_not_moved"), page.rule());
      assertEquals(List.of(new AuditRecord.Traffic("us-central1", 248.0)), page.traffic());
      assertTrue(page.message().startsWith("no sign of traffic to leave us-central1 within PT10M"));
      assertTrue(store.load().books().watches().isEmpty());
      controller.reconcile(Trigger.of("tick", "t11"), min(11));
      assertEquals(1, ofKind(Kind.PAGE).size());
    }

    @Test
    void withoutMetrics_noWatchIsKept() {
      Controller plain =
          new Controller(
              ControllerSettings.of(topology, Policy.defaults(), "test"),
              store,
              lb,
              health,
              audit,
              Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
              d -> {});
      plain.handle(open("a1", US, 0), Trigger.of("alert", "a1"), min(0));
      assertTrue(store.load().books().watches().isEmpty());
    }
  }

  private static TrafficSource.Point point(long fromSec, long toSec, double rps) {
    return new TrafficSource.Point(sec(fromSec), sec(toSec), rps);
  }

  private int weight(Region r) {
    return lb.config().setting(r) instanceof dev.failover.core.domain.Setting.Weight w
        ? w.value()
        : -1;
  }
}
