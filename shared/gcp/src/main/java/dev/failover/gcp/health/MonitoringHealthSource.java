package dev.failover.gcp.health;

import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.ProjectName;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.monitoring.v3.TypedValue;
import com.google.protobuf.Timestamp;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Region;
import dev.failover.core.port.HealthSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Health per region from Cloud Monitoring, per minute over a lookback window:
 *
 * <ul>
 *   <li>traffic: {@code run.googleapis.com/request_count} of the Cloud Run service ({@code
 *       cloud_run_revision}, grouped by {@code resource.label.location} and {@code
 *       metric.label.response_code_class}); a minute with at least {@code minRequests} requests is
 *       unhealthy when the 5xx share passes {@code max5xxRatio}, else healthy;
 *   <li>latency (optional): p95 of {@code run.googleapis.com/request_latencies} above {@code
 *       maxP95} makes a minute unhealthy;
 *   <li>uptime checks (optional, one per region): {@code
 *       monitoring.googleapis.com/uptime_check/check_passed} per checker location and minute; a
 *       minute is unhealthy when the check failed from at least {@code uptimeFailingLocations}
 *       locations (one failed probe from one of the ~6 locations is the internet, not the region),
 *       healthy when a location passed and fewer failed, else no evidence. A drained region
 *       receives no traffic, so without uptime checks it can only ever have no data, and is never
 *       restored.
 * </ul>
 *
 * A minute is unhealthy if any signal says so, healthy if one says healthy and none unhealthy, and
 * without evidence otherwise. The region's status is that of its newest minute with evidence, if
 * that minute is no older than {@code freshness} (else NO_DATA); {@code since} is the start of the
 * unbroken run of minutes with that status (a gap longer than {@code maxGap} breaks it).
 *
 * <p>If Monitoring cannot be read, every region is reported without data: restores and ramps wait,
 * drains (driven by incidents, builds and commands) go on. The failure is reported to {@code
 * onError}.
 */
public final class MonitoringHealthSource implements HealthSource {

  /** The knobs. */
  public record Settings(
      String project,
      String service,
      double max5xxRatio,
      long minRequests,
      Optional<Double> maxP95Millis,
      Map<Region, String> uptimeChecks,
      int uptimeFailingLocations,
      Duration lookback,
      Duration alignment,
      Duration freshness,
      Duration maxGap) {
    public Settings {
      Objects.requireNonNull(project);
      Objects.requireNonNull(service);
      uptimeChecks = Map.copyOf(uptimeChecks);
      if (uptimeFailingLocations < 1) {
        throw new IllegalArgumentException(
            "uptimeFailingLocations must be at least 1, got " + uptimeFailingLocations);
      }
    }

    public static Settings defaults(
        String project, String service, Map<Region, String> uptimeChecks) {
      return new Settings(
          project,
          service,
          0.05,
          5,
          Optional.empty(),
          uptimeChecks,
          2,
          Duration.ofMinutes(70),
          Duration.ofMinutes(1),
          Duration.ofMinutes(5),
          Duration.ofMinutes(3));
    }
  }

  private enum Evidence {
    HEALTHY,
    UNHEALTHY
  }

  private final java.util.function.Supplier<MetricServiceClient> clients;
  private volatile MetricServiceClient client;
  private final Settings settings;
  private final Set<Region> regions;
  private final Consumer<RuntimeException> onError;

  public MonitoringHealthSource(
      MetricServiceClient client,
      Settings settings,
      Set<Region> regions,
      Consumer<RuntimeException> onError) {
    this(() -> client, settings, regions, onError);
  }

  /**
   * Creates the client on first use (not at cold start); a failure to create it is a read failure.
   */
  public static MonitoringHealthSource lazy(
      java.util.function.Supplier<MetricServiceClient> clients,
      Settings settings,
      Set<Region> regions,
      Consumer<RuntimeException> onError) {
    return new MonitoringHealthSource(clients, settings, regions, onError);
  }

  private MonitoringHealthSource(
      java.util.function.Supplier<MetricServiceClient> clients,
      Settings settings,
      Set<Region> regions,
      Consumer<RuntimeException> onError) {
    this.clients = clients;
    this.settings = settings;
    this.regions = Set.copyOf(regions);
    this.onError = onError;
  }

