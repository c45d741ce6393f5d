package dev.failover.core.app;

import static dev.failover.core.testing.Fixtures.ASIA;
import static dev.failover.core.testing.Fixtures.EU;
import static dev.failover.core.testing.Fixtures.US;
import static dev.failover.core.testing.Fixtures.min;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Outcome;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.BuildStatus;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.RegionState;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.port.StaleFingerprintException;
import dev.failover.core.port.TransientException;
import dev.failover.core.testing.Fixtures;
import dev.failover.core.testing.RecordingAuditSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControllerTest {
  private final Topology topology = Fixtures.three(Mode.URL_MAP_WEIGHTS);
  private InMemoryLoadBalancer lb;
  private InMemoryStateStore store;
  private RecordingAuditSink audit;
  private ScriptedHealthSource health;
  private final List<Duration> pauses = new ArrayList<>();
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
    controller =
        new Controller(
            ControllerSettings.of(topology, Policy.defaults(), "test"),
            store,
            lb,
            health,
            audit,
            Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
            pauses::add);
  }

  private static ControllerEvent.IncidentEvent open(String msgId, long minute) {
    return new ControllerEvent.IncidentEvent(
        msgId, US, "inc-1", "5xx ratio", min(minute), Optional.empty());
  }

  private static Trigger alert(String msgId) {
    return Trigger.of("alert", msgId);
  }

  private int weight(dev.failover.core.domain.Region r) {
    return ((dev.failover.core.domain.Setting.Weight) lb.config().setting(r)).value();
  }

  private List<Kind> kinds() {
    return audit.records().stream().map(AuditRecord::kind).toList();
  }

  @Test
  void handle_incident_writesOnceWithIntentAndOutcome() {
    Controller.Result r = controller.handle(open("m1", 0), alert("m1"), min(0));
    assertTrue(r.wrote());
    assertEquals(1, lb.writes().size());
    assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
    assertEquals(List.of(Kind.INTENT, Kind.CHANGE), kinds());
    AuditRecord change = audit.records().get(1);
    assertEquals(Outcome.APPLIED, change.outcome());
    assertEquals(Optional.of("fp-1"), change.loadBalancer().fingerprintBefore());
    assertEquals(Optional.of("fp-2"), change.loadBalancer().fingerprintAfter());
    assertEquals(
        "wrote asia-east1=100 europe-west1=100 us-central1=0 (was asia-east1=100 europe-west1=100"
            + " us-central1=100)",
        change.message());
    assertEquals(RegionState.Phase.OUT, store.load().region(US).state().phase());
  }

  @Test
  void aDrainOfServingRegions_readsNoHealth_soMonitoringCannotDelayIt_aRestoreDoes() {
    List<Instant> reads = new ArrayList<>();
    dev.failover.core.port.HealthSource counting =
        now -> {
          reads.add(now);
          return health.observe(now);
        };
    Controller c =
        new Controller(
            ControllerSettings.of(topology, Policy.defaults(), "test"),
            store,
            lb,
            counting,
            audit,
            Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
            pauses::add);
    assertTrue(c.handle(open("m1", 0), alert("m1"), min(0)).wrote());
    assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
    assertEquals(List.of(), reads, "every region was serving: the drain read no health");
    // drained now: its restore depends on health, so the next reconcile reads it
    c.handle(
        new ControllerEvent.IncidentEvent(
            "m2", US, "inc-1", "5xx ratio", min(0), Optional.of(min(1))),
        alert("m2"),
        min(1));
    assertEquals(List.of(min(1)), reads);
  }

  @Test
  void aWriteWaitsOnlyForWhatIsLeftOfTheBudget_andNoAttemptStartsAfterIt() {
    dev.failover.core.testing.MutableClock wall =
        new dev.failover.core.testing.MutableClock(Instant.EPOCH);
    List<Duration> waits = new ArrayList<>();
    // every read of the load balancer takes 25 s, and every write finds the fingerprint stale
    dev.failover.core.port.LoadBalancer slow =
        new dev.failover.core.port.LoadBalancer() {
          @Override
          public Observed read() {
            wall.advance(Duration.ofSeconds(25));
            return lb.read();
          }

          @Override
          public Written apply(
              dev.failover.core.domain.LbConfig target,
              String fingerprint,
              java.util.Map<dev.failover.core.domain.Region, String> parked) {
            throw new AssertionError("the controller gives every write its wait");
          }

          @Override
          public Written apply(
              dev.failover.core.domain.LbConfig target,
              String fingerprint,
              java.util.Map<dev.failover.core.domain.Region, String> parked,
              Duration maxWait) {
            waits.add(maxWait);
            throw new StaleFingerprintException("changed by someone else");
          }
        };
    Controller c =
        new Controller(
            ControllerSettings.of(topology, Policy.defaults(), "test")
                .withBudget(Duration.ofSeconds(60)),
            store,
            slow,
            health,
            audit,
            wall,
            pauses::add);
    TransientException e =
        assertThrows(TransientException.class, () -> c.handle(open("m1", 0), alert("m1"), min(0)));
    // reads end at 25, 50 and 75 s: 35 s left, then 10 s, then the least wait (1 s); no fourth
    assertEquals(
        List.of(Duration.ofSeconds(35), Duration.ofSeconds(10), Duration.ofSeconds(1)), waits);
    assertEquals(
        "the reconcile used its budget of PT1M in 3 attempt(s); the next delivery or tick carries"
            + " on",
        e.getMessage());
    assertEquals(
        "the reconcile budget must be between PT5S and PT9M, got PT4S",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ControllerSettings.of(topology, Policy.defaults(), "t")
                        .withBudget(Duration.ofSeconds(4)))
            .getMessage());
  }

  private Controller withPolicy(Policy policy) {
    return new Controller(
        ControllerSettings.of(topology, policy, "test"),
        store,
        lb,
        health,
        audit,
        Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
        pauses::add);
  }

  private static ControllerEvent.BuildEvent build(
      String msgId, BuildStatus status, long minute, Optional<Duration> timeout) {
    return new ControllerEvent.BuildEvent(msgId, US, "b-1", status, min(minute), timeout, false);
  }

  @Test
  void aFailedBuild_leavesTheServingRegionServing_andSaysSo() {
    Controller.Result r =
        withPolicy(Policy.defaults().withDrainOnDeploy(true))
            .handle(
                build("m1", BuildStatus.FAILURE, 0, Optional.empty()),
                Trigger.of("build", "m1"),
                min(0));
    assertFalse(r.wrote());
    assertEquals(0, lb.writes().size());
    assertEquals(List.of(Kind.IGNORED), kinds());
    AuditRecord only = audit.records().get(0);
    assertEquals(Optional.of("build_failed"), only.rule());
    assertEquals(
        "build b-1 ended FAILURE in us-central1: a failed deploy leaves the previous revision"
            + " serving, so the region is not drained for it; the load balancer stays"
            + " asia-east1=100 europe-west1=100 us-central1=100",
        only.message());
  }

  @Test
  void aDeploy_drainsUntilItsDeadline_thenIsAuditedAsExpired_andTheRegionComesBackThroughHealth() {
    Controller c = withPolicy(Policy.defaults().withDrainOnDeploy(true));
    c.handle(
        build("m1", BuildStatus.WORKING, 0, Optional.of(Duration.ofMinutes(10))),
        Trigger.of("build", "m1"),
        min(0));
    assertEquals(RegionState.Phase.OUT, store.load().region(US).state().phase());
    c.reconcile(Trigger.of("tick", "t9"), min(9));
    assertTrue(audit.records().stream().noneMatch(x -> x.kind() == Kind.EXPIRED));
    c.reconcile(Trigger.of("tick", "t10"), min(10));
    List<AuditRecord> expired =
        audit.records().stream().filter(x -> x.kind() == Kind.EXPIRED).toList();
    assertEquals(1, expired.size());
    assertEquals(Optional.of("deploy_timeout"), expired.get(0).rule());
    assertTrue(
        expired
            .get(0)
            .message()
            .startsWith(
                "build b-1 still deploying to us-central1 at its deadline 2026-11-01T12:10:00Z"
                    + " (the build's timeout PT10M)"),
        expired.get(0).message());
    c.reconcile(Trigger.of("tick", "t11"), min(11));
    assertEquals(1, audit.records().stream().filter(x -> x.kind() == Kind.EXPIRED).count());
    // not straight to full: healthy for the restore hold since the drain, so the first ramp step
    assertEquals(10, weight(US));
  }

  @Test
  void aDeployThatSucceeds_bringsTheRegionBackThroughTheHoldAndTheRamp_notStraightToFull() {
    Controller c = withPolicy(Policy.defaults().withDrainOnDeploy(true));
    c.handle(
        build("m1", BuildStatus.WORKING, 0, Optional.empty()), Trigger.of("build", "m1"), min(0));
    assertEquals(0, weight(US));
    c.handle(
        build("m2", BuildStatus.SUCCESS, 3, Optional.empty()), Trigger.of("build", "m2"), min(3));
    assertEquals(0, weight(US), "held: health must hold for restore_after first");
    c.reconcile(Trigger.of("tick", "t9"), min(9));
    assertEquals(10, weight(US), "the first ramp step, not 100");
  }

  @Test
  void aDeliveryThatChangesNothing_stillLeavesOneRecord() {
    controller.handle(
        new ControllerEvent.IncidentEvent(
            "m1", US, "never-seen", "5xx ratio", min(0), Optional.of(min(1))),
        alert("m1"),
        min(2));
    assertEquals(List.of(Kind.IGNORED), kinds());
    assertTrue(
        audit
            .records()
            .get(0)
            .message()
            .endsWith("asia-east1=100 europe-west1=100 us-central1=100"),
        audit.records().get(0).message());
  }

  @Test
  void handle_sameDeliveryTwice_writesOnceAndIgnoresTheSecond() {
    controller.handle(open("m1", 0), alert("m1"), min(0));
    Controller.Result again = controller.handle(open("m1", 0), alert("m1"), min(1));
    assertFalse(again.wrote());
    assertEquals(1, lb.writes().size());
    assertEquals(List.of(Kind.INTENT, Kind.CHANGE, Kind.IGNORED), kinds());
    assertEquals("duplicate: event m1 already recorded", audit.records().get(2).message());
  }

  @Test
  void renotification_withEverythingReconciled_doesNotReadTheLoadBalancer() {
    controller.handle(open("m1", 0), alert("m1"), min(0));
    int reads = lb.reads();
    // the same incident notified again under a new message id, and a redelivery of it
    Controller.Result again = controller.handle(open("m2", 0), alert("m2"), min(1));
    Controller.Result redelivered = controller.handle(open("m2", 0), alert("m2"), min(1));
    assertEquals(reads, lb.reads(), "no reconcile: nothing changed and nothing is pending");
    assertEquals(Optional.empty(), again.plan());
    assertEquals(
        dev.failover.core.domain.ControllerMemory.Effect.UNCHANGED,
        again.recorded().orElseThrow().effect());
    assertEquals(
        dev.failover.core.domain.ControllerMemory.Effect.DUPLICATE,
        redelivered.recorded().orElseThrow().effect());
    // the tick still reconciles
    controller.reconcile(Trigger.of("tick", "t2"), min(2));
    assertEquals(reads + 1, lb.reads());
  }

  @Test
  void redelivery_afterAFailedReconcile_reconcilesAtOnce() {
    // the read before recording and the reconcile's read both fail: the event is recorded alone
    lb.failNextRead(new TransientException("compute 503"));
    lb.failNextRead(new TransientException("compute 503"));
    assertThrows(
        TransientException.class, () -> controller.handle(open("m1", 0), alert("m1"), min(0)));
    assertEquals(0, lb.writes().size());
    // Pub/Sub redelivers: the event is a duplicate now, but its change was never reconciled
    Controller.Result r = controller.handle(open("m1", 0), alert("m1"), min(0));
    assertTrue(r.wrote());
    assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
  }

  @Test
  void recordIds_areDeterministicPerEventAndStep() {
    controller.handle(open("m1", 0), alert("m1"), min(0));
    assertEquals(
        AuditRecord.recordId("m1", Kind.CHANGE, "attempt-1@fp-1"),
        audit.records().get(1).recordId());
    assertEquals(32, audit.records().get(1).recordId().length());
  }

  @Test
  void reconcile_staleFingerprint_rereadsReplansAndRetries() {
    lb.failNextApply(new StaleFingerprintException("raced"));
    controller.handle(open("m1", 0), alert("m1"), min(0));
    assertEquals(1, lb.writes().size());
    assertEquals(List.of(Kind.INTENT, Kind.CHANGE, Kind.INTENT, Kind.CHANGE), kinds());
    assertEquals(Outcome.FAILED, audit.records().get(1).outcome());
    assertEquals(Outcome.APPLIED, audit.records().get(3).outcome());
    assertEquals(1, pauses.size());
    long ms = pauses.get(0).toMillis();
    assertTrue(ms >= 50 && ms < 150, "jittered first backoff in [50, 150) ms, got " + ms);
  }

  @Test
  void reconcile_staleEveryTime_givesUpAsTransientAfterFiveAttempts() {
    for (int i = 0; i < 5; i++) {
      lb.failNextApply(new StaleFingerprintException("raced"));
    }
    assertThrows(
        TransientException.class, () -> controller.handle(open("m1", 0), alert("m1"), min(0)));
    assertEquals(0, lb.writes().size());
    assertEquals(4, pauses.size());
    assertEquals(RegionState.Phase.SERVING, store.load().region(US).state().phase());
  }

  @Test
  void reconcile_refusedWrite_isPermanent_clearsItsMarker_andIsAuditedAsFailed() {
    lb.failNextApply(new dev.failover.core.port.PermanentException("400 invalid weights"));
    assertThrows(
        dev.failover.core.port.PermanentException.class,
        () -> controller.handle(open("m1", 0), alert("m1"), min(0)));
    assertEquals(Outcome.FAILED, audit.records().get(1).outcome());
    assertEquals("PermanentException: 400 invalid weights", audit.records().get(1).error().get());
    assertTrue(
        store.load().books().writes().pending().isEmpty(), "certainly not applied: no marker");
  }

  @Test
  void inMemoryLoadBalancer_refusesAWriteThatChangesTheRegions_asPermanent() {
    var two =
        dev.failover.core.testing.Fixtures.topology(
                dev.failover.core.domain.Mode.URL_MAP_WEIGHTS, 1500, US, EU)
            .baseConfig();
    assertThrows(
        dev.failover.core.port.PermanentException.class,
        () -> lb.apply(two, lb.read().fingerprint(), java.util.Map.of()));
  }

  @Test
  void reconcile_transientFailure_throwsAndTheNextTickHeals() {
    lb.failNextApply(new TransientException("503"));
    assertThrows(
        TransientException.class, () -> controller.handle(open("m1", 0), alert("m1"), min(0)));
    assertEquals(Outcome.FAILED, audit.records().get(1).outcome());
    assertEquals("TransientException: 503", audit.records().get(1).error().get());
    assertEquals(0, lb.writes().size());

    Controller.Result tick = controller.reconcile(Trigger.of("tick", "t1"), min(1));
    assertTrue(tick.wrote());
    assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
  }

  @Test
  void reconcile_standingHold_isAuditedOnceNotEveryTick() {
    controller.handle(open("m1", 0), alert("m1"), min(0));
    controller.handle(
        new ControllerEvent.IncidentEvent("m2", EU, "inc-2", "5xx", min(1), Optional.empty()),
        alert("m2"),
        min(1));
    controller.reconcile(Trigger.of("tick", "t1"), min(2));
    controller.reconcile(Trigger.of("tick", "t2"), min(3));
    assertEquals(List.of(Kind.INTENT, Kind.CHANGE, Kind.HOLD), kinds());
    assertEquals(Optional.of("max_drained_fraction"), audit.records().get(2).rule());
  }

  @Test
  void reconcile_expiredPin_isAuditedAndTheRegionComesBack() {
    controller.handle(
        new ControllerEvent.CommandEvent(
            "c1",
            US,
            ControllerEvent.CommandEvent.Action.DRAIN,
            "alice",
            "maintenance",
            Optional.of(Duration.ofMinutes(30)),
            false,
            min(0)),
        Trigger.of("command", "c1"),
        min(0));
    Controller.Result tick = controller.reconcile(Trigger.of("tick", "t30"), min(30));
    assertEquals(Kind.EXPIRED, tick.records().get(0).kind());
    assertEquals(
        "drain pin on us-central1 by alice expired at 2026-11-01T12:30:00Z (command c1)",
        tick.records().get(0).message());
    assertEquals(
        10,
        lb.config().setting(US) instanceof dev.failover.core.domain.Setting.Weight w
            ? w.value()
            : -1);
  }

  @Test
  void reconcile_everyRegionSick_freezesAndPagesOnce() {
    controller.handle(open("m1", 0), alert("m1"), min(0));
    for (var r : List.of(EU, ASIA)) {
      String id = "m-" + r;
      controller.handle(
          new ControllerEvent.IncidentEvent(id, r, "inc-" + r, "5xx", min(1), Optional.empty()),
          alert(id),
          min(1));
    }
    controller.reconcile(Trigger.of("tick", "t2"), min(2));
    List<AuditRecord> pages = audit.records().stream().filter(r -> r.kind() == Kind.PAGE).toList();
    assertEquals(1, pages.size());
    assertEquals(Optional.of("all_regions_sick"), pages.get(0).rule());
    assertEquals(
        "all 3 regions are wanted out; the controller froze and changes nothing until one"
            + " recovers or an operator acts (break-glass)",
        pages.get(0).message());
    assertEquals(1, lb.writes().size());
  }

  @Test
  void reconcile_planEqualToTheLoadBalancer_writesNothing() {
    Controller.Result r = controller.reconcile(Trigger.of("tick", "t1"), min(0));
    assertFalse(r.wrote());
    assertEquals(0, lb.writes().size());
    assertTrue(audit.records().isEmpty());
  }
}
