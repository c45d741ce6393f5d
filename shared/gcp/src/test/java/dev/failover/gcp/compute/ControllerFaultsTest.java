package dev.failover.gcp.compute;

import static dev.failover.gcp.compute.ComputeLoadBalancerTest.PROJECT;
import static dev.failover.gcp.compute.ComputeLoadBalancerTest.US;
import static dev.failover.gcp.compute.ComputeLoadBalancerTest.json;
import static dev.failover.gcp.compute.ComputeLoadBalancerTest.wbs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.UrlMapsClient;
import dev.failover.core.app.Controller;
import dev.failover.core.app.ControllerSettings;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.port.AuditSink;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.Pause;
import dev.failover.core.port.StateStore;
import dev.failover.core.testing.RecordingAuditSink;
import dev.failover.fake.compute.ComputeFake;
import dev.failover.fake.compute.ComputeFake.Call;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults and crashes on the way to a load-balancer write. After each, the faults stop and one tick
 * runs with a fresh controller (as a new function instance would): the load balancer must equal
 * what the planner wants, the memory must hold the event, and every write in the Compute fake's log
 * must have exactly one {@code applied} change record.
 */
class ControllerFaultsTest {
  static final Instant NOW = Instant.parse("2026-11-01T12:05:00Z");

  /**
   * The healing tick: after the controller's grace for pending writes, as a crashed one's would be.
   */
  static final Instant HEAL = NOW.plus(Duration.ofMinutes(4));

  final Topology topology = topology();

  /** The load balancer under test: three regions, 900 RPS at peak. */
  Topology topology() {
    return ControllerOnComputeTest.withExpectedRps(
        ComputeLoadBalancerTest.topology(Mode.URL_MAP_WEIGHTS), 900);
  }

  /** The URL map's weighted backend services before the incident: every region serving. */
  String servingEverywhere() {
    return wbs(100);
  }

  /** The load balancer once us-central1 is drained, as the planner displays it. */
  String drained() {
    return "asia-east1=100 europe-west1=100 us-central1=0";
  }

  ComputeFake fake;
  final List<UrlMapsClient> clients = new ArrayList<>();
  final InMemoryStateStore store = new InMemoryStateStore();
  final RecordingAuditSink audit = new RecordingAuditSink();
  final ScriptedHealthSource health = new ScriptedHealthSource();

  /** The process stops here. An Error, so that nothing on the way catches it as a failure. */
  static final class Crash extends Error {
    private static final long serialVersionUID = 1L;

    Crash(String where) {
      super("crash " + where);
    }
  }

  @BeforeEach
  void start() throws Exception {
    fake = ComputeFake.start();
    fake.putUrlMap(
        PROJECT,
        "app-url-map",
        json("{\"defaultRouteAction\":{\"weightedBackendServices\":" + servingEverywhere() + "}}"));
    for (Region r : topology.regionNames()) {
      health.report(r, Health.Status.HEALTHY, NOW.minus(Duration.ofHours(1)));
    }
  }

  @AfterEach
  void stop() {
    clients.forEach(UrlMapsClient::close);
    fake.close();
  }

  LoadBalancer urlMap() {
    UrlMapsClient client = ComputeClients.urlMaps(ComputeClients.Settings.fake(fake.endpoint()));
    clients.add(client);
    return new UrlMapLoadBalancer(client, topology, Set.of(), Duration.ofSeconds(2));
  }

  Controller controller(StateStore s, LoadBalancer lb, AuditSink a) {
    return new Controller(
        ControllerSettings.of(topology, Policy.defaults(), "test"),
        s,
        lb,
        health,
        a,
        Clock.fixed(NOW, ZoneOffset.UTC),
        Pause.NONE);
  }

  static ControllerEvent.IncidentEvent incident() {
    return new ControllerEvent.IncidentEvent(
        "m1", US, "inc-1", "5xx us", NOW.minusSeconds(60), Optional.empty());
  }

  /** Crashes thrown by the crashing store, load balancer and audit sink. */
  final AtomicInteger crashes = new AtomicInteger();

  /** Faults fired: the crashes, and the faults the Compute fake served. */
  int faultsFired() {
    return crashes.get() + fake.faultsServed();
  }

  /**
   * Delivers the incident through a faulty controller and checks that the fault fired and, when
   * {@code leavesItBroken}, that the state is not healed yet (a tick is needed); then heals with
   * one tick and checks the state is right.
   */
  void deliverThenHeal(Controller faulty, boolean leavesItBroken) {
    int before = faultsFired();
    try {
      faulty.handle(incident(), AuditRecord.Trigger.of("alert", "m1"), NOW);
    } catch (Crash | RuntimeException expected) {
      // the process died, or the delivery failed and Pub/Sub will redeliver
    }
    int fired = faultsFired() - before;
    assertTrue(fired > 0, "the injected fault fired");
    Controller healthy = controller(store, urlMap(), audit);
    if (leavesItBroken) {
      assertFalse(healed(healthy), "before the tick the state is not yet right");
    }
    healthy.reconcile(AuditRecord.Trigger.of("tick", "t1"), HEAL);
    assertHealed(healthy);
    dev.failover.core.testing.Reliability.count("faults_injected", fired);
  }

