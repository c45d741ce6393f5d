package dev.failover.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.Setting;
import dev.failover.core.domain.Subset;
import dev.failover.core.domain.SubsetWeights;
import dev.failover.core.domain.Topology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A model, not a measurement: how much round trip each failover mode adds to users on three
 * continents, against a plain global load balancer that sends everyone to their nearest region.
 *
 * <p>Client populations sit in twelve metros; the service runs in three of them. A request from
 * metro c served in region r costs the published round trip between c and r's metro (0 within a
 * metro); the added round trip is that minus the round trip to c's nearest region. Where requests
 * go is what the load balancer does with the settings the controller writes, taken from the
 * controller's own code: {@link Topology#configFor} for {@link Mode#URL_MAP_WEIGHTS} (the URL map
 * splits every client's requests by weight) and {@link Mode#BACKEND_MEMBERSHIP} (each client to the
 * nearest member), {@link SubsetWeights#weights} for {@link Mode#URL_MAP_SUBSETS} (the URL map
 * picks a subset by weight, the subset's backend service the nearest of its regions). Levels are
 * those the planner writes: 0 for a drain, the policy's ramp steps on the way back.
 *
 * <p>Round trips: IBM Cloud's published inter-region averages for 27 Sep–26 Oct 2025 (IBM Cloud
 * docs, "Network latency", VPC; source file {@code _include-segments/network-latency.md} of
 * github.com/ibm-cloud-docs/vpc), row = from, column = to. Another provider's backbone between the
 * same metros stands in for Google's, which publishes no such table: the absolute figures are
 * indicative, the comparison between modes is what the model is for. Google Cloud regions in those
 * metros: us-east4 (Ashburn, the Washington DC metro), europe-west3 (Frankfurt), asia-northeast1
 * (Tokyo).
 */
public final class GeographyModel {
  static final List<String> METROS =
      List.of(
          "Dallas",
          "Toronto",
          "Washington DC",
          "Frankfurt",
          "London",
          "Madrid",
          "Montreal",
          "Chennai",
          "Osaka",
          "Sydney",
          "Tokyo",
          "Sao Paulo");

  /** Average round trip in ms, row = from, column = to, in {@link #METROS} order. */
  static final int[][] RTT = {
    {0, 33, 31, 122, 113, 119, 42, 247, 150, 186, 143, 142},
    {35, 0, 19, 92, 82, 105, 10, 220, 160, 216, 152, 129},
    {32, 20, 0, 86, 75, 88, 16, 229, 161, 216, 155, 117},
    {122, 93, 86, 0, 13, 30, 89, 141, 232, 249, 224, 196},
    {112, 83, 76, 13, 0, 27, 79, 142, 243, 260, 236, 185},
    {118, 105, 89, 30, 27, 0, 102, 149, 257, 275, 250, 205},
    {42, 10, 16, 89, 79, 104, 0, 215, 165, 223, 158, 125},
    {247, 218, 238, 142, 138, 150, 220, 0, 108, 125, 100, 345},
    {150, 158, 160, 232, 243, 258, 165, 108, 0, 122, 9, 290},
    {185, 214, 216, 249, 260, 275, 224, 125, 123, 0, 116, 326},
    {143, 150, 153, 224, 236, 250, 159, 100, 9, 117, 0, 282},
    {142, 129, 120, 195, 185, 204, 126, 349, 289, 326, 283, 0}
  };

  /** Peak RPS of the users in each metro, in {@link #METROS} order. */
  static final int[] USERS = {150, 80, 200, 150, 150, 80, 50, 100, 80, 100, 150, 70};

  static final Region US = Region.of("us-east4");
  static final Region EU = Region.of("europe-west3");
  static final Region ASIA = Region.of("asia-northeast1");

  /** The metro each region stands in. */
  static final Map<Region, String> SITES =
      Map.of(US, "Washington DC", EU, "Frankfurt", ASIA, "Tokyo");

  private final int[][] rtt;
  private final int[] users;
  private final Map<Region, Integer> site;
  private final List<Region> regions;