  @Override
  public Map<Region, Health> observe(Instant now) {
    Map<Region, TreeMap<Instant, Evidence>> evidence = new HashMap<>();
    regions.forEach(r -> evidence.put(r, new TreeMap<>()));
    try {
      if (client == null) {
        client = clients.get();
      }
      traffic(now, evidence);
      settings.maxP95Millis().ifPresent(max -> latency(now, max, evidence));
      if (!settings.uptimeChecks().isEmpty()) {
        uptime(now, evidence);
      }
    } catch (RuntimeException e) {
      onError.accept(e);
      return Map.of();
    }
    Map<Region, Health> out = new TreeMap<>();
    for (Region r : regions) {
      out.put(r, verdict(evidence.get(r), now));
    }
    return out;
  }

  private Health verdict(TreeMap<Instant, Evidence> minutes, Instant now) {
    if (minutes.isEmpty()) {
      return Health.noData(now.minus(settings.lookback()));
    }
    Map.Entry<Instant, Evidence> newest = minutes.lastEntry();
    if (newest.getKey().isBefore(now.minus(settings.freshness()))) {
      return Health.noData(newest.getKey());
    }
    Evidence status = newest.getValue();
    Instant start = newest.getKey();
    for (Map.Entry<Instant, Evidence> e :
        minutes.headMap(newest.getKey(), false).descendingMap().entrySet()) {
      if (e.getValue() != status || e.getKey().plus(settings.maxGap()).isBefore(start)) {
        break;
      }
      start = e.getKey();
    }
    Instant since = start.minus(settings.alignment());
    return new Health(
        status == Evidence.HEALTHY ? Health.Status.HEALTHY : Health.Status.UNHEALTHY, since);
  }

  private void traffic(Instant now, Map<Region, TreeMap<Instant, Evidence>> evidence) {
    Map<Region, Map<Instant, long[]>> counts = new HashMap<>(); // [total, 5xx]
    for (TimeSeries ts :
        list(
            now,
            "metric.type=\"run.googleapis.com/request_count\" AND resource.type=\"cloud_run_revision\""
                + " AND resource.labels.service_name=\""
                + settings.service()
                + "\"",
            Aggregation.Aligner.ALIGN_DELTA,
            Aggregation.Reducer.REDUCE_SUM,
            List.of("resource.label.location", "metric.label.response_code_class"))) {
      Optional<Region> r = region(ts.getResource().getLabelsMap().get("location"));
      if (r.isEmpty()) {
        continue;
      }
      boolean fivexx = "5xx".equals(ts.getMetric().getLabelsMap().get("response_code_class"));
      for (Point p : ts.getPointsList()) {
        long[] c =
            counts
                .computeIfAbsent(r.get(), k -> new HashMap<>())
                .computeIfAbsent(end(p), k -> new long[2]);
        long n = Math.round(number(p.getValue()));
        c[0] += n;
        if (fivexx) {
          c[1] += n;
        }
      }
    }
    counts.forEach(
        (r, byMinute) ->
            byMinute.forEach(
                (t, c) -> {
                  if (c[0] >= settings.minRequests()) {
                    boolean bad = (double) c[1] / c[0] > settings.max5xxRatio();
                    add(evidence.get(r), t, bad ? Evidence.UNHEALTHY : Evidence.HEALTHY);
                  }
                }));
  }

  private void latency(
      Instant now, double maxMillis, Map<Region, TreeMap<Instant, Evidence>> evidence) {
    for (TimeSeries ts :
        list(
            now,
            "metric.type=\"run.googleapis.com/request_latencies\" AND resource.type=\"cloud_run_revision\""
                + " AND resource.labels.service_name=\""
                + settings.service()
                + "\"",
            Aggregation.Aligner.ALIGN_DELTA,
            Aggregation.Reducer.REDUCE_PERCENTILE_95,
            List.of("resource.label.location"))) {
      Optional<Region> r = region(ts.getResource().getLabelsMap().get("location"));
      if (r.isEmpty()) {
        continue;
      }
      for (Point p : ts.getPointsList()) {
        if (number(p.getValue()) > maxMillis) {
          add(evidence.get(r.get()), end(p), Evidence.UNHEALTHY);
        }
      }
    }
  }

