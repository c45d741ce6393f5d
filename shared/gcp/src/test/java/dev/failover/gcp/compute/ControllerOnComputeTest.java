package dev.failover.gcp.compute;

import static dev.failover.gcp.compute.ComputeLoadBalancerTest.ASIA;
import static dev.failover.gcp.compute.ComputeLoadBalancerTest.EU;
import static dev.failover.gcp.compute.ComputeLoadBalancerTest.PROJECT;
import static dev.failover.gcp.compute.ComputeLoadBalancerTest.US;
import static dev.failover.gcp.compute.ComputeLoadBalancerTest.json;
import static dev.failover.gcp.compute.ComputeLoadBalancerTest.wbs;
import static dev.failover.gcp.compute.ComputeLoadBalancerTest.weights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.UrlMapsClient;
import dev.failover.core.app.Controller;
import dev.failover.core.app.ControllerSettings;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.port.Pause;
import dev.failover.core.testing.RecordingAuditSink;
import dev.failover.fake.compute.ComputeFake;
import dev.failover.fake.compute.ComputeFake.Call;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reconcile use case on the real Compute client and the Compute fake. */
class ControllerOnComputeTest {
  static final Instant NOW = Instant.parse("2026-11-01T12:05:00Z");
  // 900 RPS: one region alone can take it, so two drains pass the headroom rule
  final Topology topology =
      withExpectedRps(ComputeLoadBalancerTest.topology(Mode.URL_MAP_WEIGHTS), 900);

  static Topology withExpectedRps(Topology t, double rps) {
    return new Topology(t.mode(), t.project(), t.resource(), t.regions(), rps);
  }

  ComputeFake fake;
  final List<UrlMapsClient> clients = new ArrayList<>();
  final InMemoryStateStore store = new InMemoryStateStore();
  final RecordingAuditSink audit = new RecordingAuditSink();
  final ScriptedHealthSource health = new ScriptedHealthSource();

  @BeforeEach
  void start() throws Exception {
    fake = ComputeFake.start();
    fake.putUrlMap(
        PROJECT,
        "app-url-map",
        json("{\"defaultRouteAction\":{\"weightedBackendServices\":" + wbs(100) + "}}"));
    for (Region r : topology.regionNames()) {
      health.report(r, Health.Status.HEALTHY, NOW.minus(Duration.ofHours(1)));
    }
  }

  @AfterEach
  void stop() {
    clients.forEach(UrlMapsClient::close);
    fake.close();
  }

  Controller controller(Policy policy) {
    UrlMapsClient client = ComputeClients.urlMaps(ComputeClients.Settings.fake(fake.endpoint()));
    clients.add(client);
    return new Controller(
        ControllerSettings.of(topology, policy, "test"),
        store,
        new UrlMapLoadBalancer(client, topology, Set.of(), Duration.ofSeconds(5)),
        health,
        audit,
        Clock.fixed(NOW, ZoneOffset.UTC),
        Pause.NONE);
  }

  static ControllerEvent.IncidentEvent incident(String msgId, Region r) {
    return new ControllerEvent.IncidentEvent(
        msgId, r, "inc-" + r, "5xx " + r, NOW.minusSeconds(60), Optional.empty());
  }

  long appliedChanges() {
    return audit.records().stream()
        .filter(
            r -> r.kind() == AuditRecord.Kind.CHANGE && r.outcome() == AuditRecord.Outcome.APPLIED)
        .count();
  }

  @Test
  void callEconomy_oneGetAndOnePatchPerChange_noCallForDuplicatesOrNoOps() {
    Controller c = controller(Policy.defaults());
    c.handle(incident("m1", US), AuditRecord.Trigger.of("alert", "m1"), NOW);
    assertEquals(1, fake.count(Call.GET));
    assertEquals(1, fake.count(Call.PATCH));

    // a redelivery and a renotification, with everything reconciled: not even a GET
    c.handle(incident("m1", US), AuditRecord.Trigger.of("alert", "m1"), NOW);
    c.handle(incident("m2", US), AuditRecord.Trigger.of("alert", "m2"), NOW);
    assertEquals(1, fake.count(Call.GET));
    c.reconcile(AuditRecord.Trigger.of("tick", "t1"), NOW.plusSeconds(60));
    assertEquals(2, fake.count(Call.GET));
    assertEquals(1, fake.count(Call.PATCH));
    assertEquals(weights(0, 100, 100), c.dryRun(NOW).target());
    assertEquals(fake.writes().size(), appliedChanges());
  }

  @Test
  void twoControllersRacingOnOneUrlMap_bothChangesLand_noneIsLost() throws Exception {
    Policy roomy =
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
            java.time.Duration.ofHours(2));
    Controller a = controller(roomy);
    Controller b = controller(roomy);
    fake.holdGets(2); // both read the same fingerprint, so one PATCH must meet a 412
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> fa =
          pool.submit(
              () -> a.handle(incident("a1", US), AuditRecord.Trigger.of("alert", "a1"), NOW));
      Future<?> fb =
          pool.submit(
              () -> b.handle(incident("b1", EU), AuditRecord.Trigger.of("alert", "b1"), NOW));
      fa.get();
      fb.get();
    } finally {
      pool.shutdownNow();
    }
    assertEquals(weights(0, 0, 100), controller(roomy).dryRun(NOW).observed());
    // both read the same fingerprint. The second to announce its write either stands back before
    // its PATCH (a write began since it read the memory) or, if it announced while the first had
    // not yet patched, meets a 412: every PATCH beyond the two accepted writes is such a refusal,
    // audited as a failed change. (One write may carry both drains, when its plan read both
    // incidents.)
    long accepted = fake.writes().size();
    assertTrue(accepted == 1 || accepted == 2, accepted + " writes");
    long stale =
        audit.records().stream()
            .filter(
                r ->
                    r.kind() == AuditRecord.Kind.CHANGE
                        && r.outcome() == AuditRecord.Outcome.FAILED
                        && r.error()
                            .orElse("")
                            .startsWith("stale fingerprint: PATCH urlMaps/app-url-map: HTTP 412"))
            .count();
    assertEquals(fake.count(Call.PATCH) - accepted, stale);
    assertTrue(stale <= 1, "at most the one PATCH from the shared read is refused");
    assertEquals(
        fake.writes().size(), appliedChanges(), "every accepted write has one applied record");
    assertTrue(
        store.load().region(US).hasOpenIncident() && store.load().region(EU).hasOpenIncident());
    assertTrue(!store.load().region(ASIA).hasOpenIncident());
  }
}
