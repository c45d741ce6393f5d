package dev.failover.gcp.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.Metric;
import com.google.api.MonitoredResource;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.monitoring.v3.TypedValue;
import com.google.protobuf.Timestamp;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Region;
import io.grpc.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The health source, with the real Monitoring client, against an in-process Metric service fake.
 */
class MonitoringHealthSourceTest {
  static final Instant NOW = Instant.parse("2026-11-01T12:30:00Z");
  static final Region US = Region.of("us-central1");
  static final Region EU = Region.of("europe-west1");
  static final Region ASIA = Region.of("asia-east1");

  /** Series the fake answers, by the metric type in the request's filter. */
  final Map<String, List<TimeSeries>> series = new java.util.concurrent.ConcurrentHashMap<>();

  final List<RuntimeException> errors = new ArrayList<>();
  MetricServiceFake metrics;
  List<ListTimeSeriesRequest> requests;

  @BeforeEach
  void start() throws Exception {
    metrics = new MetricServiceFake();
    requests = metrics.requests;
    metrics.answer =
        req -> {
          List<TimeSeries> out = new ArrayList<>();
          series.forEach(
              (metric, list) -> {
                if (req.getFilter().contains("\"" + metric + "\"")) {
                  out.addAll(list);
                }
              });
          return out;
        };
  }

  @AfterEach
  void stop() {
    metrics.close();
  }

  MonitoringHealthSource source(Optional<Double> maxP95, Map<Region, String> uptime) {
    MonitoringHealthSource.Settings d =
        MonitoringHealthSource.Settings.defaults("demo-project", "app", uptime);
    MonitoringHealthSource.Settings s =
        new MonitoringHealthSource.Settings(
            d.project(),
            d.service(),
            d.max5xxRatio(),
            d.minRequests(),
            maxP95,
            d.uptimeChecks(),
            d.uptimeFailingLocations(),
            d.lookback(),
            d.alignment(),
            d.freshness(),
            d.maxGap());
    return new MonitoringHealthSource(metrics.client, s, Set.of(US, EU, ASIA), errors::add);
  }

