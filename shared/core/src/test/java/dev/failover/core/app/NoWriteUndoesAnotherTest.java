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
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.PendingWrite;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.planner.Plan;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.TransientException;
import dev.failover.core.testing.Fixtures;
import dev.failover.core.testing.RecordingAuditSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances reconcile at once: the one that plans from a memory that does not yet hold the
 * other's landed write must not undo it (found by the storm benchmark: a drain, undone by a
 * concurrent freeze 1 s later, then made again).
 */
class NoWriteUndoesAnotherTest {
  private final Topology topology = Fixtures.three(Mode.URL_MAP_WEIGHTS);
  private InMemoryLoadBalancer lb;
  private InMemoryStateStore store;
  private RecordingAuditSink audit;
  private ScriptedHealthSource health;
  private final List<Duration> pauses = new ArrayList<>();

  @BeforeEach
  void setUp() {
    lb = new InMemoryLoadBalancer(topology.baseConfig());
    store = new InMemoryStateStore();
    audit = new RecordingAuditSink();
    health = new ScriptedHealthSource();
    for (Region r : List.of(US, EU, ASIA)) {
      health.report(r, Health.Status.UNHEALTHY, min(-60));
    }
  }

  private Controller controller(LoadBalancer loadBalancer) {
    return new Controller(
        ControllerSettings.of(topology, Policy.defaults(), "test"),
        store,
        loadBalancer,
        health,
        audit,
        Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
        pauses::add);
  }

  private static ControllerEvent.IncidentEvent open(String msgId, Region r, long minute) {
    return new ControllerEvent.IncidentEvent(
        msgId, r, "inc-" + msgId, "5xx ratio", min(minute), Optional.empty());
  }

  /** A load balancer that runs {@code meanwhile} once, right after the first write lands. */
  private LoadBalancer afterFirstWrite(Runnable meanwhile) {
    return new LoadBalancer() {
      private boolean done;

      @Override
      public Observed read() {
        return lb.read();
      }

      @Override
      public Written apply(LbConfig target, String fingerprint, Map<Region, String> parked) {
        Written w = lb.apply(target, fingerprint, parked);
        if (!done) {
          done = true;
          meanwhile.run();
        }
        return w;
      }
    };
  }

  @Test
  void aFreezePlannedWhileAnotherInstancesDrainIsUnrecorded_waits_andThenKeepsTheDrain() {
    Controller b = controller(lb);
    List<TransientException> yielded = new ArrayList<>();
    Controller a =
        controller(
            afterFirstWrite(
                () -> {
                  // A's drain of europe-west1 landed; before A records it, a third instance
                  // records asia-east1's incident, and B handles us-central1's: every region
                  // is sick now, and B's memory still has europe-west1 serving
                  store.record(open("m2", ASIA, 1));
                  yielded.add(
                      assertThrows(
                          TransientException.class,
                          () -> b.handle(open("m3", US, 1), Trigger.of("alert", "m3"), min(1))));
                }));
    assertTrue(a.handle(open("m1", EU, 0), Trigger.of("alert", "m1"), min(0)).wrote());
    assertEquals(1, yielded.size(), "B ran while A's write was unrecorded");
    assertEquals(
        "the write of event m1 shows on the load balancer and its outcome is not recorded yet"
            + " (5 attempts); not writing now, the next delivery or tick carries on",
        yielded.get(0).getMessage());
    assertEquals(List.of(drainedEu()), lb.writes());
    // B's redelivery, with A's outcome recorded: frozen where the load balancer is
    Controller.Result again = b.handle(open("m3", US, 1), Trigger.of("alert", "m3"), min(1));
    assertFalse(again.wrote());
    assertEquals("asia-east1=100 europe-west1=0 us-central1=100", lb.config().display());
    assertEquals(1, lb.writes().size());
    assertTrue(store.load().settled());
  }

  @Test
  void aMarkerCommittedAfterThePlanReadTheMemory_stopsItsWrite_beforeIntentOrPatch() {
    ControllerMemory read = store.load();
    LoadBalancer.Observed observed = lb.read();
    LbConfig drained = drainedEu();
    // another instance announced its write after this plan read the memory
    PendingWrite theirs =
        PendingWrite.of("m9", "attempt-1", drained, observed.fingerprint(), min(0), "other");
    store.update(
        m ->
            new dev.failover.core.port.StateStore.Change<>(
                m.withWrites(w -> w.withPending(theirs)), true));
    ControllerMemory before = store.load();
    Plan plan = planDraining(read, observed, US);
    WriteProtocol protocol = new WriteProtocol(store, lb, topology, audit, pauses::add);
    Optional<WriteProtocol.Applied> applied =
        protocol.write(
            plan,
            observed,
            new Basis(read, UnaryOperator.identity()),
            1,
            min(0),
            Duration.ofSeconds(30),
            make());
    assertEquals(Optional.empty(), applied);
    assertEquals(0, lb.writes().size());
    assertEquals(List.<AuditRecord>of(), audit.records(), "no intent: nothing was attempted");
    assertEquals(before, store.load(), "no marker of its own");
    assertEquals(1, pauses.size(), "backed off before planning again");
    // planned from the memory as it is now, the same write goes ahead
    assertTrue(
        protocol
            .write(
                plan,
                observed,
                new Basis(before, UnaryOperator.identity()),
                2,
                min(0),
                Duration.ofSeconds(30),
                make())
            .isPresent());
    assertEquals(1, lb.writes().size());
  }

  @Test
  void aMarkerTheLoadBalancerDoesNotShow_orOlderThanTheGrace_doesNotHoldWritesBack() {
    LoadBalancer.Observed observed = lb.read();
    LbConfig drained = drainedEu();
    PendingWrite notYet =
        PendingWrite.of("m9", "attempt-1", drained, observed.fingerprint(), min(0), "other");
    ControllerMemory m = ControllerMemory.empty().withWrites(w -> w.withPending(notYet));
    assertEquals(Optional.empty(), WriteProtocol.landedUnrecorded(m, observed, min(1)));
    lb.apply(drained, observed.fingerprint(), Map.of());
    LoadBalancer.Observed after = lb.read();
    assertEquals(Optional.of(notYet), WriteProtocol.landedUnrecorded(m, after, min(1)));
    Instant graceOver = min(0).plus(WriteProtocol.PENDING_GRACE);
    assertEquals(Optional.empty(), WriteProtocol.landedUnrecorded(m, after, graceOver));
    assertEquals(
        Optional.of(notYet),
        WriteProtocol.landedUnrecorded(m, after, graceOver.minusMillis(1)),
        "the grace is the bound: until then, its writer may still record it");
  }

  private Plan planDraining(ControllerMemory memory, LoadBalancer.Observed observed, Region r) {
    ControllerMemory withIncident = memory.record(open("m1", r, 0)).memory();
    Plan plan =
        dev.failover.core.planner.Planner.plan(
            withIncident.situation(),
            observed.config(),
            topology,
            Policy.defaults(),
            Map.of(),
            min(0));
    assertTrue(plan.changesLoadBalancer());
    return plan;
  }

  private LbConfig drainedEu() {
    return topology.configFor(Map.of(US, 1000, EU, 0, ASIA, 1000));
  }

  private AuditRecords make() {
    return new AuditRecords(
        new AuditRecords.Context(topology, "test", Trigger.of("alert", "m1"), min(0), () -> 0L));
  }
}
