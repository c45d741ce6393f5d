package dev.failover.gcp.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.cloud.compute.v1.BackendService;
import com.google.cloud.compute.v1.BackendServicesClient;
import com.google.cloud.compute.v1.UrlMap;
import com.google.cloud.compute.v1.UrlMapsClient;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.Setting;
import dev.failover.core.domain.Topology;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.PermanentException;
import dev.failover.core.port.StaleFingerprintException;
import dev.failover.core.port.TransientException;
import dev.failover.fake.compute.ComputeFake;
import dev.failover.fake.compute.ComputeFake.Call;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The Compute adapters, with the real google-cloud-compute client, against the Compute fake. */
class ComputeLoadBalancerTest {
  static final String PROJECT = "demo-project";
  static final Region US = Region.of("us-central1");
  static final Region EU = Region.of("europe-west1");
  static final Region ASIA = Region.of("asia-east1");
  static final List<Region> REGIONS = List.of(US, EU, ASIA);
  static final String BS =
      "https://www.googleapis.com/compute/v1/projects/demo-project/global/backendServices/app-";
  static final String NEG = "https://www.googleapis.com/compute/v1/projects/demo-project/regions/";

  ComputeFake fake;
  ComputeClients.Settings settings;

  @BeforeEach
  void start() throws Exception {
    fake = ComputeFake.start();
    settings = ComputeClients.Settings.fake(fake.endpoint());
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  static String neg(Region r) {
    return NEG + r + "/networkEndpointGroups/app-" + r;
  }

  static Topology topology(Mode mode) {
    return new Topology(
        mode,
        PROJECT,
        mode == Mode.URL_MAP_WEIGHTS ? "app-url-map" : "app-backend",
        REGIONS.stream()
            .map(r -> RegionSpec.of(r, mode == Mode.URL_MAP_WEIGHTS ? BS + r : neg(r), 100, 1000))
            .toList(),
        1500);
  }

  static LbConfig weights(int us, int eu, int asia) {
    return new LbConfig(
        Mode.URL_MAP_WEIGHTS,
        Map.of(
            US,
            new Setting.Weight(us),
            EU,
            new Setting.Weight(eu),
            ASIA,
            new Setting.Weight(asia)));
  }

  static JsonObject json(String s) {
    return JsonParser.parseString(s).getAsJsonObject();
  }

  static String wbs(int w) {
    return "[{\"backendService\":\""
        + BS
        + "us-central1\",\"weight\":"
        + w
        + "},"
        + "{\"backendService\":\""
        + BS
        + "europe-west1\",\"weight\":"
        + w
        + "},"
        + "{\"backendService\":\""
        + BS
        + "asia-east1\",\"weight\":"
        + w
        + "}]";
  }

  @Nested
  class UrlMapWeights {
    UrlMapsClient client;
    UrlMapLoadBalancer lb;

    @BeforeEach
    void setUp() {
      fake.putUrlMap(
          PROJECT,
          "app-url-map",
          json(
              "{\"defaultRouteAction\":{\"weightedBackendServices\":"
                  + wbs(100)
                  + ","
                  + "\"timeout\":{\"seconds\":\"30\"}},"
                  + "\"hostRules\":[{\"hosts\":[\"*\"],\"pathMatcher\":\"api\"}],"
                  + "\"pathMatchers\":[{\"name\":\"api\",\"defaultRouteAction\":{\"weightedBackendServices\":"
                  + wbs(100)
                  + "}},{\"name\":\"static\",\"defaultService\":\""
                  + BS
                  + "us-central1\"}]}"));
      client = ComputeClients.urlMaps(settings);
      lb =
          new UrlMapLoadBalancer(
              client, topology(Mode.URL_MAP_WEIGHTS), Set.of("api"), Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
      client.close();
    }

    @Test
    void read_returnsEachRegionsWeightAndTheFingerprint() {
      LoadBalancer.Observed o = lb.read();
      assertEquals(weights(100, 100, 100), o.config());
      assertEquals(
          fake.urlMap(PROJECT, "app-url-map").get("fingerprint").getAsString(), o.fingerprint());
    }

    @Test
    void apply_waitsForTheOperationOnlyAsLongAsTheReconcileAllows() {
      // the operation runs for 12 polls (about 2.6 s at the fake's 10 ms x 1.5 polling)
      fake.operationPolls(12);
      LoadBalancer.Observed o = lb.read();
      assertThrows(
          dev.failover.core.port.TransientException.class,
          () -> lb.apply(weights(0, 100, 100), o.fingerprint(), Map.of(), Duration.ofMillis(200)));
      assertEquals(1, fake.count(Call.PATCH), "the PATCH went out; only the wait was cut short");
      // the same operation, given the adapter's own wait (5 s), is seen through to the end
      fake.operationPolls(12);
      LoadBalancer.Observed again = lb.read();
      assertTrue(
          lb.apply(weights(0, 100, 100), again.fingerprint(), Map.of()).operation().isPresent());
    }

    @Test
    void apply_patchesWeightsEverywhereAndKeepsTheRest_withOneGetAndOnePatch() {
      LoadBalancer.Observed o = lb.read();
      lb.apply(weights(0, 100, 100), o.fingerprint(), Map.of());
      assertEquals(1, fake.count(Call.GET));
      assertEquals(1, fake.count(Call.PATCH));
      JsonObject um = fake.urlMap(PROJECT, "app-url-map");
      assertEquals(json("{\"x\":" + wbs(100) + "}").getAsJsonArray("x").size(), 3);
      assertEquals(
          0,
          um.getAsJsonObject("defaultRouteAction")
              .getAsJsonArray("weightedBackendServices")
              .get(0)
              .getAsJsonObject()
              .get("weight")
              .getAsInt());
      assertEquals(
          "30",
          um.getAsJsonObject("defaultRouteAction")
              .getAsJsonObject("timeout")
              .get("seconds")
              .getAsString());
      JsonObject api = um.getAsJsonArray("pathMatchers").get(0).getAsJsonObject();
      assertEquals(
          0,
          api.getAsJsonObject("defaultRouteAction")
              .getAsJsonArray("weightedBackendServices")
              .get(0)
              .getAsJsonObject()
              .get("weight")
              .getAsInt());
      JsonObject stat = um.getAsJsonArray("pathMatchers").get(1).getAsJsonObject();
      assertEquals(BS + "us-central1", stat.get("defaultService").getAsString());
      assertEquals(1, um.getAsJsonArray("hostRules").size());
      assertEquals(weights(0, 100, 100), lb.read().config());
      assertEquals(1, fake.writes().size());
    }

    @Test
    void apply_staleFingerprint_isStaleFingerprintException() {
      LoadBalancer.Observed o = lb.read();
      fake.raceNextPatches(1);
      StaleFingerprintException e =
          assertThrows(
              StaleFingerprintException.class,
              () -> lb.apply(weights(0, 100, 100), o.fingerprint(), Map.of()));
      assertTrue(e.getMessage().startsWith("PATCH urlMaps/app-url-map: HTTP 412"), e.getMessage());
      assertTrue(
          e.getCause() instanceof com.google.api.gax.rpc.ApiException,
          "the client's exception is kept as the cause: " + e.getCause());
      assertEquals(0, fake.writes().size());
    }

    @Test
    void apply_rateLimitAs403_orResourceNotReadyAs400_isTransient_byItsReason() {
      LoadBalancer.Observed o = lb.read();
      fake.failNext(Call.PATCH, 403, "Rate Limit Exceeded", "rateLimitExceeded");
      assertThrows(
          TransientException.class,
          () -> lb.apply(weights(0, 100, 100), o.fingerprint(), Map.of()));
      LoadBalancer.Observed o2 = lb.read();
      fake.failNext(Call.PATCH, 400, "The resource 'app-url-map' is not ready", "resourceNotReady");
      assertThrows(
          TransientException.class,
          () -> lb.apply(weights(0, 100, 100), o2.fingerprint(), Map.of()));
      LoadBalancer.Observed o3 = lb.read();
      fake.failNext(Call.PATCH, 403, "Required 'compute.urlMaps.update' permission", "forbidden");
      assertThrows(
          dev.failover.core.port.PermanentException.class,
          () -> lb.apply(weights(0, 100, 100), o3.fingerprint(), Map.of()));
      assertEquals(3, fake.faultsServed());
      assertEquals(0, fake.writes().size());
    }

    @Test
    void apply_throttledOrUnavailable_isTransient() {
      LoadBalancer.Observed o = lb.read();
      fake.failNext(Call.PATCH, 429, "Rate Limit Exceeded");
      assertThrows(
          TransientException.class,
          () -> lb.apply(weights(0, 100, 100), o.fingerprint(), Map.of()));
      LoadBalancer.Observed o2 = lb.read();
      fake.failNext(Call.PATCH, 503, "Backend Error");
      assertThrows(
          TransientException.class,
          () -> lb.apply(weights(0, 100, 100), o2.fingerprint(), Map.of()));
      assertEquals(0, fake.writes().size());
    }

    @Test
    void read_retriesA503ThenSucceeds() {
      fake.failNext(Call.GET, 503, "Backend Error");
      assertEquals(weights(100, 100, 100), lb.read().config());
      assertEquals(2, fake.count(Call.GET));
    }

    @Test
    void read_forbidden_isPermanent() {
      fake.failNext(Call.GET, 403, "Required 'compute.urlMaps.get' permission");
      PermanentException e = assertThrows(PermanentException.class, () -> lb.read());
      assertTrue(e.getMessage().startsWith("GET urlMaps/app-url-map: HTTP 403"), e.getMessage());
    }

    @Test
    void apply_waitsForARunningOperation() {
      fake.operationPolls(3);
      LoadBalancer.Observed o = lb.read();
      LoadBalancer.Written w = lb.apply(weights(0, 100, 100), o.fingerprint(), Map.of());
      assertTrue(w.operation().orElseThrow().startsWith("operation-"), w.toString());
      assertTrue(w.fingerprint().isEmpty(), "Compute does not return the new fingerprint");
      assertEquals(3, fake.count(Call.OPERATION));
    }

    @Test
    void apply_failedOperation_surfacesItsErrorAndWritesNothing() {
      fake.failNextOperation(400, "BAD REQUEST");
      LoadBalancer.Observed o = lb.read();
      PermanentException e =
          assertThrows(
              PermanentException.class,
              () -> lb.apply(weights(0, 100, 100), o.fingerprint(), Map.of()));
      assertTrue(e.getMessage().contains("BAD REQUEST"), e.getMessage());
      assertEquals(weights(100, 100, 100), lb.read().config());
    }

    @Test
    void apply_operationFailedWith412_isStale() {
      fake.failNextOperation(412, "PRECONDITION FAILED");
      LoadBalancer.Observed o = lb.read();
      assertThrows(
          StaleFingerprintException.class,
          () -> lb.apply(weights(0, 100, 100), o.fingerprint(), Map.of()));
    }

    @Test
    void apply_slowResponses_stillComplete() {
      fake.delayNext(Call.GET, Duration.ofMillis(300));
      fake.delayNext(Call.PATCH, Duration.ofMillis(300));
      LoadBalancer.Observed o = lb.read();
      lb.apply(weights(0, 100, 100), o.fingerprint(), Map.of());
      assertEquals(1, fake.writes().size());
    }

    @Test
    void aRegionTheUrlMapDoesNotList_readsAsWeightZero_andTheNextWriteAddsIt() {
      // regions added in Terraform: their backend services exist, the route action is ours
      String usOnly = "[{\"backendService\":\"" + BS + "us-central1\",\"weight\":100}]";
      fake.putUrlMap(
          PROJECT,
          "app-url-map",
          json(
              "{\"defaultRouteAction\":{\"weightedBackendServices\":"
                  + usOnly
                  + "},\"pathMatchers\":[{\"name\":\"api\",\"defaultRouteAction\":"
                  + "{\"weightedBackendServices\":"
                  + usOnly
                  + "}}]}"));
      LoadBalancer.Observed o = lb.read();
      assertEquals(weights(100, 0, 0), o.config());
      lb.apply(weights(100, 0, 10), o.fingerprint(), Map.of());
      JsonObject written = fake.urlMap(PROJECT, "app-url-map");
      JsonArray listed =
          written.getAsJsonObject("defaultRouteAction").getAsJsonArray("weightedBackendServices");
      assertEquals(3, listed.size(), listed.toString());
      JsonArray api =
          written
              .getAsJsonArray("pathMatchers")
              .get(0)
              .getAsJsonObject()
              .getAsJsonObject("defaultRouteAction")
              .getAsJsonArray("weightedBackendServices");
      assertEquals(3, api.size(), "the path matcher's route action too: " + api);
      assertEquals(weights(100, 0, 10), lb.read().config());
    }

    @Test
    void aUrlMapListingNoneOfTheTopologysBackends_isPermanentAndNamesThem() {
      fake.putUrlMap(
          PROJECT,
          "app-url-map",
          json(
              "{\"defaultRouteAction\":{\"weightedBackendServices\":[{\"backendService\":\""
                  + BS
                  + "other\",\"weight\":1}]}}"));
      PermanentException e = assertThrows(PermanentException.class, () -> lb.read());
      assertTrue(
          e.getMessage()
              .startsWith(
                  "URL map app-url-map lists none of the topology's backend services in"
                      + " defaultRouteAction: ["),
          e.getMessage());
    }

    @Test
    void fake_rejectsWeightsOutOfRangeAndAllZero_asTheApiDoes() throws Exception {
      String fp = client.get(PROJECT, "app-url-map").getFingerprint();
      UrlMap bad =
          UrlMap.newBuilder()
              .setFingerprint(fp)
              .setDefaultRouteAction(
                  client.get(PROJECT, "app-url-map").getDefaultRouteAction().toBuilder()
                      .setWeightedBackendServices(
                          0,
                          client
                              .get(PROJECT, "app-url-map")
                              .getDefaultRouteAction()
                              .getWeightedBackendServices(0)
                              .toBuilder()
                              .setWeight(1001)))
              .build();
      ExecutionException e =
          assertThrows(
              ExecutionException.class, () -> client.patchAsync(PROJECT, "app-url-map", bad).get());
      assertTrue(e.getCause() instanceof InvalidArgumentException, e.getCause().toString());
      assertEquals(
          "Invalid value for field 'resource.defaultRouteAction.weightedBackendServices[0].weight':"
              + " '1001'. Must be in range [0, 1000].",
          ComputeErrors.message((InvalidArgumentException) e.getCause()));
    }

    @Test
    void fake_requiresAFingerprint() {
      UrlMap noFp = UrlMap.newBuilder().setDescription("x").build();
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () -> client.patchAsync(PROJECT, "app-url-map", noFp).get());
      assertEquals(
          "Required field 'resource.fingerprint' not specified",
          ComputeErrors.message((com.google.api.gax.rpc.ApiException) e.getCause()));
    }
  }

  /** The subset backend services of the subsets layout: all, then all-but-X in REGIONS order. */
  static final List<String> SUBSETS =
      List.of("all", "all-but-us-central1", "all-but-europe-west1", "all-but-asia-east1");

  /** The subsets layout: the URL map app-url-map over {@link #SUBSETS}, a NEG per region. */
  static Topology subsetsTopology(double expectedRps) {
    List<dev.failover.core.domain.Subset> subsets = new java.util.ArrayList<>();
    for (String n : SUBSETS) {
      java.util.Set<Region> held = new java.util.TreeSet<>(REGIONS);
      REGIONS.forEach(r -> held.removeIf(x -> n.equals("all-but-" + r) && x.equals(r)));
      subsets.add(new dev.failover.core.domain.Subset(n, BS + n, held));
    }
    return new Topology(
        Mode.URL_MAP_SUBSETS,
        PROJECT,
        "app-url-map",
        REGIONS.stream().map(r -> RegionSpec.of(r, neg(r), 100, 1000)).toList(),
        expectedRps,
        subsets);
  }

  /** {@code weightedBackendServices} over {@link #SUBSETS}, with these weights in that order. */
  static String subsetWeights(int... w) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < SUBSETS.size(); i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"backendService\":\"")
          .append(BS)
          .append(SUBSETS.get(i))
          .append("\",\"weight\":")
          .append(w[i])
          .append('}');
    }
    return b.append(']').toString();
  }

  /** Weights over region subsets: all, and all-but-X for each region. */
  @Nested
  class UrlMapSubsets {
    UrlMapsClient client;
    UrlMapLoadBalancer lb;
    final List<String> names = SUBSETS;

    Topology subsets() {
      return subsetsTopology(1500);
    }

    String weighted(int... w) {
      return subsetWeights(w);
    }

    Map<String, Integer> weightsNow() {
      Map<String, Integer> out = new java.util.LinkedHashMap<>();
      fake.urlMap(PROJECT, "app-url-map")
          .getAsJsonObject("defaultRouteAction")
          .getAsJsonArray("weightedBackendServices")
          .forEach(
              e ->
                  out.put(
                      e.getAsJsonObject()
                          .get("backendService")
                          .getAsString()
                          .substring(BS.length()),
                      e.getAsJsonObject().get("weight").getAsInt()));
      return out;
    }

    static LbConfig shares(int us, int eu, int asia) {
      return new LbConfig(
          Mode.URL_MAP_SUBSETS,
          Map.of(
              US, new Setting.Share(us), EU, new Setting.Share(eu), ASIA, new Setting.Share(asia)));
    }

    @BeforeEach
    void setUp() {
      fake.putUrlMap(
          PROJECT,
          "app-url-map",
          json(
              "{\"defaultRouteAction\":{\"weightedBackendServices\":"
                  + weighted(1000, 0, 0, 0)
                  + "}}"));
      client = ComputeClients.urlMaps(settings);
      lb = new UrlMapLoadBalancer(client, subsets(), Set.of(), Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
      client.close();
    }

    @Test
    void allTheWeightOnAll_isEveryRegionServingItsOwnUsers() {
      assertEquals(shares(1000, 1000, 1000), lb.read().config());
      assertEquals(
          "asia-east1=100% europe-west1=100% us-central1=100%", lb.read().config().display());
    }

    @Test
    void aDrain_movesTheWeightToAllButTheRegion_andARampSplitsIt() {
      LoadBalancer.Observed o = lb.read();
      lb.apply(shares(0, 1000, 1000), o.fingerprint(), Map.of());
      assertEquals(
          Map.of(
              "all",
              0,
              "all-but-us-central1",
              1000,
              "all-but-europe-west1",
              0,
              "all-but-asia-east1",
              0),
          weightsNow());
      LoadBalancer.Observed drained = lb.read();
      assertEquals(shares(0, 1000, 1000), drained.config());
      lb.apply(shares(250, 1000, 1000), drained.fingerprint(), Map.of());
      assertEquals(
          Map.of(
              "all",
              250,
              "all-but-us-central1",
              750,
              "all-but-europe-west1",
              0,
              "all-but-asia-east1",
              0),
          weightsNow());
      assertEquals(shares(250, 1000, 1000), lb.read().config());
      assertEquals(2, fake.writes().size());
    }

    @Test
    void levelsThatNeedAMissingSubset_areRefusedBeforeAnyPatch() {
      LoadBalancer.Observed o = lb.read();
      PermanentException e =
          assertThrows(
              PermanentException.class,
              () -> lb.apply(shares(0, 0, 1000), o.fingerprint(), Map.of()));
      assertEquals(
          "cannot write asia-east1=100% europe-west1=0% us-central1=0% on URL map app-url-map: no"
              + " subset backend service holds exactly [asia-east1] (needed: a subset holding"
              + " exactly [asia-east1])",
          e.getMessage());
      assertEquals(0, fake.count(Call.PATCH));
    }

    @Test
    void subsetsTheUrlMapDoesNotList_readAsWeightZero_andADrainAddsThem() {
      fake.putUrlMap(
          PROJECT,
          "app-url-map",
          json(
              "{\"defaultRouteAction\":{\"weightedBackendServices\":[{\"backendService\":\""
                  + BS
                  + "all\",\"weight\":1000}]}}"));
      LoadBalancer.Observed o = lb.read();
      assertEquals(shares(1000, 1000, 1000), o.config());
      lb.apply(shares(0, 1000, 1000), o.fingerprint(), Map.of());
      assertEquals(
          Map.of(
              "all", 0,
              "all-but-us-central1", 1000,
              "all-but-europe-west1", 0,
              "all-but-asia-east1", 0),
          weightsNow());
    }

    @Test
    void everyWeightZero_isPermanentAndSaysSo() {
      fake.putUrlMap(
          PROJECT,
          "app-url-map",
          json(
              "{\"defaultRouteAction\":{\"weightedBackendServices\":"
                  + weighted(0, 0, 0, 0)
                  + "}}"));
      assertEquals(
          "URL map app-url-map holds an invalid config: every subset is at weight 0",
          assertThrows(PermanentException.class, () -> lb.read()).getMessage());
    }
  }

  @Nested
  class Membership {
    BackendServicesClient client;
    BackendServiceLoadBalancer lb;
    static final String ENTRY_US =
        "{\"group\":\""
            + NEG
            + "us-central1/networkEndpointGroups/app-us-central1\","
            + "\"balancingMode\":\"UTILIZATION\",\"capacityScaler\":1,\"description\":\"us, created by terraform\"}";

    @BeforeEach
    void setUp() {
      fake.putBackendService(
          PROJECT,
          "app-backend",
          json(
              "{\"loadBalancingScheme\":\"EXTERNAL_MANAGED\",\"protocol\":\"HTTPS\",\"backends\":["
                  + ENTRY_US
                  + ",{\"group\":\""
                  + neg(EU)
                  + "\"},{\"group\":\""
                  + neg(ASIA)
                  + "\"}]}"));
      client = ComputeClients.backendServices(settings);
      lb =
          new BackendServiceLoadBalancer(
              client, topology(Mode.BACKEND_MEMBERSHIP), Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
      client.close();
    }

    LbConfig members(boolean us, boolean eu, boolean asia) {
      return new LbConfig(
          Mode.BACKEND_MEMBERSHIP,
          Map.of(
              US,
              new Setting.Member(us),
              EU,
              new Setting.Member(eu),
              ASIA,
              new Setting.Member(asia)));
    }

    @Test
    void drainThenRestore_reAddsTheExactSameBackendEntry() {
      LoadBalancer.Observed before = lb.read();
      assertEquals(members(true, true, true), before.config());
      String parked = before.entries().get(US);
      lb.apply(members(false, true, true), before.fingerprint(), Map.of());
      assertEquals(
          2, fake.backendService(PROJECT, "app-backend").getAsJsonArray("backends").size());
      LoadBalancer.Observed drained = lb.read();
      assertEquals(members(false, true, true), drained.config());
      lb.apply(members(true, true, true), drained.fingerprint(), Map.of(US, parked));
      JsonObject restored =
          fake.backendService(PROJECT, "app-backend")
              .getAsJsonArray("backends")
              .get(2)
              .getAsJsonObject();
      assertEquals(json(ENTRY_US), restored);
    }

    @Test
    void restoreWithoutAParkedEntry_addsTheGroupAlone() {
      LoadBalancer.Observed before = lb.read();
      lb.apply(members(true, false, true), before.fingerprint(), Map.of());
      lb.apply(members(true, true, true), lb.read().fingerprint(), Map.of());
      JsonObject restored =
          fake.backendService(PROJECT, "app-backend")
              .getAsJsonArray("backends")
              .get(2)
              .getAsJsonObject();
      assertEquals(json("{\"group\":\"" + neg(EU) + "\"}"), restored);
    }

    @Test
    void fake_refusesToRemoveTheLastBackend_andCapacityScalerOnServerlessNegs() throws Exception {
      BackendService current = client.get(PROJECT, "app-backend");
      BackendService none =
          BackendService.newBuilder()
              .setFingerprint(current.getFingerprint())
              .addBackends(current.getBackends(1).toBuilder().setCapacityScaler(0.5f))
              .build();
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () -> client.patchAsync(PROJECT, "app-backend", none).get());
      assertEquals(
          "Invalid value for field 'resource.backends[0].capacityScaler': '0.5'. Capacity scaler is"
              + " not available for Serverless network endpoint groups.",
          ComputeErrors.message((com.google.api.gax.rpc.ApiException) e.getCause()));
      BackendService rate =
          BackendService.newBuilder()
              .setFingerprint(current.getFingerprint())
              .addBackends(
                  current.getBackends(1).toBuilder().setBalancingMode("RATE").setMaxRate(100))
              .build();
      e =
          assertThrows(
              ExecutionException.class,
              () -> client.patchAsync(PROJECT, "app-backend", rate).get());
      assertEquals(
          "Invalid value for field 'resource.backends[0].balancingMode': 'RATE'. Balancing mode is"
              + " not supported for Serverless network endpoint groups.",
          ComputeErrors.message((com.google.api.gax.rpc.ApiException) e.getCause()));
    }
  }

  @Nested
  class CapacityScaler {
    BackendServicesClient client;
    BackendServiceLoadBalancer lb;
    static final String IG = "https://www.googleapis.com/compute/v1/projects/demo-project/zones/";

    Topology igTopology() {
      return new Topology(
          Mode.CAPACITY_SCALER,
          PROJECT,
          "app-backend",
          REGIONS.stream()
              .map(r -> RegionSpec.of(r, IG + r + "-a/instanceGroups/app-" + r, 100, 1000))
              .toList(),
          1500);
    }

    @BeforeEach
    void setUp() {
      StringBuilder b = new StringBuilder("{\"backends\":[");
      for (int i = 0; i < REGIONS.size(); i++) {
        Region r = REGIONS.get(i);
        b.append(i == 0 ? "" : ",")
            .append("{\"group\":\"")
            .append(IG)
            .append(r)
            .append("-a/instanceGroups/app-")
            .append(r)
            .append(
                "\",\"balancingMode\":\"RATE\",\"maxRatePerInstance\":50,\"capacityScaler\":1}");
      }
      fake.putBackendService(PROJECT, "app-backend", json(b.append("]}").toString()));
      client = ComputeClients.backendServices(settings);
      lb = new BackendServiceLoadBalancer(client, igTopology(), Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
      client.close();
    }

    @Test
    void apply_setsTheScalerAndKeepsTheBalancingMode() {
      LoadBalancer.Observed o = lb.read();
      LbConfig target =
          new LbConfig(
              Mode.CAPACITY_SCALER,
              Map.of(
                  US,
                  new Setting.Scaler(0),
                  EU,
                  new Setting.Scaler(250),
                  ASIA,
                  new Setting.Scaler(1000)));
      lb.apply(target, o.fingerprint(), Map.of());
      assertEquals(target, lb.read().config());
      JsonObject us =
          fake.backendService(PROJECT, "app-backend")
              .getAsJsonArray("backends")
              .get(0)
              .getAsJsonObject();
      assertEquals(0.0, us.get("capacityScaler").getAsDouble());
      assertEquals("RATE", us.get("balancingMode").getAsString());
      assertEquals(50, us.get("maxRatePerInstance").getAsInt());
    }
  }
}
