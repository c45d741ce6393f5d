package dev.failover.gcp.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.SubsetWeights;
import dev.failover.core.domain.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What Terraform hands the functions is what they read: the files {@code terraform test} checks the
 * topology-json module's output against (terraform/modules/topology-json/tests) are parsed here by
 * the functions' own parser. The subsets one is what the service-front module lays out for three
 * regions and {@code max_regions_out = 1}.
 */
class TerraformTopologyTest {
  private static final Path TESTS = Path.of("../../terraform/modules/topology-json/tests");
  private static final Region US = Region.of("us-central1");
  private static final Region EU = Region.of("europe-west1");
  private static final Region ASIA = Region.of("asia-east1");
  private static final String API = "https://www.googleapis.com/compute/v1/projects/demo-project";

  private static Topology read(String file) throws Exception {
    return ConfigJson.topology(Strict.parse(Files.readString(TESTS.resolve(file)), "topology"));
  }

  @Test
  void subsetsFront_isReadWithItsSubsetsAndGeography() throws Exception {
    Topology t = read("FAILOVER_TOPOLOGY-subsets.json");

    assertEquals(Mode.URL_MAP_SUBSETS, t.mode());
    assertEquals("app", t.resource());
    assertEquals(1500.0, t.expectedRps());
    Map<String, Set<Region>> subsets = new TreeMap<>();
    t.subsets().forEach(s -> subsets.put(s.name(), s.regions()));
    assertEquals(
        Map.of(
            "all", Set.of(US, EU, ASIA),
            "all-but-asia-east1", Set.of(US, EU),
            "all-but-europe-west1", Set.of(US, ASIA),
            "all-but-us-central1", Set.of(EU, ASIA)),
        subsets);
    assertEquals(
        API + "/global/backendServices/app-all-but-us-central1",
        t.subsets().stream()
            .filter(s -> s.name().equals("all-but-us-central1"))
            .findFirst()
            .orElseThrow()
            .backend());
    RegionSpec asia = t.spec(ASIA);
    assertEquals(800.0, asia.capacityRps());
    assertEquals(400.0, asia.usersRps());
    assertEquals(List.of(US, EU), asia.spillTo());
    assertEquals(100, asia.baseWeight());
  }

  /** max_regions_out = 1: any one region can be drained or ramped; two at once cannot. */
  @Test
  void subsetsFront_expressesOneRegionOutAndNotTwo() throws Exception {
    Topology t = read("FAILOVER_TOPOLOGY-subsets.json");

    for (Region out : List.of(US, EU, ASIA)) {
      Map<Region, Integer> levels = new TreeMap<>(Map.of(US, 1000, EU, 1000, ASIA, 1000));
      levels.put(out, 250);
      SubsetWeights.Weights w =
          assertInstanceOf(
              SubsetWeights.Weights.class, SubsetWeights.weights(t.subsets(), levels), "" + out);
      assertEquals(
          Map.of(
              API + "/global/backendServices/app-all", 250,
              API + "/global/backendServices/app-all-but-" + out.name(), 750),
          nonZero(w.byBackend()),
          "ramping " + out);
    }
    assertInstanceOf(
        SubsetWeights.Missing.class,
        SubsetWeights.weights(t.subsets(), Map.of(US, 0, EU, 0, ASIA, 1000)));
  }

  @Test
  void weightsFront_leftOutFieldsTakeTheirDefaults() throws Exception {
    Topology t = read("FAILOVER_TOPOLOGY-weights.json");

    assertEquals(Mode.URL_MAP_WEIGHTS, t.mode());
    assertEquals(List.of(), t.subsets());
    assertEquals(1200.0, t.expectedRps());
    assertEquals(
        List.of(50, 30, 20), Stream.of(US, EU, ASIA).map(r -> t.spec(r).baseWeight()).toList());
    RegionSpec us = t.spec(US);
    assertEquals(0.0, us.usersRps());
    assertEquals(List.of(), us.spillTo());
    assertEquals(API + "/global/backendServices/app-us-central1", us.backend());
  }

  private static Map<String, Integer> nonZero(Map<String, Integer> weights) {
    Map<String, Integer> out = new TreeMap<>();
    weights.forEach(
        (k, v) -> {
          if (v != 0) {
            out.put(k, v);
          }
        });
    return out;
  }
}