  static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).build();
  }

  static Point point(Instant end, TypedValue v) {
    return Point.newBuilder()
        .setInterval(
            TimeInterval.newBuilder().setStartTime(ts(end.minusSeconds(60))).setEndTime(ts(end)))
        .setValue(v)
        .build();
  }

  /** Per-minute counts for one region and response class, minutes ending at NOW - k min. */
  void requests(Region r, String cls, long... perMinuteOldestFirst) {
    TimeSeries.Builder b =
        TimeSeries.newBuilder()
            .setMetric(
                Metric.newBuilder()
                    .setType("run.googleapis.com/request_count")
                    .putLabels("response_code_class", cls))
            .setResource(
                MonitoredResource.newBuilder()
                    .setType("cloud_run_revision")
                    .putLabels("location", r.name()));
    int n = perMinuteOldestFirst.length;
    // the API returns newest first
    for (int i = n - 1; i >= 0; i--) {
      b.addPoints(
          point(
              NOW.minusSeconds(60L * (n - 1 - i)),
              TypedValue.newBuilder().setInt64Value(perMinuteOldestFirst[i]).build()));
    }
    series
        .computeIfAbsent("run.googleapis.com/request_count", k -> new CopyOnWriteArrayList<>())
        .add(b.build());
  }

  void uptime(String checkId, double... fractionOldestFirst) {
    uptimeFrom(checkId, "usa-iowa", fractionOldestFirst);
  }

  /** The check's pass fraction per minute from one checker location. */
  void uptimeFrom(String checkId, String location, double... fractionOldestFirst) {
    TimeSeries.Builder b =
        TimeSeries.newBuilder()
            .setMetric(
                Metric.newBuilder()
                    .setType("monitoring.googleapis.com/uptime_check/check_passed")
                    .putLabels("check_id", checkId)
                    .putLabels("checker_location", location))
            .setResource(MonitoredResource.newBuilder().setType("uptime_url"));
    int n = fractionOldestFirst.length;
    for (int i = n - 1; i >= 0; i--) {
      b.addPoints(
          point(
              NOW.minusSeconds(60L * (n - 1 - i)),
              TypedValue.newBuilder().setDoubleValue(fractionOldestFirst[i]).build()));
    }
    series
        .computeIfAbsent(
            "monitoring.googleapis.com/uptime_check/check_passed",
            k -> new CopyOnWriteArrayList<>())
        .add(b.build());
  }

  @Test
  void healthyTraffic_isHealthySinceTheStartOfTheRun() {
    requests(US, "2xx", 100, 100, 100, 100, 100, 100, 100, 100, 100, 100);
    requests(US, "5xx", 0, 0, 0, 0, 0, 1, 0, 0, 0, 0);
    Map<Region, Health> h = source(Optional.empty(), Map.of()).observe(NOW);
    assertEquals(new Health(Health.Status.HEALTHY, NOW.minusSeconds(600)), h.get(US));
  }

  @Test
  void fivexxShareAboveTheThreshold_isUnhealthySinceItBegan() {
    requests(EU, "2xx", 100, 100, 100, 100, 70, 60);
    requests(EU, "5xx", 0, 1, 2, 5, 30, 40);
    // ratios: 0, .0099, .0196, .0476, .3, .4 -> the last two minutes are unhealthy
    Health h = source(Optional.empty(), Map.of()).observe(NOW).get(EU);
    assertEquals(new Health(Health.Status.UNHEALTHY, NOW.minusSeconds(120)), h);
  }

  @Test
  void recoveredRegion_isHealthyOnlySinceTheRecovery() {
    requests(EU, "2xx", 50, 50, 100, 100, 100);
    requests(EU, "5xx", 50, 50, 0, 0, 0);
    assertEquals(
        new Health(Health.Status.HEALTHY, NOW.minusSeconds(180)),
        source(Optional.empty(), Map.of()).observe(NOW).get(EU));
  }

  @Test
  void drainedRegionWithoutTraffic_isNoData_unlessItsUptimeCheckPasses() {
    requests(US, "2xx", 100, 100, 100);
    assertEquals(
        Health.Status.NO_DATA, source(Optional.empty(), Map.of()).observe(NOW).get(ASIA).status());
    uptime("app-asia-east1", 1, 1, 1, 1, 1, 1);
    Health asia = source(Optional.empty(), Map.of(ASIA, "app-asia-east1")).observe(NOW).get(ASIA);
    assertEquals(new Health(Health.Status.HEALTHY, NOW.minusSeconds(360)), asia);
  }

  @Test
  void uptimeCheckFailingFromTwoLocations_isUnhealthyEvenWithGoodTraffic() {
    requests(US, "2xx", 100, 100, 100);
    uptimeFrom("app-us", "usa-iowa", 1, 1, 0);
    uptimeFrom("app-us", "eur-belgium", 1, 1, 0);
    uptimeFrom("app-us", "apac-singapore", 1, 1, 1);
    Health us = source(Optional.empty(), Map.of(US, "app-us")).observe(NOW).get(US);
    assertEquals(new Health(Health.Status.UNHEALTHY, NOW.minusSeconds(60)), us);
  }

  @Test
  void oneFailedProbeFromOneOfSixLocations_isTheInternet_andTheRegionStaysHealthy() {
    String[] locations = {
      "usa-iowa",
      "usa-oregon",
      "usa-virginia",
      "eur-belgium",
      "apac-singapore",
      "sa-brazil-sao_paulo"
    };
    for (String l : locations) {
      uptimeFrom("app-asia", l, 1, 1, 1, 1, l.equals("eur-belgium") ? 0 : 1, 1);
    }
    Health asia = source(Optional.empty(), Map.of(ASIA, "app-asia")).observe(NOW).get(ASIA);
    assertEquals(
        new Health(Health.Status.HEALTHY, NOW.minusSeconds(360)),
        asia,
        "the hold a restore waits for is not restarted by one probe");
  }

  @Test
  void withOneFailingLocationConfigured_oneFailedProbeIsUnhealthy() {
    uptimeFrom("app-asia", "usa-iowa", 1, 1, 0);
    uptimeFrom("app-asia", "eur-belgium", 1, 1, 1);
    MonitoringHealthSource.Settings d =
        MonitoringHealthSource.Settings.defaults("demo-project", "app", Map.of(ASIA, "app-asia"));
    MonitoringHealthSource strict =
        new MonitoringHealthSource(
            metrics.client,
            new MonitoringHealthSource.Settings(
                d.project(),
                d.service(),
                d.max5xxRatio(),
                d.minRequests(),
                d.maxP95Millis(),
                d.uptimeChecks(),
                1,
                d.lookback(),
                d.alignment(),
                d.freshness(),
                d.maxGap()),
            Set.of(US, EU, ASIA),
            errors::add);
    assertEquals(
        new Health(Health.Status.UNHEALTHY, NOW.minusSeconds(60)), strict.observe(NOW).get(ASIA));
  }

  @Test
  void tooFewRequests_isNoEvidence() {
    requests(US, "2xx", 1, 1, 2);
    requests(US, "5xx", 2, 2, 2);
    assertEquals(
        Health.Status.NO_DATA, source(Optional.empty(), Map.of()).observe(NOW).get(US).status());
  }

  @Test
  void staleData_isNoData() {
    requests(US, "2xx", 100, 100, 100);
    Health h = source(Optional.empty(), Map.of()).observe(NOW.plusSeconds(600)).get(US);
    assertEquals(new Health(Health.Status.NO_DATA, NOW), h);
  }

  @Test
  void p95AboveTheBound_isUnhealthy() {
    requests(US, "2xx", 100, 100, 100);
    TimeSeries lat =
        TimeSeries.newBuilder()
            .setMetric(Metric.newBuilder().setType("run.googleapis.com/request_latencies"))
            .setResource(
                MonitoredResource.newBuilder()
                    .setType("cloud_run_revision")
                    .putLabels("location", "us-central1"))
            .addPoints(point(NOW, TypedValue.newBuilder().setDoubleValue(2500).build()))
            .addPoints(
                point(NOW.minusSeconds(60), TypedValue.newBuilder().setDoubleValue(300).build()))
            .build();
    series.put("run.googleapis.com/request_latencies", List.of(lat));
    Health h = source(Optional.of(2000.0), Map.of()).observe(NOW).get(US);
    assertEquals(new Health(Health.Status.UNHEALTHY, NOW.minusSeconds(60)), h);
  }

  @Test
  void requests_askForPerRegionMinutesOfTheService() {
    requests(US, "2xx", 100);
    source(Optional.empty(), Map.of(ASIA, "chk")).observe(NOW);
    ListTimeSeriesRequest traffic = requests.get(0);
    assertEquals("projects/demo-project", traffic.getName());
    assertEquals(
        "metric.type=\"run.googleapis.com/request_count\" AND resource.type=\"cloud_run_revision\""
            + " AND resource.labels.service_name=\"app\"",
        traffic.getFilter());
    assertEquals(
        List.of("resource.label.location", "metric.label.response_code_class"),
        traffic.getAggregation().getGroupByFieldsList());
    assertEquals(60, traffic.getAggregation().getAlignmentPeriod().getSeconds());
    assertEquals(
        NOW.minusSeconds(70 * 60).getEpochSecond(),
        traffic.getInterval().getStartTime().getSeconds());
    assertEquals(
        "metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\" AND (metric.labels.check_id=\"chk\")",
        requests.get(1).getFilter());
    assertEquals(
        List.of("metric.label.check_id", "metric.label.checker_location"),
        requests.get(1).getAggregation().getGroupByFieldsList());
  }

  @Test
  void monitoringUnavailable_reportsNoDataAndTheError_neverThrows() {
    metrics.failWith =
        Status.PERMISSION_DENIED.withDescription("monitoring.timeSeries.list denied");
    Map<Region, Health> h = source(Optional.empty(), Map.of()).observe(NOW);
    assertTrue(h.isEmpty());
    assertEquals(1, errors.size());
    assertTrue(
        errors.get(0).getMessage().contains("monitoring.timeSeries.list denied"),
        errors.get(0).getMessage());
  }
}
