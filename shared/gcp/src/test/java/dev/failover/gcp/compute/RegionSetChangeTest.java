package dev.failover.gcp.compute;

import static dev.failover.gcp.compute.ComputeLoadBalancerTest.BS;
import static dev.failover.gcp.compute.ComputeLoadBalancerTest.PROJECT;
import static dev.failover.gcp.compute.ComputeLoadBalancerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.UrlMapsClient;
import com.google.gson.JsonArray;
import dev.failover.core.app.Controller;
import dev.failover.core.app.ControllerSettings;
import dev.failover.core.audit.AuditRecord;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regions added to or removed from the topology (README "Adding or removing a region"), on the real
 * Compute client and the Compute fake.
 */
class RegionSetChangeTest {
  static final Region ASIA = ComputeLoadBalancerTest.ASIA;
  static final Instant NOW = Instant.parse("2026-11-01T12:05:00Z");
  final Topology topology =
      ControllerOnComputeTest.withExpectedRps(
          ComputeLoadBalancerTest.topology(Mode.URL_MAP_WEIGHTS), 900);
  ComputeFake fake;
  UrlMapsClient client;
  final InMemoryStateStore store = new InMemoryStateStore();
  final RecordingAuditSink audit = new RecordingAuditSink();
  final ScriptedHealthSource health = new ScriptedHealthSource();

  @BeforeEach
  void start() throws Exception {
    fake = ComputeFake.start();
    client = ComputeClients.urlMaps(ComputeClients.Settings.fake(fake.endpoint()));
    for (Region r : topology.regionNames()) {
      health.report(r, Health.Status.HEALTHY, NOW.minus(Duration.ofHours(1)));
    }
  }

  @AfterEach
  void stop() {
    client.close();
    fake.close();
  }

  Controller controller(Instant now) {
    return new Controller(
        ControllerSettings.of(topology, Policy.defaults(), "test"),
        store,
        new UrlMapLoadBalancer(client, topology, Set.of(), Duration.ofSeconds(5)),
        health,
        audit,
        Clock.fixed(now, ZoneOffset.UTC),
        Pause.NONE);
  }

  void urlMapWithout(String... regions) {
    StringBuilder wbs = new StringBuilder("[");
    for (Region r : topology.regionNames()) {
      if (!java.util.List.of(regions).contains(r.name())) {
        wbs.append(wbs.length() == 1 ? "" : ",")
            .append("{\"backendService\":\"")
            .append(BS)
            .append(r)
            .append("\",\"weight\":100}");
      }
    }
    fake.putUrlMap(
        PROJECT,
        "app-url-map",
        json("{\"defaultRouteAction\":{\"weightedBackendServices\":" + wbs + "]}}"));
  }

  /** Ticks every minute from NOW, and the config after each: minute -> display. */
  java.util.Map<Integer, String> tickFor(int minutes) {
    java.util.Map<Integer, String> seen = new java.util.LinkedHashMap<>();
    for (int m = 0; m <= minutes; m++) {
      Instant t = NOW.plus(Duration.ofMinutes(m));
      controller(t).reconcile(AuditRecord.Trigger.of("tick", "t" + m), t);
      seen.put(m, controller(t).dryRun(t).observed().display());
    }
    return seen;
  }

  @Test
  void aRegionAddedInTerraform_joinsDrained_thenComesInThroughTheHoldAndTheRamp_andIsListed() {
    // asia-east1 was added: Terraform created its backend service; the URL map is the controller's
    urlMapWithout("asia-east1");
    java.util.Map<Integer, String> seen = tickFor(12);

    List<AuditRecord> joins =
        audit.records().stream().filter(r -> r.kind() == AuditRecord.Kind.DRIFT).toList();
    assertEquals(1, joins.size(), "recorded once");
    AuditRecord.RegionChange join = joins.get(0).regions().get(0);
    assertEquals("asia-east1", join.region());
    assertEquals("join", join.action());
    assertEquals(Optional.of("region_added"), join.rule());
    assertTrue(joins.get(0).message().endsWith("joining drained (not listed yet) [asia-east1]"));
    assertTrue(store.load().region(ASIA).pin().isEmpty(), "not adopted as a drain pin: it is new");

    // healthy for an hour: the restore hold (5 min) runs from the join, then the ramp lists it
    assertEquals("asia-east1=0 europe-west1=100 us-central1=100", seen.get(4));
    assertEquals("asia-east1=10 europe-west1=100 us-central1=100", seen.get(5));
    assertEquals(3, listed().size(), "the first write lists it");
    assertEquals("asia-east1=100 europe-west1=100 us-central1=100", seen.get(12));
    long applied =
        audit.records().stream()
            .filter(
                r ->
                    r.kind() == AuditRecord.Kind.CHANGE
                        && r.outcome() == AuditRecord.Outcome.APPLIED)
            .count();
    assertEquals(fake.writes().size(), applied, "every write audited");
  }

  @Test
  void aRegionRemovedFromTerraform_isNoLongerWeighed_andItsEntryIsLeftAlone() {
    // the topology no longer has asia-east1; the URL map still lists it (drain it first: README)
    urlMapWithout();
    Topology two =
        new Topology(
            topology.mode(),
            topology.project(),
            topology.resource(),
            topology.regions().stream().filter(r -> !r.region().equals(ASIA)).toList(),
            900);
    Controller c =
        new Controller(
            ControllerSettings.of(two, Policy.defaults(), "test"),
            store,
            new UrlMapLoadBalancer(client, two, Set.of(), Duration.ofSeconds(5)),
            health,
            audit,
            Clock.fixed(NOW, ZoneOffset.UTC),
            Pause.NONE);
    c.reconcile(AuditRecord.Trigger.of("tick", "t0"), NOW);
    assertEquals("europe-west1=100 us-central1=100", c.dryRun(NOW).observed().display());
    assertEquals(0, fake.writes().size());
    assertEquals(List.of(), audit.records());
  }

  JsonArray listed() {
    return fake.urlMap(PROJECT, "app-url-map")
        .getAsJsonObject("defaultRouteAction")
        .getAsJsonArray("weightedBackendServices");
  }
}
