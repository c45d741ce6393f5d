package dev.failover.gcp.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.MonitoredResource;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.monitoring.v3.TypedValue;
import com.google.protobuf.Timestamp;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.Topology;
import dev.failover.core.port.TrafficSource;
import io.grpc.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The load balancer's request rates per region, read from a fake Metric service over gRPC. */
class MonitoringTrafficSourceTest {
  static final Instant NOW = Instant.parse("2026-11-01T12:30:00Z");
  static final Region US = Region.of("us-central1");
  static final Region EU = Region.of("europe-west1");
  static final String BS =
      "https://www.googleapis.com/compute/v1/projects/demo-project/global/backendServices/app-";

  final List<TimeSeries> answer = new CopyOnWriteArrayList<>();
  final List<RuntimeException> errors = new ArrayList<>();
  MetricServiceFake metrics;
  List<ListTimeSeriesRequest> requests;

  @BeforeEach
  void start() throws Exception {
    metrics = new MetricServiceFake();
    metrics.answer = req -> answer;
    requests = metrics.requests;
  }

  @AfterEach
  void stop() {
    metrics.close();
  }

  static Topology topology(Mode mode, String resource) {
    return new Topology(
        mode,
        "demo-project",
        resource,
        List.of(RegionSpec.of(US, BS + US, 100, 1000), RegionSpec.of(EU, BS + EU, 100, 1000)),
        1500);
  }

  MonitoringTrafficSource source(Topology t) {
    return new MonitoringTrafficSource(() -> metrics.client, t, errors::add);
  }

  static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).build();
  }

  /** A series for one backend scope with rates for windows ending {@code minutesAgo}. */
  static TimeSeries series(String scope, double[] rates, int... minutesAgo) {
    TimeSeries.Builder s =
        TimeSeries.newBuilder()
            .setResource(
                MonitoredResource.newBuilder()
                    .setType("https_lb_rule")
                    .putLabels("backend_scope", scope));
    for (int i = 0; i < rates.length; i++) {
      Instant end = NOW.minusSeconds(60L * minutesAgo[i]);
      s.addPoints(
          Point.newBuilder()
              .setInterval(
                  TimeInterval.newBuilder()
                      .setStartTime(ts(end.minusSeconds(60)))
                      .setEndTime(ts(end)))
              .setValue(TypedValue.newBuilder().setDoubleValue(rates[i])));
    }
    return s.build();
  }

  @Test
  void asksForTheRequestRateOfThisUrlMap_perBackendScope_inOneMinuteWindows() {
    source(topology(Mode.URL_MAP_WEIGHTS, "app-url-map")).requestRates(NOW.minusSeconds(600), NOW);
    ListTimeSeriesRequest req = requests.get(0);
    assertEquals("projects/demo-project", req.getName());
    assertEquals(
        "metric.type = \"loadbalancing.googleapis.com/https/backend_request_count\" AND"
            + " resource.type = \"https_lb_rule\" AND resource.label.url_map_name ="
            + " \"app-url-map\"",
        req.getFilter());
    assertEquals(Aggregation.Aligner.ALIGN_RATE, req.getAggregation().getPerSeriesAligner());
    assertEquals(Aggregation.Reducer.REDUCE_SUM, req.getAggregation().getCrossSeriesReducer());
    assertEquals(
        List.of("resource.label.backend_scope"), req.getAggregation().getGroupByFieldsList());
    assertEquals(60, req.getAggregation().getAlignmentPeriod().getSeconds());
    assertEquals(
        NOW.minusSeconds(600).getEpochSecond(), req.getInterval().getStartTime().getSeconds());
    assertEquals(NOW.getEpochSecond(), req.getInterval().getEndTime().getSeconds());
  }

  @Test
  void backendServiceModes_filterByTheBackendService() {
    source(topology(Mode.BACKEND_MEMBERSHIP, "app-backend"))
        .requestRates(NOW.minusSeconds(600), NOW);
    assertTrue(
        requests
            .get(0)
            .getFilter()
            .endsWith("resource.label.backend_target_name = \"app-backend\""),
        requests.get(0).getFilter());
  }

  @Test
  void pointsComeBackPerRegionOldestFirst_unknownScopesIgnored() {
    answer.add(series("us-central1", new double[] {0.0, 212.5}, 1, 3));
    answer.add(series("europe-west1", new double[] {180.25}, 2));
    answer.add(series("global", new double[] {5}, 1));
    answer.add(series("mars-north1", new double[] {5}, 1));
    Map<Region, List<TrafficSource.Point>> r =
        source(topology(Mode.URL_MAP_WEIGHTS, "app-url-map"))
            .requestRates(NOW.minusSeconds(600), NOW);
    assertEquals(
        List.of(
            new TrafficSource.Point(NOW.minusSeconds(240), NOW.minusSeconds(180), 212.5),
            new TrafficSource.Point(NOW.minusSeconds(180), NOW.minusSeconds(120), 0),
            new TrafficSource.Point(NOW.minusSeconds(120), NOW.minusSeconds(60), 0.0)),
        r.get(US));
    assertEquals(
        List.of(
            new TrafficSource.Point(NOW.minusSeconds(240), NOW.minusSeconds(180), 0),
            new TrafficSource.Point(NOW.minusSeconds(180), NOW.minusSeconds(120), 180.25),
            new TrafficSource.Point(NOW.minusSeconds(120), NOW.minusSeconds(60), 0)),
        r.get(EU));
    assertEquals(2, r.size());
  }

  @Test
  void aWindowWithoutAPointForARegion_whileOthersHaveOne_isZeroRequests() {
    // us-central1 was drained: its last point is 3 minutes ago; europe-west1 took the traffic
    answer.add(series("us-central1", new double[] {212.5}, 3));
    answer.add(series("europe-west1", new double[] {180.0, 390.0, 392.5}, 3, 2, 1));
    Map<Region, List<TrafficSource.Point>> r =
        source(topology(Mode.URL_MAP_WEIGHTS, "app-url-map"))
            .requestRates(NOW.minusSeconds(600), NOW);
    assertEquals(
        List.of(
            new TrafficSource.Point(NOW.minusSeconds(240), NOW.minusSeconds(180), 212.5),
            new TrafficSource.Point(NOW.minusSeconds(180), NOW.minusSeconds(120), 0),
            new TrafficSource.Point(NOW.minusSeconds(120), NOW.minusSeconds(60), 0)),
        r.get(US));
  }

  @Test
  void zonalBackends_countForTheirRegion_summedOverItsZones() {
    answer.add(series("europe-west1-b", new double[] {120.0}, 1));
    answer.add(series("europe-west1-c", new double[] {0.5}, 1));
    Map<Region, List<TrafficSource.Point>> r =
        source(topology(Mode.URL_MAP_WEIGHTS, "app-url-map"))
            .requestRates(NOW.minusSeconds(600), NOW);
    assertEquals(
        List.of(new TrafficSource.Point(NOW.minusSeconds(120), NOW.minusSeconds(60), 120.5)),
        r.get(EU));
  }

  @Test
  void aFailedRead_isNoDataAndReported() {
    metrics.failWith =
        Status.PERMISSION_DENIED.withDescription("monitoring.timeSeries.list denied");
    Map<Region, List<TrafficSource.Point>> r =
        source(topology(Mode.URL_MAP_WEIGHTS, "app-url-map"))
            .requestRates(NOW.minusSeconds(600), NOW);
    assertEquals(Map.of(), r);
    assertEquals(1, errors.size());
    assertTrue(
        errors.get(0).getMessage().contains("PERMISSION_DENIED"), errors.get(0).getMessage());
  }
}
