package dev.failover.bench;

import com.google.cloud.NoCredentials;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.Topology;
import dev.failover.core.testing.Emulator;
import dev.failover.fake.compute.ComputeFake;
import java.util.List;

/**
 * The load balancer every process-level harness measures: one URL map in {@code demo-project}
 * splitting 1,500 rps over three regions of 1,000 rps each, one backend service per region.
 */
final class ThreeRegions {
  static final String PROJECT = "demo-project";
  static final Region US = Region.of("us-central1");
  static final Region EU = Region.of("europe-west1");
  static final Region ASIA = Region.of("asia-east1");
  static final List<Region> REGIONS = List.of(US, EU, ASIA);
  static final String BS =
      "https://www.googleapis.com/compute/v1/projects/" + PROJECT + "/global/backendServices/app-";

  private ThreeRegions() {}

  /** A Firestore client of the emulator, in the demo project. */
  static Firestore firestore(Emulator emulator) {
    return FirestoreOptions.newBuilder()
        .setProjectId(PROJECT)
        .setEmulatorHost(emulator.hostPort())
        .setHost(emulator.hostPort())
        .setCredentials(NoCredentials.getInstance())
        .build()
        .getService();
  }

  static Topology topology(String urlMap) {
    return new Topology(
        Mode.URL_MAP_WEIGHTS,
        PROJECT,
        urlMap,
        REGIONS.stream().map(r -> RegionSpec.of(r, BS + r, 100, 1000)).toList(),
        1500);
  }

  /** The same topology as FAILOVER_TOPOLOGY JSON, for function processes. */
  static String topologyJson(String urlMap) {
    StringBuilder regions = new StringBuilder();
    for (Region r : REGIONS) {
      regions
          .append(regions.length() == 0 ? "" : ",")
          .append("{\"region\":\"")
          .append(r)
          .append("\",\"backend\":\"")
          .append(BS)
          .append(r)
          .append("\",\"base_weight\":100,\"capacity_rps\":1000}");
    }
    return "{\"mode\":\"URL_MAP_WEIGHTS\",\"project\":\""
        + PROJECT
        + "\",\"resource\":\""
        + urlMap
        + "\",\"expected_rps\":1500,\"regions\":["
        + regions
        + "]}";
  }

  /** Puts the URL map into the fake with every region at weight 100. */
  static void put(ComputeFake fake, String urlMap) {
    StringBuilder wbs = new StringBuilder("[");
    for (Region r : REGIONS) {
      wbs.append(wbs.length() == 1 ? "" : ",")
          .append("{\"backendService\":\"")
          .append(BS)
          .append(r)
          .append("\",\"weight\":100}");
    }
    JsonObject map =
        JsonParser.parseString(
                "{\"defaultRouteAction\":{\"weightedBackendServices\":" + wbs + "]}}")
            .getAsJsonObject();
    fake.putUrlMap(PROJECT, urlMap, map);
  }
}
