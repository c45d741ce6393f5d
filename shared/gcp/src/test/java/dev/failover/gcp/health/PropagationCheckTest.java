package dev.failover.gcp.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.MonitoredResource;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.monitoring.v3.TypedValue;
import com.google.protobuf.Timestamp;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.memory.ScriptedHealthSource;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Propagation checks through the real handlers: an alert drains us-central1, then ticks read the
 * load balancer's request rates from a fake Metric service (gRPC, in process) until the drained
 * backend goes quiet.
 */
class PropagationCheckTest {
  static final Region US = Fixtures.US;
  static final Region EU = Fixtures.EU;
  static final Instant T0 = Fixtures.T0;

  final List<TimeSeries> answer = new CopyOnWriteArrayList<>();
  final RecordingAuditSink audit = new RecordingAuditSink();
  final Topology topology = Fixtures.three(Mode.URL_MAP_WEIGHTS);
  MetricServiceFake metrics;
  final MutableClock clock = new MutableClock(T0);
  Intake intake;

  @BeforeEach
  void start() throws Exception {
    metrics = new MetricServiceFake();
    metrics.answer =
        req -> {
          Instant end = Instant.ofEpochSecond(req.getInterval().getEndTime().getSeconds());
          return answer.stream().map(s -> upTo(s, end)).toList();
        };
    ScriptedHealthSource health = new ScriptedHealthSource();
    topology
        .regionNames()
        .forEach(r -> health.report(r, Health.Status.HEALTHY, T0.minusSeconds(3600)));
    Env env =
        Env.embedded(
            topology,
            Policy.defaults(),
            Map.of(),
            CloudBuilds.Routing.defaults(Optional.empty()),
            Duration.ofHours(1));
    intake =
        Assembly.intake(
            env,
            new InMemoryStateStore(),
            new InMemoryLoadBalancer(topology.baseConfig()),
            health,
            new MonitoringTrafficSource(() -> metrics.client, topology, e -> {}),
            audit,
            clock,
            Pause.NONE);
  }

  @AfterEach
  void stop() {
    metrics.close();
  }

  /** The series as Monitoring would show it at {@code end}: windows that ended by then. */
  static TimeSeries upTo(TimeSeries s, Instant end) {
    TimeSeries.Builder b = s.toBuilder().clearPoints();
    s.getPointsList().stream()
        .filter(p -> p.getInterval().getEndTime().getSeconds() <= end.getEpochSecond())
        .forEach(b::addPoints);
    return b.build();
  }

  static TimeSeries series(Region scope, double... perMinuteFromT0) {
    TimeSeries.Builder s =
        TimeSeries.newBuilder()
            .setResource(
                MonitoredResource.newBuilder()
                    .setType("https_lb_rule")
                    .putLabels("backend_scope", scope.name()));
    for (int i = 0; i < perMinuteFromT0.length; i++) {
      if (perMinuteFromT0[i] < 0) {
        continue; // no point: no request in that window
      }
      Instant start = T0.plusSeconds(60L * i);
      s.addPoints(
          Point.newBuilder()
              .setInterval(
                  TimeInterval.newBuilder()
                      .setStartTime(Timestamp.newBuilder().setSeconds(start.getEpochSecond()))
                      .setEndTime(Timestamp.newBuilder().setSeconds(start.getEpochSecond() + 60)))
              .setValue(TypedValue.newBuilder().setDoubleValue(perMinuteFromT0[i])));
    }
    return s.build();
  }

  void deliver(Intake.Stream stream, String id, String data) {
    intake.handle(
        stream,
        PubsubMessage.envelope(
                id, clock.instant(), Map.of(), data, "projects/demo-project/subscriptions/s")
            .getBytes(StandardCharsets.UTF_8),
        id);
  }

  void tickAt(long seconds) {
    clock.set(T0.plusSeconds(seconds));
    deliver(Intake.Stream.TICK, "tick-" + seconds, "{}");
  }

  List<AuditRecord> verified() {
    return audit.records().stream().filter(r -> r.kind() == AuditRecord.Kind.VERIFIED).toList();
  }

  @Test
  void aDrain_isVerifiedOnceTheBackendGoesQuiet_withTheMeasuredTime() {
    // us-central1 serves until the drain at T0+30s; the load balancer needs until the third
    // window to stop sending it requests, after which the metric has no point for it at all
    answer.add(series(US, 240, 120, 15, -1, -1));
    answer.add(series(EU, 250, 370, 480, 490, 495));
    clock.set(T0.plusSeconds(30));
    deliver(
        Intake.Stream.ALERTS,
        "a1",
        Payloads.monitoringIncident(topology, "0.us", "app 5xx us", US, T0, Optional.empty()));
    assertEquals(0, verified().size());

    tickAt(150); // windows ended by T0+2m30: 240 and 120 rps
    assertEquals(0, verified().size());
    tickAt(210); // the window T0+2m..3m: still 15 rps
    assertEquals(0, verified().size());
    tickAt(250); // the window T0+3m..4m: no point for us-central1 while europe-west1 has one
    AuditRecord v = verified().get(0);
    assertEquals(Optional.of(210L), v.propagationSeconds());
    assertTrue(
        v.message()
            .startsWith(
                "verified: traffic to leave us-central1 took at most 210 s after the write"),
        v.message());
    // where the traffic went in that window, per backend_scope; a region of the topology with no
    // point in a window other regions have one for took no request (asia-east1 has no series)
    assertEquals(
        List.of(
            new AuditRecord.Traffic("asia-east1", 0.0),
            new AuditRecord.Traffic("europe-west1", 490.0),
            new AuditRecord.Traffic("us-central1", 0.0)),
        v.traffic());
    tickAt(310);
    assertEquals(1, verified().size(), "verified once");
  }
}
