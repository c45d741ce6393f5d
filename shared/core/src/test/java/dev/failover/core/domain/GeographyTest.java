package dev.failover.core.domain;

import static dev.failover.core.testing.Fixtures.ASIA;
import static dev.failover.core.testing.Fixtures.EU;
import static dev.failover.core.testing.Fixtures.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where users are served in mode URL_MAP_SUBSETS, with exact numbers. */
class GeographyTest {

  /** us 600 (spills to eu, then asia), eu default share, asia 400 (no spill_to). */
  private static Topology topology() {
    Topology base = Fixtures.subsets(1500, 2, US, EU, ASIA);
    List<RegionSpec> specs =
        base.regions().stream()
            .map(
                r ->
                    r.region().equals(US)
                        ? r.withGeography(600, List.of(EU, ASIA))
                        : r.region().equals(ASIA) ? r.withGeography(400, List.of()) : r)
            .toList();
    return new Topology(Mode.URL_MAP_SUBSETS, "p", "um", specs, 1500, base.subsets());
  }

  @Test
  void users_areDeclared_orTheExpectedRpsSplitByBaseWeight() {
    Topology t = topology();
    assertEquals(600.0, Geography.users(t, t.spec(US)));
    assertEquals(500.0, Geography.users(t, t.spec(EU)), "1500 x 100 / 300");
    assertEquals(400.0, Geography.users(t, t.spec(ASIA)));
  }

  @Test
  void everyRegionAtFull_servesItsOwnUsersOnly() {
    Topology t = topology();
    Map<Region, Integer> full = Map.of(US, 1000, EU, 1000, ASIA, 1000);
    assertEquals(Map.of(US, 600.0, EU, 500.0, ASIA, 400.0), Geography.loads(t, full));
    assertEquals(
        Map.of(US, Map.of(US, 1000), EU, Map.of(EU, 1000), ASIA, Map.of(ASIA, 1000)),
        Geography.servedBy(t, full));
  }

  @Test
  void aDrainedRegionsUsers_skipADrainedSpillRegion_forTheNextThatServes() {
    Topology t = topology();
    Map<Region, Integer> levels = Map.of(US, 250, EU, 0, ASIA, 1000);
    // us keeps 25 % of its 600; eu (drained) is skipped: 450 go to asia; eu's 500 (no spill_to)
    // go to the serving region with the least spare capacity: us has 850, asia 600
    assertEquals(Map.of(US, 150.0, EU, 0.0, ASIA, 1350.0), Geography.loads(t, levels));
    Map<Region, Map<Region, Integer>> served = Geography.servedBy(t, levels);
    assertEquals(Map.of(US, 250, ASIA, 750), served.get(US));
    assertEquals(Map.of(ASIA, 1000), served.get(EU));
    assertEquals(Map.of(ASIA, 1000), served.get(ASIA));
  }

  @Test
  void theLeastSpareCapacity_breaksTiesByName_andNobodyServingTakesNothing() {
    Topology t = Fixtures.subsets(1500, 2, US, EU, ASIA);
    Map<Region, Integer> levels = Map.of(US, 0, EU, 1000, ASIA, 1000);
    Map<Region, Double> own = Map.of(US, 0.0, EU, 500.0, ASIA, 500.0);
    // eu and asia both have 500 spare: asia-east1 comes first by name
    assertEquals(Optional.of(ASIA), Geography.receiver(t, t.spec(US), levels, own));
    assertEquals(
        Optional.empty(),
        Geography.receiver(
            t,
            t.spec(US),
            Map.of(US, 1000, EU, 0, ASIA, 0),
            Map.of(US, 500.0, EU, 0.0, ASIA, 0.0)));
  }

  @Test
  void aRegionAtAnyShareAboveZero_serves() {
    assertTrue(new Setting.Share(1).serving());
    assertFalse(new Setting.Share(0).serving());
    assertEquals(Mode.URL_MAP_SUBSETS, new Setting.Share(0).mode());
  }
}
