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
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.PendingWrite;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.port.StateStore;
import dev.failover.core.port.TrafficSource;
import dev.failover.core.testing.Fixtures;
import dev.failover.core.testing.RecordingAuditSink;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An event whose reconcile writes nothing is recorded and reconciled in one commit of the memory;
 * one whose reconcile writes is recorded alone and reconciled from what was read before it.
 */
class QuietChangeTest {
  private final Topology topology = Fixtures.three(Mode.URL_MAP_WEIGHTS);
  private InMemoryLoadBalancer lb;
  private InMemoryStateStore memory;
  private RecordingAuditSink audit;
  private ScriptedHealthSource health;

  /** Runs every change it is given once more than it commits, as a compare-and-set retry does. */
  private final AtomicInteger extraRuns = new AtomicInteger();

  private StateStore store;
  private Controller controller;

  @BeforeEach
  void setUp() {
    lb = new InMemoryLoadBalancer(topology.baseConfig());
    memory = new InMemoryStateStore();
    audit = new RecordingAuditSink();
    health = new ScriptedHealthSource();
    for (Region r : List.of(US, EU, ASIA)) {
      health.report(r, Health.Status.HEALTHY, min(-60));
    }
    store =
        new StateStore() {
          @Override
          public ControllerMemory load() {
            return memory.load();
          }

          @Override
          public <T> T update(Function<ControllerMemory, Change<T>> change) {
            return memory.update(change);
          }

          @Override
          public <T> Recording<T> record(
              ControllerEvent event, Function<ControllerMemory.Recorded, Change<T>> then) {
            // a first attempt whose commit another writer beat: computed, then thrown away
            then.apply(memory.load().record(event));
            extraRuns.incrementAndGet();
            return memory.record(event, then);
          }
        };
    controller =
        new Controller(
            ControllerSettings.of(topology, Policy.defaults(), "test"),
            store,
            lb,
            health,
            audit,
            Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
            d -> {});
  }

  private static ControllerEvent.IncidentEvent open(
      String msgId, Region r, String incident, long minute) {
    return new ControllerEvent.IncidentEvent(
        msgId, r, incident, "5xx ratio", min(minute), Optional.empty());
  }

  private static ControllerEvent.IncidentEvent close(
      String msgId, Region r, String incident, long opened, long closed) {
    return new ControllerEvent.IncidentEvent(
        msgId, r, incident, "5xx ratio", min(opened), Optional.of(min(closed)));
  }

  private static Trigger alert(String msgId) {
    return Trigger.of("alert", msgId);
  }

  @Test
  void aDrain_isRecordedAlone_thenWrittenFromTheReadMadeBeforeRecording() {
    Controller.Result r = controller.handle(open("m1", US, "inc-1", 0), alert("m1"), min(0));
    assertTrue(r.wrote());
    assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
    assertEquals(1, lb.reads(), "the reconcile's first attempt used the read made before");
    // the event, the write's marker, the write's outcome
    assertEquals(3, memory.writes());
    assertTrue(memory.load().settled());
  }

  @Test
  void aSecondIncidentInARegionAlreadyOut_isRecordedAndReconciledInOneCommit() {
    controller.handle(open("m1", US, "inc-1", 0), alert("m1"), min(0));
    long writes = memory.writes();
    int reads = lb.reads();
    Controller.Result r = controller.handle(open("m2", US, "inc-2", 1), alert("m2"), min(1));
    assertEquals(ControllerMemory.Effect.CHANGED, r.recorded().orElseThrow().effect());
    assertFalse(r.wrote());
    assertTrue(r.plan().isPresent());
    assertFalse(r.plan().get().changesLoadBalancer());
    assertEquals(writes + 1, memory.writes(), "one commit: the event and the reconcile");
    assertEquals(reads + 1, lb.reads());
    assertTrue(memory.load().settled());
    assertEquals(2, memory.load().region(US).incidents().size());
    assertEquals(1, lb.writes().size());
  }

