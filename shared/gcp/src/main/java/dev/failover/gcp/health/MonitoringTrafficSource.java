package dev.failover.gcp.health;

import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.ProjectName;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.protobuf.Timestamp;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.port.TrafficSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Request rates per region from the load balancer's own metric, {@code
 * loadbalancing.googleapis.com/https/backend_request_count}, summed per backend scope (the region
 * of the serverless NEG behind each backend) over one-minute windows ({@code ALIGN_RATE}, so
 * requests per second). Filtered to this controller's load balancer: the URL map in {@link
 * Mode#URL_MAP_WEIGHTS} mode, the backend service otherwise.
 *
 * <p>The metric has no point for a window without requests; a window in which another backend of
 * the load balancer has a point and a region has none counts as zero requests for that region (so a
 * drained backend that goes silent is seen as drained).
 *
 * <p>Read failures are reported to {@code onError} and answered as no data: the next tick asks
 * again, and a change that is never verified pages when its bound passes.
 */
public final class MonitoringTrafficSource implements TrafficSource {
  static final String METRIC = "loadbalancing.googleapis.com/https/backend_request_count";
  static final Duration ALIGNMENT = Duration.ofMinutes(1);

  private final Supplier<MetricServiceClient> clients;
  private final Topology topology;
  private final Set<Region> regions;
  private final Consumer<RuntimeException> onError;

  public MonitoringTrafficSource(
      Supplier<MetricServiceClient> clients,
      Topology topology,
      Consumer<RuntimeException> onError) {
    this.clients = clients;
    this.topology = topology;
    this.regions = Set.copyOf(topology.regionNames());
    this.onError = onError;
  }

  /** The Monitoring filter this source lists. */
  String filter() {
    String scope =
        topology.mode() == Mode.URL_MAP_WEIGHTS || topology.mode() == Mode.URL_MAP_SUBSETS
            ? "resource.label.url_map_name = \"" + topology.resource() + "\""
            : "resource.label.backend_target_name = \"" + topology.resource() + "\"";
    return "metric.type = \"" + METRIC + "\" AND resource.type = \"https_lb_rule\" AND " + scope;
  }

  @Override
  public Map<Region, List<TrafficSource.Point>> requestRates(Instant from, Instant to) {
    if (!to.isAfter(from)) {
      return Map.of();
    }
    ListTimeSeriesRequest req = request(from, to);
    // per region, per window end: the window's start and the summed rate (a region's zones, if its
    // backends are zonal, each come as a series of their own)
    Map<Region, TreeMap<Instant, double[]>> sums = new TreeMap<>();
    Map<Instant, Instant> windows = new TreeMap<>();
    try {
      for (TimeSeries s : clients.get().listTimeSeries(req).iterateAll()) {
        Optional<Region> region = region(s.getResource().getLabelsMap().get("backend_scope"));
        if (region.isEmpty()) {
          continue;
        }
        TreeMap<Instant, double[]> byEnd = sums.computeIfAbsent(region.get(), r -> new TreeMap<>());
        for (com.google.monitoring.v3.Point p : s.getPointsList()) {
          Instant end = instant(p.getInterval().getEndTime());
          Instant start =
              p.getInterval().hasStartTime()
                      && instant(p.getInterval().getStartTime()).isBefore(end)
                  ? instant(p.getInterval().getStartTime())
                  : end.minus(ALIGNMENT);
          double rps =
              p.getValue().hasDoubleValue()
                  ? p.getValue().getDoubleValue()
                  : p.getValue().getInt64Value();
          if (rps >= 0 && Double.isFinite(rps)) {
            windows.putIfAbsent(end, start);
            byEnd.computeIfAbsent(end, e -> new double[1])[0] += rps;
          }
        }
      }
    } catch (RuntimeException e) {
      onError.accept(e);
      return Map.of();
    }
    return withZeros(sums, windows);
  }

  /** Request rate per backend scope, aligned per minute, summed per scope. */
  private ListTimeSeriesRequest request(Instant from, Instant to) {
    return ListTimeSeriesRequest.newBuilder()
        .setName(ProjectName.of(topology.project()).toString())
        .setFilter(filter())
        .setInterval(TimeInterval.newBuilder().setStartTime(ts(from)).setEndTime(ts(to)).build())
        .setAggregation(
            Aggregation.newBuilder()
                .setAlignmentPeriod(
                    com.google.protobuf.Duration.newBuilder().setSeconds(ALIGNMENT.getSeconds()))
                .setPerSeriesAligner(Aggregation.Aligner.ALIGN_RATE)
                .setCrossSeriesReducer(Aggregation.Reducer.REDUCE_SUM)
                .addGroupByFields("resource.label.backend_scope"))
        .setView(ListTimeSeriesRequest.TimeSeriesView.FULL)
        .build();
  }

  /**
   * Every region's points over every window seen. The metric has no point for a window without
   * requests: a window in which another backend of this load balancer has a point, but this region
   * has none, had no request here: zero.
   */
  private Map<Region, List<TrafficSource.Point>> withZeros(
      Map<Region, TreeMap<Instant, double[]>> sums, Map<Instant, Instant> windows) {
    Map<Region, List<TrafficSource.Point>> out = new TreeMap<>();
    if (windows.isEmpty()) {
      return out;
    }
    for (Region r : topology.regionNames()) {
      TreeMap<Instant, double[]> byEnd = sums.getOrDefault(r, new TreeMap<>());
      List<TrafficSource.Point> points = new ArrayList<>();
      windows.forEach(
          (end, start) -> {
            double[] sum = byEnd.get(end);
            points.add(new TrafficSource.Point(start, end, sum == null ? 0 : sum[0]));
          });
      out.put(r, points);
    }
    return out;
  }

  /**
   * The region of a backend scope: serverless NEGs report their region, zonal backends their zone
   * ({@code us-central1-a}), which belongs to its region.
   */
  private Optional<Region> region(String scope) {
    if (scope == null) {
      return Optional.empty();
    }
    String name = scope.matches(".*\\d-[a-z]") ? scope.substring(0, scope.length() - 2) : scope;
    try {
      Region r = Region.of(name);
      return regions.contains(r) ? Optional.of(r) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
