package dev.failover.gcp.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.domain.Health;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.port.Pause;
import dev.failover.core.testing.Fixtures;
import dev.failover.core.testing.MutableClock;
import dev.failover.core.testing.RecordingAuditSink;
import dev.failover.gcp.config.Assembly;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.intake.CloudBuilds;
import dev.failover.gcp.intake.Intake;
import dev.failover.gcp.intake.Payloads;
import dev.failover.gcp.intake.PubsubMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Monitoring that takes requests and never answers must not hold a drain: the reads have
 * deadlines, come back as no data, and the reconcile writes the load balancer. The timeout is a
 * hang guard, not a performance figure: without the deadlines the client's own retries would hold
 * one read for 90 s.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MonitoringDeadlineTest {
  final Topology topology = Fixtures.three(Mode.URL_MAP_WEIGHTS);
  final List<RuntimeException> readFailures = new CopyOnWriteArrayList<>();
  MetricServiceFake metrics;

  @BeforeEach
  void start() throws Exception {
    metrics = MetricServiceFake.withDeadlines(Duration.ofMillis(200), Duration.ofMillis(600));
    metrics.hang = true;
  }

  @AfterEach
  void stop() {
    metrics.close();
  }

  MonitoringHealthSource health() {
    return new MonitoringHealthSource(
        metrics.client,
        MonitoringHealthSource.Settings.defaults(topology.project(), topology.resource(), Map.of()),
        topology.regionNames().stream().collect(Collectors.toSet()),
        readFailures::add);
  }

  @Test
  void aHangingRead_isNoData_afterItsDeadline() {
    Map<Region, Health> h = health().observe(Fixtures.T0);
    assertFalse(metrics.requests.isEmpty(), "the read was made");
    assertFalse(readFailures.isEmpty(), "the deadline fired");
    assertTrue(
        readFailures.get(0).toString().contains("DEADLINE_EXCEEDED"), readFailures.toString());
    for (Region r : topology.regionNames()) {
      // a region without an entry has no data (the port's contract)
      assertEquals(Health.Status.NO_DATA, h.getOrDefault(r, Health.noData(Instant.EPOCH)).status());
    }
  }

  @Test
  void aDrainGoesOut_whileMonitoringHangs_withoutAskingIt_aRestoreWaitsOnlyTheDeadline() {
    InMemoryLoadBalancer lb = new InMemoryLoadBalancer(topology.baseConfig());
    MutableClock clock = new MutableClock(Fixtures.T0);
    Env env =
        Env.embedded(
            topology,
            Policy.defaults(),
            Map.of(),
            CloudBuilds.Routing.defaults(Optional.empty()),
            Duration.ofHours(1));
    Intake intake =
        Assembly.intake(
            env,
            new InMemoryStateStore(),
            lb,
            health(),
            new MonitoringTrafficSource(() -> metrics.client, topology, readFailures::add),
            new RecordingAuditSink(),
            clock,
            Pause.NONE);
    String alert =
        Payloads.monitoringIncident(
            topology, "0.hang", "5xx us", Fixtures.US, Fixtures.T0, Optional.empty());
    Instant now = clock.instant();
    Intake.Outcome o =
        intake.handle(
            Intake.Stream.ALERTS,
            PubsubMessage.envelope("m1", now, Map.of(), alert, "projects/p/subscriptions/s")
                .getBytes(StandardCharsets.UTF_8),
            "m1");
    assertTrue(o.wrote(), o.summary());
    assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
    assertTrue(metrics.requests.isEmpty(), "a drain of serving regions asks Monitoring nothing");
    // the close: a restore needs health, so Monitoring is asked; it hangs, the read hits its
    // deadline, counts as no data, and the reconcile completes without restoring
    String close =
        Payloads.monitoringIncident(
            topology,
            "0.hang",
            "5xx us",
            Fixtures.US,
            Fixtures.T0,
            Optional.of(Fixtures.T0.plusSeconds(60)));
    Intake.Outcome closed =
        intake.handle(
            Intake.Stream.ALERTS,
            PubsubMessage.envelope("m2", now, Map.of(), close, "projects/p/subscriptions/s")
                .getBytes(StandardCharsets.UTF_8),
            "m2");
    assertEquals("changed", closed.status(), closed.summary());
    assertFalse(metrics.requests.isEmpty(), "the restore asked Monitoring");
    assertFalse(readFailures.isEmpty(), "Monitoring did not answer in time");
    assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
  }
}