  /** The load balancer is as planned, no write is pending, and every write has its record. */
  boolean healed(Controller c) {
    return !c.dryRun(HEAL).changesLoadBalancer()
        && store.load().books().writes().pending().isEmpty()
        && unauditedWrites() == 0;
  }

  void assertHealed(Controller c) {
    var plan = c.dryRun(HEAL);
    assertFalse(plan.changesLoadBalancer(), "the load balancer equals what the planner wants");
    assertEquals(drained(), plan.observed().display());
    ControllerMemory m = store.load();
    assertTrue(m.region(US).hasOpenIncident(), "the event is not lost");
    assertTrue(m.books().writes().pending().isEmpty(), "no write is left pending");
    assertAuditComplete();
    dev.failover.core.testing.Reliability.count("unaudited_writes", unauditedWrites());
    dev.failover.core.testing.Reliability.count(
        "updates_lost", m.region(US).incidents().containsKey("inc-1") ? 0 : 1);
  }

  /** Applied change records, their ids grouped by the fingerprint the write presented. */
  Map<String, Set<String>> appliedIdsByFingerprint() {
    return audit.records().stream()
        .filter(ControllerFaultsTest::applied)
        .collect(
            Collectors.groupingBy(
                r -> r.loadBalancer().fingerprintBefore().orElse("?"),
                Collectors.mapping(AuditRecord::recordId, Collectors.toSet())));
  }

  /**
   * Writes in the fake's log without exactly one applied record id, plus applied record ids without
   * a write: counted from what was observed.
   */
  int unauditedWrites() {
    Map<String, Set<String>> ids = appliedIdsByFingerprint();
    int bad = 0;
    for (ComputeFake.Write w : fake.writes()) {
      if (ids.getOrDefault(w.fingerprintBefore(), Set.of()).size() != 1) {
        bad++;
      }
    }
    return bad + Math.max(0, ids.size() - fake.writes().size());
  }

  /**
   * Every write in the fake's log has exactly one applied change record; no applied record lacks a
   * write.
   */
  void assertAuditComplete() {
    Map<String, Set<String>> idsByFingerprint = appliedIdsByFingerprint();
    for (ComputeFake.Write w : fake.writes()) {
      assertEquals(
          1,
          idsByFingerprint.getOrDefault(w.fingerprintBefore(), Set.of()).size(),
          "write from "
              + w.fingerprintBefore()
              + " has one applied record id: "
              + idsByFingerprint);
    }
    assertEquals(
        fake.writes().size(), idsByFingerprint.size(), "no applied record without a write");
  }

  StateStore crashingStore(Predicate<ControllerMemory> crashAfterWriting) {
    return new StateStore() {
      @Override
      public ControllerMemory load() {
        return store.load();
      }

      @Override
      public <T> T update(Function<ControllerMemory, Change<T>> change) {
        T t = store.update(change);
        if (crashAfterWriting.test(store.load())) {
          crashes.incrementAndGet();
          throw new Crash("after a memory write");
        }
        return t;
      }

      @Override
      public <T> Recording<T> record(
          ControllerEvent event, Function<ControllerMemory.Recorded, Change<T>> then) {
        Recording<T> r = store.record(event, then);
        if (crashAfterWriting.test(store.load())) {
          crashes.incrementAndGet();
          throw new Crash("after recording the event");
        }
        return r;
      }
    };
  }

  AuditSink crashingAudit(Predicate<AuditRecord> before, Predicate<AuditRecord> after) {
    return r -> {
      if (before.test(r)) {
        crashes.incrementAndGet();
        throw new Crash("before writing " + r.kind());
      }
      audit.write(r);
      if (after.test(r)) {
        crashes.incrementAndGet();
        throw new Crash("after writing " + r.kind());
      }
    };
  }

  static boolean applied(AuditRecord r) {
    return r.kind() == AuditRecord.Kind.CHANGE && r.outcome() == AuditRecord.Outcome.APPLIED;
  }

  @Test
  void crashAfterTheEventIsRecorded_theTickDrains() {
    deliverThenHeal(
        controller(
            crashingStore(
                m ->
                    m.region(US).hasOpenIncident()
                        && m.books().writes().pending().isEmpty()
                        && m.region(US).state().phase()
                            == dev.failover.core.domain.RegionState.Phase.SERVING),
            urlMap(),
            audit),
        true);
    assertEquals(1, fake.writes().size());
  }