  private void uptime(Instant now, Map<Region, TreeMap<Instant, Evidence>> evidence) {
    Map<Region, Map<Instant, int[]>> probes = new HashMap<>();
    Map<String, Region> byCheck = new HashMap<>();
    settings.uptimeChecks().forEach((r, id) -> byCheck.put(id, r));
    StringBuilder ids = new StringBuilder();
    for (String id : byCheck.keySet()) {
      ids.append(ids.length() == 0 ? "" : " OR ")
          .append("metric.labels.check_id=\"")
          .append(id)
          .append('"');
    }
    for (TimeSeries ts :
        list(
            now,
            "metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\" AND (" + ids + ")",
            Aggregation.Aligner.ALIGN_FRACTION_TRUE,
            Aggregation.Reducer.REDUCE_MEAN,
            List.of("metric.label.check_id", "metric.label.checker_location"))) {
      Region r = byCheck.get(ts.getMetric().getLabelsMap().get("check_id"));
      if (r == null || !regions.contains(r)) {
        continue;
      }
      Map<Instant, int[]> minutes = probes.computeIfAbsent(r, k -> new TreeMap<>());
      for (Point p : ts.getPointsList()) {
        int[] passedFailed = minutes.computeIfAbsent(end(p), k -> new int[2]);
        passedFailed[number(p.getValue()) >= 1 - 1e-9 ? 0 : 1]++;
      }
    }
    probes.forEach(
        (r, minutes) ->
            minutes.forEach(
                (t, passedFailed) -> {
                  if (passedFailed[1] >= settings.uptimeFailingLocations()) {
                    add(evidence.get(r), t, Evidence.UNHEALTHY);
                  } else if (passedFailed[0] > 0) {
                    add(evidence.get(r), t, Evidence.HEALTHY);
                  }
                }));
  }

  /** Unhealthy evidence wins over healthy for the same minute. */
  private static void add(TreeMap<Instant, Evidence> minutes, Instant t, Evidence e) {
    minutes.merge(
        t,
        e,
        (a, b) ->
            a == Evidence.UNHEALTHY || b == Evidence.UNHEALTHY
                ? Evidence.UNHEALTHY
                : Evidence.HEALTHY);
  }

  private Iterable<TimeSeries> list(
      Instant now,
      String filter,
      Aggregation.Aligner aligner,
      Aggregation.Reducer reducer,
      List<String> groupBy) {
    ListTimeSeriesRequest req =
        ListTimeSeriesRequest.newBuilder()
            .setName(ProjectName.of(settings.project()).toString())
            .setFilter(filter)
            .setInterval(
                TimeInterval.newBuilder()
                    .setStartTime(ts(now.minus(settings.lookback())))
                    .setEndTime(ts(now)))
            .setAggregation(
                Aggregation.newBuilder()
                    .setAlignmentPeriod(
                        com.google.protobuf.Duration.newBuilder()
                            .setSeconds(settings.alignment().getSeconds()))
                    .setPerSeriesAligner(aligner)
                    .setCrossSeriesReducer(reducer)
                    .addAllGroupByFields(groupBy))
            .setView(ListTimeSeriesRequest.TimeSeriesView.FULL)
            .build();
    List<TimeSeries> out = new ArrayList<>();
    client.listTimeSeries(req).iterateAll().forEach(out::add);
    return out;
  }

  private Optional<Region> region(String location) {
    if (location == null) {
      return Optional.empty();
    }
    return regions.stream().filter(r -> r.name().equals(location)).findFirst();
  }

  private static Instant end(Point p) {
    Timestamp t = p.getInterval().getEndTime();
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static double number(TypedValue v) {
    return switch (v.getValueCase()) {
      case INT64_VALUE -> v.getInt64Value();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case BOOL_VALUE -> v.getBoolValue() ? 1 : 0;
      default -> 0;
    };
  }

  private static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