  @Test
  void aCloseDuringTheRestoreHold_isOneCommit_andItsHoldIsAuditedOnceThoughTheChangeRanTwice() {
    controller.handle(open("m1", US, "inc-1", 0), alert("m1"), min(0));
    long writes = memory.writes();
    int before = audit.records().size();
    int runs = extraRuns.get();
    Controller.Result r = controller.handle(close("m2", US, "inc-1", 0, 1), alert("m2"), min(1));
    assertEquals(runs + 1, extraRuns.get(), "the change ran once more than it committed");
    assertFalse(r.wrote());
    assertEquals(writes + 1, memory.writes());
    assertTrue(memory.load().settled());
    List<Kind> added =
        audit.records().subList(before, audit.records().size()).stream()
            .map(AuditRecord::kind)
            .toList();
    assertEquals(List.of(Kind.HOLD), added, "the restore hold, announced once");
    assertEquals(r.records(), audit.records().subList(before, audit.records().size()));
  }

  @Test
  void anEarlierChangeLeftUnreconciled_isSettledByTheNextQuietChange() {
    controller.handle(open("m1", US, "inc-1", 0), alert("m1"), min(0));
    // another instance recorded an incident and died before reconciling it
    memory.record(open("m2", US, "inc-2", 1));
    assertFalse(memory.load().settled());
    long writes = memory.writes();
    Controller.Result r = controller.handle(open("m3", US, "inc-3", 2), alert("m3"), min(2));
    assertFalse(r.wrote());
    assertEquals(writes + 1, memory.writes());
    assertTrue(memory.load().settled(), "the plan covered both changes");
  }

  @Test
  void aWriteThatLandedBetweenTheReadAndTheCommit_sendsTheEventToTheFullReconcile() {
    controller.handle(open("m1", US, "inc-1", 0), alert("m1"), min(0));
    ControllerMemory before = memory.load();
    AuditRecords make =
        new AuditRecords(new AuditRecords.Context(topology, "test", alert("m2"), min(1), () -> 0L));
    Reconciler reconciler =
        new Reconciler(
            ControllerSettings.of(topology, Policy.defaults(), "test"),
            memory,
            lb,
            health,
            audit,
            Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
            d -> {},
            TrafficSource.NONE);
    QuietChange quiet = new QuietChange(reconciler);
    ControllerEvent.IncidentEvent second = open("m2", US, "inc-2", 1);
    Reconciler.Reading read = quiet.readAhead(before, second, lb, min(1)).orElseThrow();
    // as read: the commit carries the reconcile
    assertTrue(quiet.settle(before.record(second), read, make).result().isPresent());
    // another instance's write landed after the read: the observed config may be stale
    PendingWrite w = before.books().writes().recent().get(0);
    PendingWrite other = new PendingWrite("m9", w.step(), w.target(), "fp-2", min(1), "other");
    ControllerMemory written = before.withWrites(ws -> ws.withRecent(other, min(0)));
    StateStore.Change<Optional<QuietChange.Settled>> alone =
        quiet.settle(written.record(second), read, make);
    assertEquals(Optional.empty(), alone.result());
    assertEquals(written.record(second).memory(), alone.next(), "the event alone");
  }

  @Test
  void anEventThatChangesNothing_readsNothingAhead() {
    controller.handle(open("m1", US, "inc-1", 0), alert("m1"), min(0));
    int reads = lb.reads();
    long writes = memory.writes();
    Controller.Result r = controller.handle(open("m2", US, "inc-1", 0), alert("m2"), min(1));
    assertEquals(ControllerMemory.Effect.UNCHANGED, r.recorded().orElseThrow().effect());
    assertEquals(Optional.empty(), r.plan());
    assertEquals(reads, lb.reads());
    assertEquals(writes + 1, memory.writes(), "its id, kept so a redelivery is known");
    assertTrue(memory.load().settled());
  }
}