  @Test
  void crashAfterThePendingMarkerIsStored_theTickRecordsTheInterruptionAndDrains() {
    deliverThenHeal(
        controller(crashingStore(m -> !m.books().writes().pending().isEmpty()), urlMap(), audit),
        true);
    assertEquals(1, fake.writes().size());
    assertTrue(
        audit.records().stream()
            .anyMatch(r -> r.message().contains("does not show it: not applied")));
  }

  @Test
  void crashAfterTheIntentRecord_theTickDrains() {
    deliverThenHeal(
        controller(
            store, urlMap(), crashingAudit(r -> false, r -> r.kind() == AuditRecord.Kind.INTENT)),
        true);
    assertEquals(1, fake.writes().size());
  }

  @Test
  void crashAfterThePatch_theTickRecordsTheOutcomeOnce() {
    LoadBalancer lb = urlMap();
    LoadBalancer crashing =
        new LoadBalancer() {
          @Override
          public Observed read() {
            return lb.read();
          }

          @Override
          public Written apply(LbConfig target, String fingerprint, Map<Region, String> parked) {
            lb.apply(target, fingerprint, parked);
            crashes.incrementAndGet();
            throw new Crash("after the PATCH");
          }
        };
    deliverThenHeal(controller(store, crashing, audit), true);
    assertEquals(1, fake.writes().size());
    assertTrue(
        audit.records().stream()
            .anyMatch(r -> applied(r) && r.message().contains("shows it: applied")));
  }

  @Test
  void crashBeforeTheOutcomeRecord_theTickRecordsItWithTheSameId() {
    deliverThenHeal(
        controller(store, urlMap(), crashingAudit(ControllerFaultsTest::applied, r -> false)),
        true);
    assertEquals(1, fake.writes().size());
  }

  @Test
  void crashAfterTheOutcomeRecord_theRecoveredOutcomeKeepsTheSameId() {
    deliverThenHeal(
        controller(store, urlMap(), crashingAudit(r -> false, ControllerFaultsTest::applied)),
        true);
    long appliedLines = audit.records().stream().filter(ControllerFaultsTest::applied).count();
    assertEquals(2, appliedLines, "written before the crash and again on recovery");
    assertEquals(1, fake.writes().size());
  }

  @Test
  void raceOnTheFingerprint_retriesAndLands() {
    fake.raceNextPatches(2);
    // the retries land within the delivery: nothing is left for the tick
    deliverThenHeal(controller(store, urlMap(), audit), false);
    assertEquals(2, fake.faultsServed());
    assertEquals(
        2, audit.records().stream().filter(r -> r.outcome() == AuditRecord.Outcome.FAILED).count());
  }

  @Test
  void throttled_theDeliveryFailsAndTheTickDrains() {
    fake.failNext(Call.PATCH, 429, "Rate Limit Exceeded");
    deliverThenHeal(controller(store, urlMap(), audit), true);
    assertTrue(audit.records().stream().anyMatch(r -> r.error().orElse("").contains("HTTP 429")));
  }

  @Test
  void unavailable_theDeliveryFailsAndTheTickDrains() {
    fake.failNext(Call.PATCH, 503, "Backend Error");
    deliverThenHeal(controller(store, urlMap(), audit), true);
    assertTrue(audit.records().stream().anyMatch(r -> r.error().orElse("").contains("HTTP 503")));
  }

  @Test
  void aWriteWhoseAppliedRecordIsLost_isCountedAsUnaudited() {
    // the counter the CI gate adds up is computed, so it can rise: a sink that drops the applied
    // record leaves one write of the fake without its record
    controller(
            store,
            urlMap(),
            r -> {
              if (!applied(r)) {
                audit.write(r);
              }
            })
        .handle(incident(), AuditRecord.Trigger.of("alert", "m1"), NOW);
    assertEquals(1, fake.writes().size());
    assertEquals(1, unauditedWrites());
  }

  @Test
  void failedOperation_isRecordedAndTheTickDrains() {
    fake.failNextOperation(400, "BAD REQUEST");
    deliverThenHeal(controller(store, urlMap(), audit), true);
    assertTrue(
        audit.records().stream().anyMatch(r -> r.error().orElse("").contains("BAD REQUEST")));
  }

  @Test
  void operationThatNeverFinishesInTime_isCheckedOnTheNextTick() {
    fake.operationPolls(100_000); // RUNNING for longer than the client waits; the fake applied it
    assertThrows(
        RuntimeException.class,
        () ->
            controller(store, urlMap(), audit)
                .handle(incident(), AuditRecord.Trigger.of("alert", "m1"), NOW));
    assertTrue(
        !store.load().books().writes().pending().isEmpty(),
        "an ambiguous outcome keeps the marker");
    fake.operationPolls(0);
    Controller healthy = controller(store, urlMap(), audit);
    healthy.reconcile(AuditRecord.Trigger.of("tick", "t1"), HEAL);
    assertHealed(healthy);
    assertEquals(1, fake.writes().size());
  }
}