  GeographyModel(int[][] rtt, int[] users, Map<Region, Integer> site) {
    this.rtt = rtt;
    this.users = users;
    this.site = site;
    this.regions = List.copyOf(new TreeSet<>(site.keySet()));
  }

  static GeographyModel published() {
    Map<Region, Integer> site = new LinkedHashMap<>();
    SITES.forEach((r, m) -> site.put(r, METROS.indexOf(m)));
    return new GeographyModel(RTT, USERS, site);
  }

  /** Mean and 95th percentile of the added round trip over all requests, in ms. */
  record Added(double mean, double p95) {}

  /** Where a request from metro {@code c} is served, per region, as shares summing to 1. */
  interface Routing {
    Map<Region, Double> shares(int client);
  }

  int rtt(int client, Region r) {
    return rtt[client][site.get(r)];
  }

  /** The region of {@code among} nearest to {@code client} (ties: by name). */
  Region nearest(int client, Set<Region> among) {
    return among.stream()
        .min(Comparator.comparingInt((Region r) -> rtt(client, r)).thenComparing(r -> r))
        .orElseThrow();
  }

  Added added(Routing routing) {
    List<double[]> mass = new ArrayList<>();
    double total = 0;
    double sum = 0;
    for (int c = 0; c < users.length; c++) {
      int base = rtt(c, nearest(c, Set.copyOf(regions)));
      for (Map.Entry<Region, Double> e : routing.shares(c).entrySet()) {
        double m = users[c] * e.getValue();
        double extra = rtt(c, e.getKey()) - base;
        mass.add(new double[] {extra, m});
        total += m;
        sum += extra * m;
      }
    }
    mass.sort(Comparator.comparingDouble(x -> x[0]));
    double seen = 0;
    double p95 = 0;
    for (double[] x : mass) {
      seen += x[1];
      p95 = x[0];
      if (seen >= 0.95 * total) {
        break;
      }
    }
    return new Added(sum / total, p95);
  }

  Topology topology(Mode mode) {
    String bs = "https://www.googleapis.com/compute/v1/projects/p/global/backendServices/app-";
    List<RegionSpec> specs = new ArrayList<>();
    for (Region r : regions) {
      int own = 0;
      for (int c = 0; c < users.length; c++) {
        if (nearest(c, Set.copyOf(regions)).equals(r)) {
          own += users[c];
        }
      }
      String backend = mode == Mode.URL_MAP_WEIGHTS ? bs + r : "neg-" + r;
      specs.add(RegionSpec.of(r, backend, own, 1000).withGeography(own, List.of()));
    }
    double expected = java.util.Arrays.stream(users).sum();
    if (mode != Mode.URL_MAP_SUBSETS) {
      return new Topology(mode, "p", "app", specs, expected);
    }
    List<Subset> subsets = new ArrayList<>();
    subsets.add(new Subset("all", bs + "all", Set.copyOf(regions)));
    for (Region out : regions) {
      Set<Region> rest = new TreeSet<>(regions);
      rest.remove(out);
      subsets.add(new Subset("all-but-" + out, bs + "all-but-" + out, rest));
    }
    return new Topology(mode, "p", "app", specs, expected, subsets);
  }

  /** Where requests go with the settings the controller writes for {@code levels}. */
  Routing routing(Mode mode, Map<Region, Integer> levels) {
    Topology t = topology(mode);
    return switch (mode) {
      case URL_MAP_WEIGHTS -> {
        LbConfig cfg = t.configFor(levels);
        Map<Region, Double> split = new LinkedHashMap<>();
        double sum = 0;
        for (Region r : regions) {
          sum += ((Setting.Weight) cfg.setting(r)).value();
        }
        for (Region r : regions) {
          split.put(r, ((Setting.Weight) cfg.setting(r)).value() / sum);
        }
        yield c -> split;
      }
      case BACKEND_MEMBERSHIP -> {
        LbConfig cfg = t.configFor(levels);
        Set<Region> members = new TreeSet<>();
        regions.stream().filter(r -> cfg.setting(r).serving()).forEach(members::add);
        yield c -> Map.of(nearest(c, members), 1.0);
      }
      case URL_MAP_SUBSETS -> {
        var w = (SubsetWeights.Weights) SubsetWeights.weights(t.subsets(), levels);
        yield c -> {
          Map<Region, Double> at = new LinkedHashMap<>();
          for (Subset s : t.subsets()) {
            int weight = w.byBackend().get(s.backend());
            if (weight > 0) {
              at.merge(nearest(c, s.regions()), weight / 1000.0, Double::sum);
            }
          }
          return at;
        };
      }
      case CAPACITY_SCALER -> throw new IllegalArgumentException("not modelled: " + mode);
    };
  }

