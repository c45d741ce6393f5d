package dev.failover.gcp.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Subset;
import dev.failover.core.domain.Topology;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The topology file in mode URL_MAP_SUBSETS: its subsets, and errors that name their field. */
class ConfigJsonTest {
  private static final Region US = Region.of("us-central1");
  private static final Region EU = Region.of("europe-west1");

  private static String topology(String subsets) {
    return "{\"mode\":\"url_map_subsets\",\"project\":\"p\",\"resource\":\"app-url-map\","
        + "\"regions\":[{\"region\":\"us-central1\",\"backend\":\"neg-us\",\"capacity_rps\":1000},"
        + "{\"region\":\"europe-west1\",\"backend\":\"neg-eu\",\"capacity_rps\":1000}]"
        + subsets
        + "}";
  }

  private static Topology parse(String text) {
    return ConfigJson.topology(Strict.parse(text, "topology"));
  }

  private static String error(String text) {
    return assertThrows(Strict.InvalidJsonException.class, () -> parse(text)).getMessage();
  }

  @Test
  void subsets_areReadWithTheirRegions() {
    Topology t =
        parse(
            topology(
                ",\"subsets\":[{\"name\":\"all\",\"backend\":\"bs-all\",\"regions\":"
                    + "[\"us-central1\",\"europe-west1\"]},{\"name\":\"all-but-us\",\"backend\":"
                    + "\"bs-eu\",\"regions\":[\"europe-west1\"]}]"));
    assertEquals(Mode.URL_MAP_SUBSETS, t.mode());
    assertEquals(
        List.of(
            new Subset("all", "bs-all", Set.of(US, EU)),
            new Subset("all-but-us", "bs-eu", Set.of(EU))),
        t.subsets());
  }

  @Test
  void regions_sayWhereTheirUsersGo() {
    Topology t =
        parse(
            "{\"mode\":\"url_map_subsets\",\"project\":\"p\",\"resource\":\"um\","
                + "\"regions\":[{\"region\":\"us-central1\",\"backend\":\"neg-us\","
                + "\"capacity_rps\":1000,\"users_rps\":600,\"spill_to\":[\"europe-west1\"]},"
                + "{\"region\":\"europe-west1\",\"backend\":\"neg-eu\",\"capacity_rps\":1000}],"
                + "\"subsets\":[{\"name\":\"all\",\"backend\":\"bs-all\",\"regions\":"
                + "[\"us-central1\",\"europe-west1\"]}]}");
    assertEquals(600.0, t.spec(US).usersRps());
    assertEquals(List.of(EU), t.spec(US).spillTo());
    assertEquals(List.of(), t.spec(EU).spillTo());
    assertEquals(
        "regions: spill_to of us-central1 names asia-east1, which is not a region of the topology",
        error(
            "{\"mode\":\"url_map_subsets\",\"project\":\"p\",\"resource\":\"um\","
                + "\"regions\":[{\"region\":\"us-central1\",\"backend\":\"neg-us\","
                + "\"capacity_rps\":1000,\"spill_to\":[\"asia-east1\"]}]}"));
    assertEquals(
        "regions[0].region: spill_to of us-central1 names the region itself",
        error(
            "{\"mode\":\"url_map_subsets\",\"project\":\"p\",\"resource\":\"um\","
                + "\"regions\":[{\"region\":\"us-central1\",\"backend\":\"neg-us\","
                + "\"capacity_rps\":1000,\"spill_to\":[\"us-central1\"]}]}"));
  }

  @Test
  void aBadSubset_namesItsField() {
    assertEquals(
        "subsets: mode URL_MAP_SUBSETS needs a subset that holds every region (all), got" + " []",
        error(topology("")));
    assertEquals(
        "subsets[0].regions[1]: region must look like 'us-central1' (lowercase words joined"
            + " by '-', ending in a number), got 'EU'",
        error(
            topology(
                ",\"subsets\":[{\"name\":\"all\",\"backend\":\"b\",\"regions\":"
                    + "[\"us-central1\",\"EU\"]}]")));
    assertEquals(
        "subsets[0].regions[0] must be a region name",
        error(topology(",\"subsets\":[{\"name\":\"all\",\"backend\":\"b\",\"regions\":[7]}]")));
    assertEquals(
        "subsets: subset all holds asia-east1, which is not a region of the topology",
        error(
            topology(
                ",\"subsets\":[{\"name\":\"all\",\"backend\":\"b\",\"regions\":"
                    + "[\"us-central1\",\"europe-west1\",\"asia-east1\"]}]")));
    assertEquals(
        "unknown field subsets[0].weight (known: backend, name, regions)",
        error(
            topology(
                ",\"subsets\":[{\"name\":\"all\",\"backend\":\"b\",\"weight\":1,\"regions\":"
                    + "[\"us-central1\",\"europe-west1\"]}]")));
  }
}
