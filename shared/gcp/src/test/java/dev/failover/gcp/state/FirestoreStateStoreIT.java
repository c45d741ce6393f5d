package dev.failover.gcp.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.NoCredentials;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import dev.failover.core.app.Controller;
import dev.failover.core.app.ControllerSettings;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Ledger;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionState;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.port.Pause;
import dev.failover.core.port.StateStore;
import dev.failover.core.testing.Emulator;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Firestore state store, with the real client, against the Firestore emulator it starts. */
class FirestoreStateStoreIT {
  static final Instant NOW = Instant.parse("2026-11-01T12:05:00Z");
  static final Region US = Fixtures.US;
  static Emulator emulator;
  static Firestore db;
  static final AtomicInteger KEYS = new AtomicInteger();

  String key;
  FirestoreStateStore store;

  @BeforeAll
  static void startEmulator() throws Exception {
    emulator = Emulator.firestore();
    db =
        FirestoreOptions.newBuilder()
            .setProjectId("demo-project")
            .setEmulatorHost(emulator.hostPort())
            .setHost(emulator.hostPort())
            .setCredentials(NoCredentials.getInstance())
            .build()
            .getService();
  }

  @AfterAll
  static void stopEmulator() throws Exception {
    if (db != null) {
      db.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  @BeforeEach
  void freshKey() {
    key = "demo-project__app-" + KEYS.incrementAndGet();
    store = new FirestoreStateStore(db, key, Duration.ofDays(7), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  static ControllerEvent.IncidentEvent incident(String msgId, String incidentId) {
    return new ControllerEvent.IncidentEvent(
        msgId, US, incidentId, "5xx", NOW.minusSeconds(60), Optional.empty());
  }

  @Test
  void load_ofANewLoadBalancer_isEmptyMemory() {
    assertEquals(ControllerMemory.empty(), store.load());
  }

  @Test
  void record_persistsTheMemory_andAnotherInstanceReadsIt() {
    ControllerMemory.Recorded r = store.record(incident("m1", "i1"));
    assertEquals(ControllerMemory.Effect.CHANGED, r.effect());
    FirestoreStateStore other =
        new FirestoreStateStore(db, key, Duration.ofDays(7), Clock.systemUTC());
    assertEquals(r.memory(), other.load());
    assertTrue(other.load().region(US).hasOpenIncident());
  }

  @Test
  void record_writesALedgerEntryWithAnExpiry_andTheLedgerCatchesRedeliveriesOutsideTheWindow()
      throws Exception {
    store.record(incident("m1", "i1"));
    // forget the id in the memory's window, as after 2048 later events
    store.update(
        m ->
            new StateStore.Change<>(
                m.withBooks(
                    b ->
                        b.withLedger(
                            new Ledger(List.of(), b.ledger().changes(), b.ledger().reconciled()))),
                true));
    assertTrue(store.load().books().ledger().recentEventIds().isEmpty());
    ControllerMemory.Recorded again = store.record(incident("m1", "i1"));
    assertEquals(ControllerMemory.Effect.DUPLICATE, again.effect());
    assertEquals("event m1 already recorded (ledger)", again.detail());

    List<DocumentSnapshot> ledger =
        db
            .collection(FirestoreStateStore.LEDGER)
            .whereEqualTo("controller", key)
            .get()
            .get()
            .getDocuments()
            .stream()
            .map(d -> (DocumentSnapshot) d)
            .toList();
    assertEquals(1, ledger.size());
    assertEquals("m1", ledger.get(0).getString("event_id"));
    assertEquals(
        Timestamp.parseTimestamp("2026-11-08T12:05:00Z"), ledger.get(0).getTimestamp("expire_at"));
  }

  @Test
  void update_eightConcurrentWriters_loseNoUpdate() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int n = i;
        fs.add(pool.submit(() -> store.record(incident("m" + n, "i" + n))));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(8, store.load().region(US).incidents().size());
    assertEquals(8, store.load().books().ledger().recentEventIds().size());
  }

  @Test
  void corruptedDocument_failsLoudlyAndIsNotRetriedAsTransient() throws Exception {
    db.collection(FirestoreStateStore.CONTROLLERS)
        .document(key)
        .set(Map.of("memory", "{\"v\":99}"))
        .get();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.load());
    assertEquals(
        "the stored controller memory has version 99; this controller reads 1", e.getMessage());
  }

  @Test
  void controllerOnFirestore_survivesARestart() {
    Topology t = Fixtures.three(Mode.URL_MAP_WEIGHTS);
    InMemoryLoadBalancer lb = new InMemoryLoadBalancer(t.baseConfig());
    ScriptedHealthSource health = new ScriptedHealthSource();
    t.regionNames().forEach(r -> health.report(r, Health.Status.HEALTHY, NOW.minusSeconds(3600)));
    Controller first =
        new Controller(
            ControllerSettings.of(t, Policy.defaults(), "test"),
            store,
            lb,
            health,
            new RecordingAuditSink(),
            Clock.fixed(NOW, ZoneOffset.UTC),
            Pause.NONE);
    first.handle(incident("m1", "i1"), AuditRecord.Trigger.of("alert", "m1"), NOW);

    FirestoreStateStore restarted =
        new FirestoreStateStore(db, key, Duration.ofDays(7), Clock.systemUTC());
    assertEquals(RegionState.Phase.OUT, restarted.load().region(US).state().phase());
    Controller second =
        new Controller(
            ControllerSettings.of(t, Policy.defaults(), "test"),
            restarted,
            lb,
            health,
            new RecordingAuditSink(),
            Clock.fixed(NOW, ZoneOffset.UTC),
            Pause.NONE);
    Controller.Result r =
        second.reconcile(AuditRecord.Trigger.of("tick", "t1"), NOW.plusSeconds(60));
    assertEquals(false, r.wrote());
    assertEquals(1, lb.writes().size());
  }
}