  /** Every region at full, except {@code region} at {@code level}. */
  Map<Region, Integer> levels(Region region, int level) {
    Map<Region, Integer> levels = new LinkedHashMap<>();
    regions.forEach(r -> levels.put(r, r.equals(region) ? level : Topology.FULL));
    return levels;
  }

  static final List<Mode> MODES =
      List.of(Mode.URL_MAP_WEIGHTS, Mode.URL_MAP_SUBSETS, Mode.BACKEND_MEMBERSHIP);

  JsonObject report() {
    JsonObject out = new JsonObject();
    JsonArray rows = new JsonArray();
    rows.add(row("normal operation", levels(regions.get(0), Topology.FULL), false));
    List<Integer> ramp = Policy.defaults().rampSteps();
    for (Region r : regions) {
      rows.add(row(r + " drained", levels(r, 0), false));
      for (int step : ramp.subList(0, ramp.size() - 1)) {
        rows.add(row(r + " ramping at " + step / 10 + " %", levels(r, step), true));
      }
    }
    out.add("rows", rows);
    JsonArray clients = new JsonArray();
    for (int c = 0; c < users.length; c++) {
      JsonObject o = new JsonObject();
      o.addProperty("metro", METROS.get(c));
      o.addProperty("rps", users[c]);
      Region n = nearest(c, Set.copyOf(regions));
      o.addProperty("nearest", n.name());
      o.addProperty("rtt_ms", rtt(c, n));
      clients.add(o);
    }
    out.add("clients", clients);
    JsonObject sites = new JsonObject();
    regions.forEach(r -> sites.addProperty(r.name(), METROS.get(site.get(r))));
    out.add("sites", sites);
    JsonObject weights = new JsonObject();
    topology(Mode.URL_MAP_WEIGHTS)
        .regions()
        .forEach(s -> weights.addProperty(s.region().name(), s.baseWeight()));
    out.add("base_weights", weights);
    return out;
  }

  private JsonObject row(String scenario, Map<Region, Integer> levels, boolean ramp) {
    JsonObject row = new JsonObject();
    row.addProperty("scenario", scenario);
    for (Mode m : MODES) {
      if (ramp && m == Mode.BACKEND_MEMBERSHIP) {
        row.add(m.name(), JsonNull.INSTANCE);
        continue;
      }
      Added a = added(routing(m, levels));
      JsonObject o = new JsonObject();
      o.addProperty("mean_ms", a.mean());
      o.addProperty("p95_ms", a.p95());
      row.add(m.name(), o);
    }
    Set<Region> serving = new TreeSet<>();
    levels.forEach(
        (r, l) -> {
          if (l > 0) {
            serving.add(r);
          }
        });
    Added floor =
        added(
            c -> {
              Region own = nearest(c, Set.copyOf(regions));
              int l = levels.get(own);
              Map<Region, Double> at = new LinkedHashMap<>();
              if (l > 0) {
                at.put(own, l / 1000.0);
              }
              if (l < Topology.FULL) {
                Set<Region> others = new TreeSet<>(serving);
                others.remove(own);
                at.merge(nearest(c, others), 1 - l / 1000.0, Double::sum);
              }
              return at;
            });
    JsonObject o = new JsonObject();
    o.addProperty("mean_ms", floor.mean());
    o.addProperty("p95_ms", floor.p95());
    row.add("least", o);
    return row;
  }

  public static void main(String[] args) {
    System.out.println(published().report());
  }
}
